"""The questions views ask about events."""
from __future__ import annotations

import datetime as dt
from itertools import groupby

from ...content import Library
from .model import EXERCISES, Event


def events(library: Library, lang: str, now: dt.datetime, type: str | None = None,
           hazard: str | None = None) -> list[Event]:
    """Every public event, soonest first."""
    return [e for e in library.section(lang, "events", now)
            if (type is None or e.type == type) and (hazard is None or hazard in e.hazards)]


def upcoming(found: list[Event], now: dt.datetime) -> list[Event]:
    """Those not yet over (under way or to come), soonest first."""
    return [e for e in found if e.end > now]


def past(found: list[Event], now: dt.datetime) -> list[Event]:
    """Those that are over, the most recent first."""
    return sorted((e for e in found if e.end <= now), key=lambda e: e.start, reverse=True)


def by_month(found: list[Event]) -> list[tuple[dt.date, list[Event]]]:
    """(first day of the month, events) in the order given; the month of each start,
    in the start's own offset."""
    return [(month, list(group)) for month, group in
            groupby(found, key=lambda e: e.start.date().replace(day=1))]


def in_progress(library: Library, lang: str, now: dt.datetime) -> list[Event]:
    """Drills and test alerts under way now and not cancelled: every page says so."""
    return [e for e in events(library, lang, now)
            if e.type in EXERCISES and not e.cancelled and e.start <= now < e.end]


def next_events(library: Library, lang: str, now: dt.datetime, limit: int = 3) -> list[Event]:
    return upcoming(events(library, lang, now), now)[:limit]


def at_place(library: Library, lang: str, now: dt.datetime, place: str) -> list[Event]:
    """Events at a place: those to come first, then those that are over."""
    found = [e for e in events(library, lang, now) if e.place == place]
    return upcoming(found, now) + past(found, now)


def exercising(library: Library, lang: str, now: dt.datetime,
               hazards: tuple[str, ...]) -> list[Event]:
    """Drills and test alerts for any of ``hazards`` (a plan's): to come, then over."""
    wanted = set(hazards)
    found = [e for e in events(library, lang, now)
             if e.type in EXERCISES and wanted & set(e.hazards)]
    return upcoming(found, now) + past(found, now)


def place_of(library: Library, item: Event, now: dt.datetime):
    """The place an event is at, in the event's language if it has one, or None."""
    if not item.place or "places" not in library.kinds:
        return None
    return library.find(item.lang, "places", item.place, now)
