"""`portal freeze DIR`: the whole site as static files, a mirror any web server can serve.

Pages keep their URLs (``/en/guides/flood`` becomes the file ``en/guides/flood``),
so links, feeds and posters stay valid; serve extensionless files as text/html
(nginx: ``default_type text/html;``). Query-string filters and search need the
live site: the mirror shows full lists, and its search box is replaced by a note.
"""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path

from flask import Flask
from flask_frozen import Freezer, MissingURLGeneratorWarning

from .content.fields import TYPES


def _urls(app: Flask):
    store = app.extensions["portal.store"]
    library, now = store.library, store.now()
    endpoints = {"guides": "site.guide", "disclosures": "site.disclosure", "pages": "site.page"}
    for lang in library.languages:
        for endpoint in ("site.home", "site.guides", "site.disclosures", "site.hotlines"):
            yield endpoint, {"lang": lang}
        for hazard in library.site.hazards:
            yield "site.hazard", {"lang": lang, "hazard": hazard}
            for fmt in ("atom", "rss"):
                yield "site.feed_hazard", {"lang": lang, "hazard": hazard, "fmt": fmt}
        for name in ("disclosures", *TYPES):
            for fmt in ("atom", "rss"):
                yield "site.feed_named", {"lang": lang, "name": name, "fmt": fmt}
        for section, endpoint in endpoints.items():
            for item in library.section(lang, section, now):
                yield endpoint, {"lang": lang, "slug": item.slug}
    for endpoint in ("root.robots", "root.sitemap"):
        yield endpoint, {}


def freeze(app: Flask, destination: str | Path) -> int:
    """Write every page, feed and asset under ``destination``; return the file count."""
    destination = Path(destination)
    app.config.update(FREEZER_DESTINATION=str(destination.resolve()), FREEZER_RELATIVE_URLS=False,
                      FREEZER_IGNORE_MIMETYPE_WARNINGS=True, FREEZER_REMOVE_EXTRA_FILES=True,
                      FREEZER_REDIRECT_POLICY="follow", STATIC_MIRROR=True)
    freezer = Freezer(app, with_static_files=False, with_no_argument_rules=False, log_url_for=False)
    freezer.register_generator(lambda: _urls(app))
    with warnings.catch_warnings():
        # /healthz and the static route are deliberately absent from a mirror.
        warnings.simplefilter("ignore", MissingURLGeneratorWarning)
        count = len(freezer.freeze())
    static = Path(app.config["BUILD_DIR"]) / "static"
    shutil.copytree(static, destination / "static", dirs_exist_ok=True)
    with app.test_client() as client:
        (destination / "404.html").write_bytes(client.get("/en/-missing-").data)
        (destination / "index.html").write_bytes(
            client.get(f"/{app.config['DEFAULT_LANG']}/").data)
    return count + sum(1 for p in (destination / "static").rglob("*") if p.is_file()) + 2
