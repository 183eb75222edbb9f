"""Routes outside a language: the root redirect, health, robots and sitemap."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from flask import Blueprint, current_app, redirect, render_template, url_for
from markupsafe import Markup, escape

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
    """The site's own pages: each language's home, hotlines, hazard hubs and lists,
    with the date they last changed and their other languages (the items follow,
    from :func:`item_urls`)."""
    lib, when = library(), now()
    langs, views = lib.languages, current_app.view_functions
    entries = []

    def site_page(endpoint: str, lastmod: str | None, **values):
        alternates = tuple((code, absolute_url(endpoint, lang=code, **values)) for code in langs)
        for code, url in alternates:
            entries.append(SitemapEntry(url, lastmod, alternates))

    # The newest change of everything, per hazard and per kind, in one pass.
    newest: dict[tuple, tuple] = {}
    for lang in langs:
        for item in lib.public(lang, when):
            changed = changed_on(item)
            if changed is None:
                continue
            key = changed if isinstance(changed, dt.datetime) else \
                dt.datetime.combine(changed, dt.time(), dt.timezone.utc)
            for group in (("home",), ("kind", item.section),
                          *(("hazard", h) for h in getattr(item, "hazards", ()))):
                found = newest.get(group)
                if found is None or key > found[0]:
                    newest[group] = (key, changed)

    def lastmod(*group) -> str | None:
        found = newest.get(group)
        return found[1].isoformat() if found else None

    site_page("site.home", lastmod("home"))
    site_page("site.hotlines", None)
    for hazard in lib.site.hazards:
        site_page("site.hazard", lastmod("hazard", hazard), hazard=hazard)
    for kind in lib.kinds.values():
        if kind.in_sitemap and kind.list_endpoint in views:
            site_page(kind.list_endpoint, lastmod("kind", kind.name))
    return entries


def item_urls() -> str:
    """A <url> element per public item of every kind, in each language it is written
    in, with its date and other languages. An item's element is kept from one content
    state to the next while the item and its versions are the same objects: after a
    publication only the new or changed items' URLs are built again, not 10,000."""
    lib, when = library(), now()
    views = current_app.view_functions
    known: dict = current_app.extensions.get("portal.sitemap-items", {})
    kept: dict = {}
    parts = []
    for lang in lib.languages:
        for item in lib.public(lang, when):
            kind = lib.kinds[item.section]
            if not (kind.in_sitemap and kind.endpoint in views):
                continue
            versions = tuple(lib.translations(item, when))
            seen = known.get(id(item))
            if seen is not None and seen[0] is item and seen[1] == tuple(map(id, versions)):
                element = seen[2]
            else:
                element = _url_element(SitemapEntry(
                    absolute_url(kind.endpoint, lang=lang, slug=item.slug), _newest([item]),
                    tuple((v.lang, absolute_url(kind.endpoint, lang=v.lang, slug=v.slug))
                          for v in versions)))
            # The versions themselves are held too: their ids stay theirs meanwhile.
            kept[id(item)] = (item, tuple(map(id, versions)), element, versions)
            parts.append(element)
    current_app.extensions["portal.sitemap-items"] = kept
    return "".join(parts)


def _url_element(entry: SitemapEntry) -> str:
    """One entry as sitemap.xml writes it."""
    found = [f"  <url><loc>{escape(entry.loc)}</loc>"]
    if entry.lastmod:
        found.append(f"<lastmod>{escape(entry.lastmod)}</lastmod>")
    if len(entry.alternates) > 1:
        found += [f'<xhtml:link rel="alternate" hreflang="{escape(code)}" href="{escape(url)}"/>'
                  for code, url in entry.alternates]
    found.append("</url>\n")
    return "".join(found)


def build_sitemap() -> bytes:
    return render_template("sitemap.xml", entries=sitemap_entries(),
                           items=Markup(item_urls())).encode()


@bp.get("/sitemap.xml")
def sitemap():
    body = cached("sitemap", build_sitemap)
    return current_app.response_class(body, mimetype="application/xml")
