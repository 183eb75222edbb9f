"""Routes outside a language: the root redirect, health, robots and sitemap."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from flask import Blueprint, current_app, redirect, render_template, url_for

from ..content.kind import changed_on
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


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: str | None
    alternates: tuple[tuple[str, str], ...]  # (hreflang, URL): the languages it is written in


def _newest(items) -> str | None:
    dates = [d for d in map(changed_on, items) if d is not None]
    if not dates:
        return None
    return max(dates, key=lambda d: d if isinstance(d, dt.datetime) else
               dt.datetime.combine(d, dt.time(), dt.timezone.utc)).isoformat()


def sitemap_entries() -> list[SitemapEntry]:
    """Every public page: each language's home, hotlines, hazard hubs and lists, and
    every item of every kind in each language it is written in, with the date it last
    changed and its other languages."""
    lib, when = library(), now()
    langs, views = lib.languages, current_app.view_functions
    entries = []

    def site_page(endpoint: str, items, **values):
        alternates = tuple((code, absolute_url(endpoint, lang=code, **values)) for code in langs)
        for code, url in alternates:
            entries.append(SitemapEntry(url, _newest(items), alternates))

    everything = [item for lang in langs for item in lib.public(lang, when)]
    site_page("site.home", everything)
    site_page("site.hotlines", ())
    for hazard in lib.site.hazards:
        site_page("site.hazard", [i for i in everything if hazard in getattr(i, "hazards", ())], hazard=hazard)
    for kind in lib.kinds.values():
        if kind.in_sitemap and kind.list_endpoint in views:
            site_page(kind.list_endpoint, [i for i in everything if i.section == kind.name])
    for lang in langs:
        for item in lib.public(lang, when):
            kind = lib.kinds[item.section]
            if not (kind.in_sitemap and kind.endpoint in views):
                continue
            versions = lib.translations(item, when)
            entries.append(SitemapEntry(
                absolute_url(kind.endpoint, lang=lang, slug=item.slug), _newest([item]),
                tuple((v.lang, absolute_url(kind.endpoint, lang=v.lang, slug=v.slug))
                      for v in versions)))
    return entries


def build_sitemap() -> bytes:
    return render_template("sitemap.xml", entries=sitemap_entries()).encode()


@bp.get("/sitemap.xml")
def sitemap():
    body = cached("sitemap", build_sitemap)
    return current_app.response_class(body, mimetype="application/xml")
