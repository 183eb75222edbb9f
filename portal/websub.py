"""WebSub: tell the configured hub which feeds changed, so subscribers get pushes.

Every worker reloads the same content, but only the first process to claim a
generation (an exclusive create of a marker file) pings the hub for it.
"""
from __future__ import annotations

import logging
import os
import urllib.parse
import urllib.request
from pathlib import Path

from flask import Flask

from .content import Item, Library
from .kinds.disclosures.outputs import feed_names
from .urls import absolute_url

log = logging.getLogger(__name__)
TIMEOUT = 5


def changed_disclosures(old: Library, new: Library) -> list[Item]:
    """Disclosures added, edited or removed between two loads."""
    def digests(library: Library):
        return {rel: (source.digest, source.item) for rel, source in library.sources.items()
                if source.item.section == "disclosures"}
    before, after = digests(old), digests(new)
    changed = [after[rel][1] for rel in after if before.get(rel, (None,))[0] != after[rel][0]]
    return changed + [before[rel][1] for rel in before if rel not in after]


def feed_urls(app: Flask, library: Library, items: list[Item]) -> list[str]:
    """Every subscription feed, in every language, that shows any of ``items``."""
    names, hazards = {"disclosures"}, set()
    for item in items:
        names.add(item.type)
        hazards.update(item.hazards)
    urls = []
    with app.app_context():
        for lang in library.languages:
            for fmt in ("atom", "rss"):
                urls += [absolute_url("disclosures.feed_named", lang=lang, name=n, fmt=fmt)
                         for n in sorted(names) if n in feed_names()]
                urls += [absolute_url("disclosures.feed_hazard", lang=lang, hazard=h, fmt=fmt)
                         for h in sorted(hazards)]
    return urls


def ping(hub: str, urls: list[str]) -> None:
    for url in urls:
        body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": url}).encode()
        request = urllib.request.Request(hub, data=body, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                response.read()
        except OSError as exc:
            log.warning("WebSub hub %s did not take %s: %s", hub, url, exc)


def _claim(marker_dir: Path, generation: str) -> bool:
    marker_dir.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(marker_dir / generation, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        return True
    except FileExistsError:
        return False


def init_app(app: Flask) -> None:
    hub = app.config["WEBSUB_HUB"]
    if not hub:
        return
    markers = Path(app.config["BUILD_DIR"]) / "websub"

    def on_reload(old: Library, new: Library) -> None:
        items = changed_disclosures(old, new)
        if items and _claim(markers, new.generation):
            ping(hub, feed_urls(app, new, items))

    app.extensions["portal.store"].subscribe(on_reload)
