"""`portal freeze DIR`: the whole site as static files, a mirror any web server can serve.

Pages keep their URLs: ``/en/guides/flood`` becomes ``en/guides/flood/index.html``,
which any static server (``python -m http.server``, nginx, an object store with
index documents) sends as text/html, redirecting ``/en/guides/flood`` to
``/en/guides/flood/`` as servers do for a directory; links, feeds and posters stay
valid. Query-string filters and search need the live site: the mirror shows full
lists without their filter forms, and its search box is replaced by a note.
"""
from __future__ import annotations

import os
import re
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


# A list's filter form (class "filters"): it needs the live site's query strings.
_FILTERS = re.compile(rb'<form class="filters"[^>]*>.*?</form>\s*', re.S)


def _pages_as_index_files(destination: Path) -> None:
    """Every page written as ``<path>/index.html`` (a file without an extension is sent
    as application/octet-stream by plain static servers, and downloaded), without
    the filter forms that cannot work on a mirror."""
    for path in sorted(destination.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if not path.is_file() or path.parts[len(destination.parts)] == "static":
            continue
        if path.suffix and path.suffix != ".html":
            continue
        data = path.read_bytes()
        if not data.lstrip()[:15].lower().startswith(b"<!doctype html"):
            continue
        data = _FILTERS.sub(b"", data)
        if path.suffix:
            path.write_bytes(data)
            continue
        temporary = path.with_name(path.name + ".page")
        temporary.write_bytes(data)
        os.unlink(path)
        path.mkdir()
        os.replace(temporary, path / "index.html")


def freeze(app: Flask, destination: str | Path) -> int:
    """Write every page, feed and asset under ``destination``; return the file count.

    Written beside it and swapped in whole at the end: a mirror being served never
    shows half of one state and half of another, and a failed freeze leaves the
    previous mirror as it was."""
    final = Path(destination).resolve()
    building = final.with_name(f".{final.name}.building")
    shutil.rmtree(building, ignore_errors=True)
    count = _freeze(app, building)
    if final.exists():
        old = final.with_name(f".{final.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
        os.replace(building, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(building, final)
    return count


def _freeze(app: Flask, destination: Path) -> int:
    app.config.update(FREEZER_DESTINATION=str(destination), FREEZER_RELATIVE_URLS=False,
                      FREEZER_IGNORE_MIMETYPE_WARNINGS=True, FREEZER_REMOVE_EXTRA_FILES=True,
                      FREEZER_REDIRECT_POLICY="follow", STATIC_MIRROR=True)
    assets.build_files(app)
    freezer = Freezer(app, with_static_files=False, with_no_argument_rules=False, log_url_for=False)
    freezer.register_generator(lambda: urls(app))
    with warnings.catch_warnings():
        # /healthz and the static route are deliberately absent from a mirror.
        warnings.simplefilter("ignore", MissingURLGeneratorWarning)
        count = len(freezer.freeze())
    _pages_as_index_files(destination)
    static = Path(app.config["BUILD_DIR"]) / "static"
    shutil.copytree(static, destination / "static", dirs_exist_ok=True)
    with app.test_client() as client:
        (destination / "404.html").write_bytes(client.get("/en/-missing-").data)
        (destination / "index.html").write_bytes(
            client.get(f"/{app.config['DEFAULT_LANG']}/").data)
    return count + sum(1 for p in (destination / "static").rglob("*") if p.is_file()) + 2
