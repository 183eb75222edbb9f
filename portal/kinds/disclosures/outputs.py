"""Feeds per language, per type and per hazard, CAP documents and the CAP index.

All built once per content state (see portal/outputs.py) and warmed when new
content is swapped in. Subscription feeds carry the newest FEED_SIZE entries
and link to fixed RFC 5005 archive pages, so the whole history stays reachable.
"""
from __future__ import annotations

from flask import abort, current_app, g
from flask_babel import gettext

from ... import feeds
from ...content import localized
from ...i18n import language_name
from ...outputs import cached, serve
from ...search.cache import LRU
from ...urls import absolute_url
from ...views.common import lang, library, now
from . import cap, feed, queries
from .labels import EXERCISE, FIELD, LABELS, TYPE_PLURAL
from .model import TYPES
from .views import bp

MEDIA_TYPES = feeds.MEDIA_TYPES
CAP_TYPE = "application/cap+xml"
# The pages' names, and the exercise mark and field names as feed entries ask for them.
FEED_LABELS = {**LABELS, "exercise": {"true": EXERCISE}, "field": FIELD}


def label(kind: str, value: str) -> str:
    if kind == "hazard":
        return localized(library().site.hazards[value].names, g.lang)
    return str(FEED_LABELS[kind][value])


def _feed_urls(name: str, hazard: str | None):
    """(subscription URL without extension, archive URL for a page) of one feed."""
    if hazard:
        current = absolute_url("disclosures.feed_hazard", lang=lang(), hazard=hazard, fmt="atom")
        return current[:-5], lambda page: absolute_url(
            "disclosures.feed_hazard_archive", lang=lang(), hazard=hazard, page=page)
    current = absolute_url("disclosures.feed_named", lang=lang(), name=name, fmt="atom")
    return current[:-5], lambda page: absolute_url(
        "disclosures.feed_named_archive", lang=lang(), name=name, page=page)


def _entries(items, endpoint: str = "disclosures.item"):
    """The feed entries of ``items``. An item's entry is kept (per app) while the item
    and the site are the same objects: after a publication only the new or changed
    items' entries are built again, not every entry of every feed. The cached value
    holds both, so neither id is reused meanwhile."""
    lib, base_url, here = library(), current_app.config["BASE_URL"], lang()
    known = current_app.extensions.get("portal.feed-entries")
    if known is None:
        known = current_app.extensions.setdefault("portal.feed-entries", LRU(8192))

    def made(item):
        return item, lib.site, feed.entry(
            item, lib.site, here, base_url, absolute_url(endpoint, lang=here, slug=item.slug),
            label, language_name(item.lang, here))
    return [known.get((id(item), id(lib.site), here, endpoint, base_url),
                         lambda item=item: made(item))[2] for item in items]


def build_feed(name: str, type_: str | None, hazard: str | None, page: int | None):
    """One subscription feed (``page`` None) or archive page; None past the last page."""
    lib, when, config = library(), now(), current_app.config
    current, archive_url = _feed_urls(name, hazard)
    site_name = localized(lib.site.names, lang())
    if hazard:
        title = gettext("%(site)s: %(feed)s", site=site_name, feed=label("hazard", hazard))
        page_url = absolute_url("site.hazard", lang=lang(), hazard=hazard)
    elif type_:
        title = gettext("%(site)s: %(feed)s", site=site_name, feed=TYPE_PLURAL[type_])
        page_url = absolute_url("disclosures.index", lang=lang(), type=type_)
    else:
        title = gettext("%(site)s: all announcements", site=site_name)
        page_url = absolute_url("disclosures.index", lang=lang())
    entries = queries.disclosures(lib, lang(), when, type=type_, hazard=hazard)
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
        hub_url=config["WEBSUB_HUB"] if page is None else None,
        links=tuple(links), archive=page is not None)
    return feeds.build(spec, _entries(shown), localized(lib.site.office, lang()))


def feed_names() -> tuple[str, ...]:
    return ("disclosures", *TYPES)


def _serve(name: str, fmt: str, type_=None, hazard=None, page=None):
    built = cached(("feed", lang(), name, hazard, page),
                   lambda: build_feed(name, type_, hazard, page))
    if built is None:
        abort(404)
    response = serve(getattr(built, fmt), MEDIA_TYPES[fmt],
                     ("feed", lang(), name, hazard, page, fmt))
    hub = current_app.config["WEBSUB_HUB"]
    if hub and page is None:
        current, _ = _feed_urls(name, hazard)
        response.headers["Link"] = f'<{hub}>; rel="hub", <{current}.{fmt}>; rel="self"'
    return response


def _named(name: str, fmt: str, page: int | None):
    if name not in feed_names():
        abort(404)
    return _serve(name, fmt, type_=None if name == "disclosures" else name, page=page)


def _hazard(hazard: str, fmt: str, page: int | None):
    if hazard not in library().site.hazards:
        abort(404)
    return _serve("hazard", fmt, hazard=hazard, page=page)


@bp.get("/feeds/<slug:name>.<any(atom, rss, json):fmt>")
def feed_named(name: str, fmt: str):
    return _named(name, fmt, None)


@bp.get("/feeds/<slug:name>/archive/<int(min=1):page>.atom")
def feed_named_archive(name: str, page: int):
    return _named(name, "atom", page)


@bp.get("/feeds/hazards/<slug:hazard>.<any(atom, rss, json):fmt>")
def feed_hazard(hazard: str, fmt: str):
    return _hazard(hazard, fmt, None)


@bp.get("/feeds/hazards/<slug:hazard>/archive/<int(min=1):page>.atom")
def feed_hazard_archive(hazard: str, page: int):
    return _hazard(hazard, "atom", page)


def build_cap(slug: str):
    """(document, sent) of one CAP message, or None: the same for every language, the
    default language's <info> first, so it is built and kept once per slug."""
    lib, when = library(), now()
    item = lib.find(lib.default_lang, "disclosures", slug, when)
    if item is None or not queries.has_cap(lib, item, when):
        return None
    versions = sorted(lib.translations(item, when), key=lambda v: v.lang != lib.default_lang)

    def sent_of(message):
        return max(v.modified for v in lib.translations(message, when) or [message])

    body = cap.build(versions, {v.lang: queries.chain(lib, v, when) for v in versions},
                     lib.site, current_app.config["BASE_URL"],
                     lambda v: absolute_url("disclosures.item", lang=v.lang, slug=v.slug),
                     sent_of)
    return body, sent_of(item)


@bp.get("/disclosures/<slug:slug>.cap")
def cap_document(slug: str):
    built = cached(("cap", slug), lambda: build_cap(slug))
    if built is None:
        abort(404)
    body, sent = built
    return serve(body, CAP_TYPE, ("cap", slug))


def build_cap_index():
    lib, when = library(), now()
    entries = queries.alerts_in_force(lib, lang(), when)
    spec = feeds.FeedSpec(
        lang=lang(), title=gettext("%(site)s: alerts in force (CAP)",
                                   site=localized(lib.site.names, lang())),
        subtitle=gettext("Common Alerting Protocol 1.2 messages for every alert in force."),
        self_url=absolute_url("disclosures.cap_index", lang=lang()).rsplit(".", 1)[0],
        page_url=absolute_url("disclosures.index", lang=lang(), type="alert"),
        base_url=current_app.config["BASE_URL"], entry_link_type=CAP_TYPE)
    config = current_app.config
    return feeds.build(spec, _entries(entries, "disclosures.cap_document"),
                       localized(lib.site.office, lang()))


@bp.get("/feeds/cap.atom")
def cap_index():
    built = cached(("cap-index", lang()), build_cap_index)
    return serve(built.atom, MEDIA_TYPES["atom"], ("cap-index", lang()))


def warm_first() -> None:
    """What a surge asks for first, ready before new content is visible: the CAP
    index and the feed of everything."""
    cached(("cap-index", lang()), build_cap_index)
    cached(("feed", lang(), "disclosures", None, None),
           lambda: build_feed("disclosures", None, None, None))


def warm() -> None:
    """The other subscription feeds, built just after new content is visible."""
    for name in feed_names()[1:]:
        cached(("feed", lang(), name, None, None),
               lambda: build_feed(name, None if name == "disclosures" else name, None, None))
    for hazard in library().site.hazards:
        cached(("feed", lang(), "hazard", hazard, None),
               lambda: build_feed("hazard", None, hazard, None))


def frozen(library, lang_: str):
    """What `portal freeze` writes beside the pages: every subscription feed."""
    for hazard in library.site.hazards:
        for fmt in feeds.FORMATS:
            yield "disclosures.feed_hazard", {"lang": lang_, "hazard": hazard, "fmt": fmt}
    for name in feed_names():
        for fmt in feeds.FORMATS:
            yield "disclosures.feed_named", {"lang": lang_, "name": name, "fmt": fmt}
