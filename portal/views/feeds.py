"""Feeds per language, per type and per hazard, built once per content state."""
from __future__ import annotations

from flask import abort, current_app, g
from flask_babel import gettext

from .. import feeds, labels
from ..content.fields import TYPES
from ..urls import absolute_url
from . import site
from .common import lang, library, now

MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
FIELD_LABELS = {
    "issuer": labels._l("Issued by"), "verdict": labels._l("Our finding:"),
    "area": labels._l("Area"), "expires": labels._l("Expires"),
}
LABELS = {"type": labels.TYPE, "verdict": labels.VERDICT, "severity": labels.SEVERITY,
          "field": FIELD_LABELS}


def _label(kind: str, value: str) -> str:
    if kind == "hazard":
        from ..content import localized
        return localized(library().site.hazards[value].names, g.lang)
    return str(LABELS[kind][value])


class FeedCache:
    """Built feeds by (language, feed, content state); older states are dropped."""

    def __init__(self):
        self.state = None
        self.built: dict[tuple[str, str], feeds.Built] = {}

    def get(self, state, key, build):
        if state != self.state:
            self.built, self.state = {}, state
        if key not in self.built:
            self.built[key] = build()
        return self.built[key]


def _serve(name: str, fmt: str, title: str, page_url: str, type_=None, hazard=None):
    lib, when = library(), now()
    cache = current_app.extensions.setdefault("portal.feeds", FeedCache())

    def build():
        entries = lib.disclosures(lang(), when, type=type_, hazard=hazard)
        self_url = absolute_url("site.feed_" + ("hazard" if hazard else "named"),
                                **({"hazard": hazard} if hazard else {"name": name}),
                                fmt="atom").rsplit(".", 1)[0]
        spec = feeds.FeedSpec(
            lang=lang(), title=title, subtitle=gettext("Official announcements from %(office)s",
                                                       office=_office()),
            self_url=self_url, page_url=page_url, base_url=current_app.config["BASE_URL"],
            hub_url=current_app.config.get("WEBSUB_HUB"))
        return feeds.build(spec, entries, lib.site,
                           lambda item: absolute_url("site.disclosure", slug=item.slug), _label)

    built = cache.get(lib.state(when), (lang(), f"{name}:{hazard}"), build)
    response = current_app.response_class(getattr(built, fmt), mimetype=MEDIA_TYPES[fmt])
    response.last_modified = built.updated
    response.set_etag(built.etag(fmt))
    return response


def _office() -> str:
    from ..content import localized
    return localized(library().site.office, lang())


@site.get("/feeds/<slug:name>.<any(atom, rss):fmt>")
def feed_named(name: str, fmt: str):
    if name == "disclosures":
        title = gettext("%(site)s: all announcements", site=_site_name())
        return _serve(name, fmt, title, absolute_url("site.disclosures"))
    if name not in TYPES:
        abort(404)
    title = f"{_site_name()}: {labels.TYPE_PLURAL[name]}"
    return _serve(name, fmt, title, absolute_url("site.disclosures", type=name), type_=name)


@site.get("/feeds/hazards/<slug:hazard>.<any(atom, rss):fmt>")
def feed_hazard(hazard: str, fmt: str):
    if hazard not in library().site.hazards:
        abort(404)
    title = f"{_site_name()}: {_label('hazard', hazard)}"
    return _serve("hazard", fmt, title, absolute_url("site.hazard", hazard=hazard), hazard=hazard)


def _site_name() -> str:
    from ..content import localized
    return localized(library().site.names, lang())
