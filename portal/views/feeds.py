"""Feeds per language, per type and per hazard, built once per content state.

Subscription feeds carry the newest FEED_SIZE entries and link to fixed RFC 5005
archive pages, so the whole history stays reachable.
"""
from __future__ import annotations

from flask import abort, current_app, g
from flask_babel import gettext, lazy_gettext as _l

from .. import feeds, labels
from ..content import localized
from ..content.fields import TYPES
from ..urls import absolute_url
from . import site
from .common import lang, library, now

MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
FIELD_LABELS = {
    "issuer": _l("Issued by"), "verdict": _l("Our finding:"),
    "area": _l("Area"), "expires": _l("Expires"),
}
LABELS = {"type": labels.TYPE, "verdict": labels.VERDICT, "severity": labels.SEVERITY,
          "field": FIELD_LABELS}


def _label(kind: str, value: str) -> str:
    if kind == "hazard":
        return localized(library().site.hazards[value].names, g.lang)
    return str(LABELS[kind][value])


class FeedCache:
    """Built feeds by (language, feed, page, content state); older states are dropped."""

    def __init__(self):
        self.state = None
        self.built: dict[tuple, feeds.Built | None] = {}

    def get(self, state, key, build):
        if state != self.state:
            self.built, self.state = {}, state
        if key not in self.built:
            self.built[key] = build()
        return self.built[key]


def _urls(name: str, hazard: str | None):
    """(subscription URL without extension, archive URL for a page) of one feed."""
    if hazard:
        current = absolute_url("site.feed_hazard", hazard=hazard, fmt="atom")
        return current[:-5], lambda page: absolute_url("site.feed_hazard_archive", hazard=hazard,
                                                        page=page)
    current = absolute_url("site.feed_named", name=name, fmt="atom")
    return current[:-5], lambda page: absolute_url("site.feed_named_archive", name=name, page=page)


def _serve(name: str, fmt: str, title: str, page_url: str, type_=None, hazard=None, page=None):
    lib, when, config = library(), now(), current_app.config
    cache = current_app.extensions.setdefault("portal.feeds", FeedCache())
    current, archive_url = _urls(name, hazard)

    def build():
        entries = lib.disclosures(lang(), when, type=type_, hazard=hazard)
        size = int(config["FEED_SIZE"])
        shown, archives = feeds.paginate(entries, size)
        links, self_url = [], current
        if page is None:
            if archives:
                links.append(("prev-archive", archive_url(archives)))
        elif page > archives:
            return None
        else:
            shown, self_url = feeds.archive_page(entries, size, page), archive_url(page)[:-5]
            links.append(("current", current + ".atom"))
            if page > 1:
                links.append(("prev-archive", archive_url(page - 1)))
            if page < archives:
                links.append(("next-archive", archive_url(page + 1)))
        spec = feeds.FeedSpec(
            lang=lang(), title=title, subtitle=gettext(
                "Official announcements from %(office)s", office=localized(lib.site.office, lang())),
            self_url=self_url, page_url=page_url, base_url=config["BASE_URL"],
            hub_url=config.get("WEBSUB_HUB") if page is None else None,
            links=tuple(links), archive=page is not None)
        return feeds.build(spec, shown, lib.site,
                           lambda item: absolute_url("site.disclosure", slug=item.slug), _label)

    built = cache.get(lib.state(when), (lang(), name, hazard, page), build)
    if built is None:
        abort(404)
    response = current_app.response_class(getattr(built, fmt), mimetype=MEDIA_TYPES[fmt])
    response.last_modified = built.updated
    response.set_etag(built.etag(fmt))
    if config.get("WEBSUB_HUB") and page is None:
        response.headers["Link"] = (f'<{config["WEBSUB_HUB"]}>; rel="hub", '
                                    f'<{current}.{fmt}>; rel="self"')
    return response


def _named(name: str, fmt: str, page: int | None):
    site_name = localized(library().site.names, lang())
    if name == "disclosures":
        title = gettext("%(site)s: all announcements", site=site_name)
        return _serve(name, fmt, title, absolute_url("site.disclosures"), page=page)
    if name not in TYPES:
        abort(404)
    title = f"{site_name}: {labels.TYPE_PLURAL[name]}"
    return _serve(name, fmt, title, absolute_url("site.disclosures", type=name), type_=name,
                  page=page)


def _hazard(hazard: str, fmt: str, page: int | None):
    if hazard not in library().site.hazards:
        abort(404)
    title = f"{localized(library().site.names, lang())}: {_label('hazard', hazard)}"
    return _serve("hazard", fmt, title, absolute_url("site.hazard", hazard=hazard),
                  hazard=hazard, page=page)


@site.get("/feeds/<slug:name>.<any(atom, rss):fmt>")
def feed_named(name: str, fmt: str):
    return _named(name, fmt, None)


@site.get("/feeds/<slug:name>/archive/<int(min=1):page>.atom")
def feed_named_archive(name: str, page: int):
    return _named(name, "atom", page)


@site.get("/feeds/hazards/<slug:hazard>.<any(atom, rss):fmt>")
def feed_hazard(hazard: str, fmt: str):
    return _hazard(hazard, fmt, None)


@site.get("/feeds/hazards/<slug:hazard>/archive/<int(min=1):page>.atom")
def feed_hazard_archive(hazard: str, page: int):
    return _hazard(hazard, "atom", page)
