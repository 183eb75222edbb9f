"""``/sw.js``, ``/<lang>/manifest.webmanifest`` and ``/<lang>/offline.json``."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Blueprint, current_app, url_for
from flask_babel import gettext

from .. import assets
from ..content import localized
from ..outputs import cached
from ..views.common import lang, library, now
from . import bp, state_token

root = Blueprint("offline_root", __name__)
WORKER = Path(__file__).with_name("sw.js")
ICONS = (("icons/icon-192.png", "192x192", "image/png", "any"),
         ("icons/icon-512.png", "512x512", "image/png", "any"),
         ("icons/maskable-192.png", "192x192", "image/png", "maskable"),
         ("icons/maskable-512.png", "512x512", "image/png", "maskable"),
         ("icons/icon.svg", "any", "image/svg+xml", "any"))


def worker_source() -> bytes:
    """The worker, its version the hash of its own text (a new worker drops old caches)."""
    text = WORKER.read_bytes()
    return text.replace(b"__VERSION__", hashlib.sha256(text).hexdigest()[:12].encode())


@root.get("/sw.js")
def worker():
    body = current_app.extensions.get("portal.offline.worker")
    if body is None or current_app.debug:
        body = current_app.extensions["portal.offline.worker"] = worker_source()
    response = current_app.response_class(body, mimetype="text/javascript")
    # Browsers look for a new worker at least daily; caches in between must ask first.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    site, code = library().site, lang()
    default = current_app.config["DEFAULT_LANG"]
    body = {
        "name": localized(site.names, code, default),
        "short_name": localized(site.short_names, code, default),
        "description": gettext("Official emergency information: what to do, what is "
                               "happening, and what is not true."),
        "lang": code,
        "dir": "ltr",
        "id": url_for("site.home"),
        "start_url": url_for("site.home"),
        "scope": url_for("site.home"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b4f8a",
        "icons": [{"src": url_for("static", filename=name), "sizes": sizes, "type": kind,
                   "purpose": purpose} for name, sizes, kind, purpose in ICONS],
    }
    return current_app.response_class(json.dumps(body, ensure_ascii=False, indent=1),
                                      mimetype="application/manifest+json")


def saved_pages() -> list[str]:
    """The pages of this language kept for offline reading: the home page, the guides,
    hotlines, places and plans (lists and items), the announcements list."""
    lib, when, code = library(), now(), lang()
    views = current_app.view_functions
    urls = [url_for("site.home"), url_for("site.hotlines")]
    for kind in ("guides", "places", "plans", "disclosures"):
        spec = lib.kinds.get(kind)
        if spec is None or spec.list_endpoint not in views:
            continue
        urls.append(url_for(spec.list_endpoint))
        if kind == "disclosures":  # network first, visited ones kept: not saved ahead
            continue
        urls += [url_for(spec.endpoint, slug=item.slug) for item in lib.section(code, kind, when)]
    return urls


def build_list() -> bytes:
    """Every URL saved for offline reading with its size in bytes, measured by asking
    the app itself (pages come from the page cache), and what the worker says offline."""
    from ..handbook import offline_phone
    config = current_app.config
    names = assets.manifest(Path(config["STATIC_DIR"]))
    static_dir = Path(config["STATIC_DIR"])
    entries = []
    with current_app.test_client() as client:
        for url in saved_pages() + [url_for("offline.manifest")]:
            response = client.get(url, base_url=config["BASE_URL"])
            if response.status_code == 200:
                entries.append({"url": url, "bytes": len(response.get_data())})
    for name in sorted(names):
        entries.append({"url": url_for("static", filename=name),
                        "bytes": (static_dir / name).stat().st_size})
    lib, code = library(), lang()
    total = sum(e["bytes"] for e in entries)
    body = {
        "lang": code,
        "state": state_token(),
        "generation": lib.generation,
        "pages": sum(1 for e in entries if not e["url"].startswith("/static/")),
        "bytes": total,
        "urls": entries,
        "time_zone": str(lib.site.timezone),
        "locale": str(lib.site.locales.get(code, code)).replace("_", "-"),
        "notice": gettext("You are offline. This page was last updated at %(time)s; "
                          "check the radio or call %(phone)s.", time="{time}",
                          phone=offline_phone()),
        "missing": gettext("You are offline, and this page was not saved on this device."),
        "home": url_for("site.home"),
        "home_label": gettext("Saved pages: the home page"),
        "stylesheet": url_for("static", filename="css/site.css"),
    }
    return json.dumps(body, ensure_ascii=False).encode()


@bp.get("/offline.json")
def offline_list():
    body = cached(("offline.json", lang()), build_list)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Cache-Control"] = "no-cache"
    return response
