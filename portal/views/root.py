"""Routes outside a language: the root redirect, health, robots and sitemap."""
from __future__ import annotations

import os

from flask import Blueprint, current_app, redirect, render_template, url_for

from ..i18n import current_lang
from ..outputs import cached
from ..urls import absolute_url
from .common import library, now

bp = Blueprint("root", __name__)


@bp.get("/")
def index():
    response = redirect(url_for("site.home", lang=current_lang()), 302)
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/healthz")
def healthz():
    """Status and counts only: messages quote field values, and this answer is public.
    The details are in `portal check` and the log."""
    lib = library()
    warnings = len(lib.problems) - len(lib.errors)
    body = {
        "status": "degraded" if lib.errors else "ok",
        "generation": lib.generation,
        "items": len(lib),
        "errors": len(lib.errors),
        "warnings": warnings,
        "pid": os.getpid(),
    }
    response = current_app.json.response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/robots.txt")
def robots():
    body = f"User-agent: *\nAllow: /\nSitemap: {absolute_url('root.sitemap')}\n"
    return current_app.response_class(body, mimetype="text/plain")


def sitemap_urls() -> list[str]:
    """Every public page: each language's home and every item of every kind."""
    lib, when = library(), now()
    urls = []
    for lang in lib.languages:
        urls.append(absolute_url("site.home", lang=lang))
        for item in lib.public(lang, when):
            kind = lib.kinds[item.section]
            if kind.in_sitemap and kind.endpoint in current_app.view_functions:
                urls.append(absolute_url(kind.endpoint, lang=lang, slug=item.slug))
    return urls


def build_sitemap() -> bytes:
    return render_template("sitemap.xml", urls=sitemap_urls()).encode()


@bp.get("/sitemap.xml")
def sitemap():
    body = cached("sitemap", build_sitemap)
    return current_app.response_class(body, mimetype="application/xml")
