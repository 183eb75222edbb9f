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

from . import assets


def urls(app: Flask):
    """(endpoint, values) of every page and feed: the site's own pages, each kind's
    list and items, and whatever else a kind publishes (its `freeze` generator)."""
    store = app.extensions["portal.store"]
    library, now = store.library, store.now()
    for lang in library.languages:
        for endpoint in ("site.home", "site.hotlines"):
            yield endpoint, {"lang": lang}
        for hazard in library.site.hazards:
            yield "site.hazard", {"lang": lang, "hazard": hazard}
        for kind in library.kinds.values():
            if kind.list_endpoint:
                yield kind.list_endpoint, {"lang": lang}
            if kind.endpoint:
                for item in library.section(lang, kind.name, now):
                    yield kind.endpoint, {"lang": lang, "slug": item.slug}
        for generate in app.extensions.get("portal.freeze", ()):
            yield from generate(library, lang)
    for endpoint in ("root.robots", "root.sitemap"):
        yield endpoint, {}


def freeze(app: Flask, destination: str | Path) -> int:
    """Write every page, feed and asset under ``destination``; return the file count."""
    destination = Path(destination)
    app.config.update(FREEZER_DESTINATION=str(destination.resolve()), FREEZER_RELATIVE_URLS=False,
                      FREEZER_IGNORE_MIMETYPE_WARNINGS=True, FREEZER_REMOVE_EXTRA_FILES=True,
                      FREEZER_REDIRECT_POLICY="follow", STATIC_MIRROR=True)
    assets.build_files(app)
    freezer = Freezer(app, with_static_files=False, with_no_argument_rules=False, log_url_for=False)
    freezer.register_generator(lambda: urls(app))
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
