"""Routes outside a language: the root redirect, health, robots and sitemap."""
from __future__ import annotations

import os

from flask import Blueprint, current_app, redirect, render_template, url_for

from .common import library, now
from ..i18n import current_lang
from ..urls import absolute_url

bp = Blueprint("root", __name__)


@bp.get("/")
def index():
    response = redirect(url_for("site.home", lang=current_lang()), 302)
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/healthz")
def healthz():
    lib = library()
    status = "degraded" if lib.errors else "ok"
    body = {
        "status": status,
        "generation": lib.generation,
        "items": len(lib),
        "pid": os.getpid(),
        "errors": [str(e) for e in lib.errors],
    }
    response = current_app.json.response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/robots.txt")
def robots():
    body = f"User-agent: *\nAllow: /\nSitemap: {absolute_url('root.sitemap')}\n"
    return current_app.response_class(body, mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    lib, when = library(), now()
    entries = []
    for lang in lib.languages:
        entries.append(absolute_url("site.home", lang=lang))
        for item in lib.all():
            if item.lang == lang and item.is_public(when):
                endpoint = {"guides": "site.guide", "pages": "site.page",
                            "disclosures": "site.disclosure"}[item.section]
                if endpoint in current_app.view_functions:
                    entries.append(absolute_url(endpoint, lang=lang, slug=item.slug))
    xml = render_template("sitemap.xml", urls=entries)
    return current_app.response_class(xml, mimetype="application/xml")
