"""The fields an event carries, and what the rest of the site needs to know of events."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from ... import markup
from ...content.errors import FieldError, shown
from ...content.fields import (COMMON, Field, boolean, changes, choice, datetime, hazards,
                               issuer, scalar, slug, text)
from ...content.kind import Kind, SearchFields
from ...content.model import Item, localized
from .model import STATUSES, TYPES, Event

PHONE = re.compile(r"\+?[0-9][0-9 \-]{1,18}[0-9]")


def registration(value: Any, site) -> str:
    """How to take part: an http(s) address or a phone number."""
    found = text(value, site)
    if found.startswith(("http://", "https://")):
        parts = urlsplit(found)
        if not parts.hostname or any(c in found for c in " <>\"'"):
            raise FieldError(f"{shown(found)} is not a web address")
        return found
    if PHONE.fullmatch(found):
        return found
    raise FieldError(f"{shown(found)} is neither a web address (https://...) nor a phone "
                     "number (digits, spaces, hyphens, an optional leading +)")


def capacity(value: Any, site) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 10**7:
        raise FieldError("must be a whole number of places, for example 40")
    return value


def report(value: Any, site) -> str:
    """Markdown text, rendered and sanitised like a body."""
    source = scalar(value, "must be Markdown text; write it as a block: `report: |`")
    if not source.strip():
        raise FieldError("must not be empty")
    try:
        return markup.render(source).html
    except markup.MarkupError as exc:
        raise FieldError(str(exc)) from None


SCHEMA = {
    **COMMON,
    "type": Field(choice(*TYPES)),
    "start": Field(datetime),
    "end": Field(datetime),
    "place": Field(slug, required=False),
    "address": Field(text, required=False),
    "organiser": Field(issuer),
    "audience": Field(text, required=False),
    "hazards": Field(hazards, required=False),
    "notice": Field(text),
    "registration": Field(registration, required=False),
    "capacity": Field(capacity, required=False),
    "message": Field(text, required=False),
    "report": Field(report, required=False),
    "status": Field(choice(*STATUSES), required=False),
    "cancelled": Field(boolean, required=False),  # the same as `status: cancelled`
    "published": Field(datetime, required=False),
    "changes": Field(changes, required=False),
}

SKELETON = """---
title: {title}
summary: One or two sentences shown in lists, the calendar and search results.
type: {type}               # drill | training | education | test-alert
start: {start}   # with its UTC offset
end: {end}
place: riverside-square-assembly-point   # a place slug; or, instead, address: free text
organiser: emergency-office   # a key from site.yml issuers
audience: Residents of Old Town
hazards: [flood]
notice: What residents will see or hear, for example sirens for three minutes; no action is needed.
# registration: https://example.org/sign-up   # or a phone number
# capacity: 40
{extra}# status: cancelled        # cancelled: stays listed and in the calendar, marked cancelled
# published: {now}   # when it is announced; a later time schedules it
# changes:                 # what changed since it was announced, newest first
#   - at: {now}
#     note: Moved to 10:00.
# report: |                # after the event: what happened, what was learned (Markdown)
#   About 300 residents took part.
draft: true                # remove this line to publish
---
What will happen, step by step, and what people taking part should bring.
"""
MESSAGE = ('message: "TEST. This is a test of the district alert system. No action is needed."'
           "   # the exact wording that will be sent\n")


def skeleton(slug_: str, now: dt.datetime, subtype: str | None) -> str:
    type_ = subtype or "drill"
    if type_ not in TYPES:
        raise ValueError(f"{type_!r} is not an event type: use one of {', '.join(TYPES)}")
    start = (now + dt.timedelta(days=14)).replace(hour=10, minute=0, second=0)
    return SKELETON.format(title=slug_.replace("-", " ").capitalize(), type=type_,
                           start=start.isoformat(), end=(start + dt.timedelta(hours=1)).isoformat(),
                           now=now.isoformat(), extra=MESSAGE if type_ == "test-alert" else "")


def finish(values: dict, lang: str):
    if values.pop("cancelled", False):
        values["status"] = "cancelled"
    start, end = values.get("start"), values.get("end")
    if start is not None and end is not None and end <= start:
        yield "end", (f"ends at {end.isoformat()}, not after it starts "
                      f"({start.isoformat()}): the end must come after the start")
    if not values.get("place") and not values.get("address"):
        yield "place", "say where it happens: a place slug in `place`, or free text in `address`"
    if values.get("type") == "test-alert" and not values.get("message"):
        yield "message", ("required for a test alert: the exact wording that will be sent, "
                          'for example "TEST. This is a test of the alert system."')


def links(item: Event, find: Callable[[str, str, str], Item | None]):
    if item.place and find(item.lang, "places", item.place) is None:
        yield "place", f"no place has the slug {item.place!r}"


def order(item: Event):
    return item.start.timestamp(), item.slug


def moments(item: Event) -> Iterable[dt.datetime]:
    """Announced, starting (a drill's notice shows on every page), ending."""
    return tuple(m for m in (item.published, item.start, item.end) if m is not None)


def search_fields(item: Event, site) -> SearchFields:
    keywords = [item.notice, item.address or "", item.audience or "", item.message or ""]
    if item.organiser in site.issuers:
        keywords += site.issuers[item.organiser].names.values()
    return SearchFields(date=item.start, keywords=tuple(keywords))


REPORT_DUE = dt.timedelta(days=14)


def review(library, item: Event, now: dt.datetime):
    """A drill over for a fortnight with no report: residents who took part want to know
    what was learned."""
    if item.type == "drill" and not item.cancelled and not item.report \
            and not item.draft and item.end + REPORT_DUE <= now:
        yield "report", (f"the drill ended on {item.end.date().isoformat()} and has no report: "
                         "add `report:` with what happened and what was learned")


def organiser_name(site, item: Event, lang: str) -> str:
    return localized(site.issuers[item.organiser].names, lang)


KIND = Kind(
    name="events", singular="event", item=Event, schema=SCHEMA, order=order, moments=moments,
    search=search_fields, finish=finish, links=links, review=review,
    ended=lambda library, item, now: item.end <= now,
    endpoint="events.item", list_endpoint="events.index", skeleton=skeleton,
)
