"""Events as iCalendar (RFC 5545, with RFC 7986's NAME and REFRESH-INTERVAL), built with
the icalendar library. No web framework here: the caller passes what to write.

A UID is fixed by the translation group and the site's host, so editing a title,
a time or a place updates the entry a subscriber already has instead of adding one,
and the English and Chinese calendars name the same event alike. DTSTAMP and
LAST-MODIFIED are when the details last changed (the newest `changes` entry, else
when it was announced): the same content gives the same bytes, hence the same ETag.
SEQUENCE counts the changes noted.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import icalendar

from .model import Event

PRODID = "-//crisis-portal//events//EN"
REFRESH = dt.timedelta(hours=1)
UTC = dt.timezone.utc
MEDIA_TYPE = "text/calendar"


@dataclass(frozen=True)
class Entry:
    """One event as a calendar shows it: the item and the words around it."""
    item: Event
    url: str
    organiser: str
    type_label: str
    location: str  # the place's name and address, or the free address
    geo: tuple[float, float] | None
    description: str


@dataclass(frozen=True)
class Built:
    body: bytes

    @property
    def etag(self) -> str:
        return hashlib.sha256(self.body).hexdigest()[:32]


def uid(base_url: str, item: Event) -> str:
    host = urlsplit(base_url).hostname or "localhost"
    return f"{item.group.replace('/', '.')}.events@{host}"


def build(name: str, description: str, entries: Sequence[Entry], base_url: str,
          url: str, tz: str | None) -> Built:
    """A calendar of ``entries``; times in ``tz`` (an IANA name) with its VTIMEZONE,
    else in UTC."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("description", description)
    calendar.add("x-wr-caldesc", description)
    calendar.add("url", url)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH).to_ical().decode())
    zone = zoneinfo.ZoneInfo(tz) if tz else None
    if zone is not None:
        calendar.add("x-wr-timezone", tz)
    for entry in entries:
        calendar.add_component(_event(entry, base_url, zone))
    if zone is not None and entries:
        first = min(e.item.start for e in entries).astimezone(zone)
        last = max(e.item.end for e in entries).astimezone(zone)
        calendar.subcomponents.insert(0, icalendar.Timezone.from_tzinfo(
            zone, tzid=tz, first_date=first.date() - dt.timedelta(days=1),
            last_date=last.date() + dt.timedelta(days=1)))
    return Built(calendar.to_ical())


def _event(entry: Entry, base_url: str, zone) -> icalendar.Event:
    item = entry.item
    event = icalendar.Event()
    event.add("uid", uid(base_url, item))
    stamp = item.modified.astimezone(UTC)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    if item.published is not None:
        event.add("created", item.published.astimezone(UTC))
    event.add("sequence", len(item.changes))
    event.add("dtstart", item.start.astimezone(zone or UTC))
    event.add("dtend", item.end.astimezone(zone or UTC))
    event.add("summary", item.title)
    event.add("description", entry.description)
    event.add("location", entry.location)
    if entry.geo is not None:
        event.add("geo", entry.geo)
    event.add("url", entry.url)
    event.add("categories", [entry.type_label])
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    # Sirens and a test message make nobody busy; a session one attends does.
    event.add("transp", "TRANSPARENT" if item.exercise else "OPAQUE")
    event.add("class", "PUBLIC")
    return event
