"""The events calendar (iCalendar, whole and per event), the feed of new events and
test alerts' CAP documents: built once per content state (portal/outputs.py)."""
from __future__ import annotations

from flask import abort, current_app
from flask_babel import gettext

from ... import feeds
from ...content import localized
from ...outputs import cached, serve
from ...store import get_store
from ...urls import absolute_url
from ...views.common import lang, library, now
from . import calendar, cap, feed, queries
from .labels import EVENT_TYPE
from .schema import organiser_name
from .views import bp

CAP_TYPE = "application/cap+xml"


def _timezone():
    """site.yml `timezone`, the district's: calendars give times in it, else in UTC."""
    return library().site.timezone


def location(item, place) -> str:
    """The place's name and address, or the free address."""
    if place is not None:
        comma = "，" if place.lang.startswith("zh") else ", "
        return comma.join(part for part in (place.title, place.address) if part)
    return item.address or ""


def description(item, place, organiser: str) -> str:
    """What a calendar shows under the title: the facts first, in the item's language."""
    lines = [item.summary]
    if item.cancelled:
        lines.insert(0, gettext("CANCELLED: this event will not take place."))
    lines.append(gettext("What you will notice: %(notice)s", notice=item.notice))
    if item.message:
        lines.append(gettext("The exact test message: %(message)s", message=item.message))
    lines.append(gettext("Organised by %(organiser)s", organiser=organiser))
    if item.audience:
        lines.append(gettext("For: %(audience)s", audience=item.audience))
    if item.registration:
        lines.append(gettext("How to take part: %(registration)s", registration=item.registration))
    return "\n\n".join(lines)


def _entry(item) -> calendar.Entry:
    lib, when = library(), now()
    place = queries.place_of(lib, item, when)
    organiser = organiser_name(lib.site, item, item.lang)
    return calendar.Entry(
        item=item, url=absolute_url("events.item", lang=lang(), slug=item.slug),
        organiser=organiser, type_label=str(EVENT_TYPE[item.type]),
        location=location(item, place),
        geo=tuple(place.location) if place is not None and place.location else None,
        description=description(item, place, organiser))


def build_calendar(slug: str | None):
    lib, when = library(), now()
    site_name = localized(lib.site.names, lang())
    if slug is None:
        items = queries.events(lib, lang(), when)
        name = gettext("%(site)s: drills, training and public education", site=site_name)
        url = absolute_url("events.index", lang=lang())
    else:
        item = lib.find(lang(), "events", slug, when)
        if item is None:
            return None
        items, name = [item], f"{site_name}: {item.title}"
        url = absolute_url("events.item", lang=lang(), slug=slug)
    return calendar.build(
        name, gettext("Drills, training sessions, public education events and test alerts "
                      "from %(office)s.", office=localized(lib.site.office, lang())),
        [_entry(item) for item in items], current_app.config["BASE_URL"], url, _timezone())


def _calendar_response(key, built):
    if built is None:
        abort(404)
    return serve(built.body, calendar.MEDIA_TYPE, key)


@bp.get("/events.ics")
def calendar_all():
    key = ("events.ics", lang())
    return _calendar_response(key, cached(key, lambda: build_calendar(None)))


@bp.get("/events/<slug:slug>.ics")
def calendar_one(slug: str):
    key = ("events.ics", lang(), slug)
    return _calendar_response(key, cached(key, lambda: build_calendar(slug)))


def build_feed():
    lib, when, config = library(), now(), current_app.config
    spec = feeds.FeedSpec(
        lang=lang(),
        title=gettext("%(site)s: drills, training and public education",
                      site=localized(lib.site.names, lang())),
        subtitle=gettext("New drills, training sessions, public education events and test "
                         "alerts, as they are announced."),
        self_url=absolute_url("events.feed_events", lang=lang(), fmt="atom")[:-5],
        page_url=absolute_url("events.index", lang=lang()), base_url=config["BASE_URL"])
    items = sorted(queries.events(lib, lang(), when), key=feed.announced, reverse=True)
    entries = [feed.entry(item, lib.site, lang(), config["BASE_URL"],
                          absolute_url("events.item", lang=lang(), slug=item.slug),
                          location(item, queries.place_of(lib, item, when)))
               for item in items[:int(config["FEED_SIZE"])]]
    return feeds.build(spec, entries, localized(lib.site.office, lang()))


@bp.get("/feeds/events.<any(atom, rss, json):fmt>")
def feed_events(fmt: str):
    built = cached(("events-feed", lang()), build_feed)
    return serve(getattr(built, fmt), feeds.MEDIA_TYPES[fmt], ("events-feed", lang(), fmt))


def build_cap(slug: str):
    """A test alert's CAP document, the same for every language, or None."""
    lib, when = library(), now()
    item = lib.find(lib.default_lang, "events", slug, when)
    if item is None or item.type != "test-alert" or item.cancelled:
        return None
    versions = sorted(lib.translations(item, when), key=lambda v: v.lang != lib.default_lang)
    body = cap.build(versions, lib.site, current_app.config["BASE_URL"],
                     lambda v: absolute_url("events.item", lang=v.lang, slug=v.slug),
                     lambda v: queries.place_of(lib, v, when))
    return body, max(v.modified for v in versions)


@bp.get("/events/<slug:slug>.cap")
def cap_document(slug: str):
    built = cached(("events.cap", slug), lambda: build_cap(slug))
    if built is None:
        abort(404)
    body, sent = built
    return serve(body, CAP_TYPE, ("events.cap", slug))


def warm() -> None:
    cached(("events.ics", lang()), lambda: build_calendar(None))
    cached(("events-feed", lang()), build_feed)


def frozen(library, lang_: str):
    """What `portal freeze` writes beside the pages: the calendars, the feeds and the
    test alerts' CAP documents."""
    yield "events.calendar_all", {"lang": lang_}
    for fmt in feeds.FORMATS:
        yield "events.feed_events", {"lang": lang_, "fmt": fmt}
    for item in library.section(lang_, "events", get_store().now()):
        yield "events.calendar_one", {"lang": lang_, "slug": item.slug}
        if item.type == "test-alert" and not item.cancelled:
            yield "events.cap_document", {"lang": lang_, "slug": item.slug}
