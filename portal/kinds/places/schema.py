"""The fields a place carries, and what the rest of the site needs to know of places."""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from ...content.errors import FieldError, shown
from ...content.fields import (COMMON, Field, choice, date, datetime, hazards, scalar, text,
                               text_list)
from ...content.kind import Kind, SearchFields
from . import geo
from .model import STATUS_RANK, STATUSES, TYPES, Place

DEFAULT_VERIFY_DAYS = 90
# A status_updated this far ahead of the server's clock is still taken as "now":
# an editor's clock may run a little fast.
CLOCK_GRACE = dt.timedelta(minutes=5)
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{1,30}")


def _wall_clock() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# Content is checked when it is read, before any request: "in the future" means later
# than the real time then (the site's clock, which tests move, only decides what shows).
clock = _wall_clock


def area(value: Any, site) -> str:
    key = scalar(value, "must be one area key from site.yml, for example old-town")
    if key not in site.areas:
        known = ", ".join(list(site.areas)[:20]) or "none yet: add `areas:` to site.yml"
        raise FieldError(f"unknown area {shown(key)}; known: {known}")
    return key


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value):
        raise FieldError("must be [latitude, longitude] in decimal degrees, for example "
                         "[30.256, 120.128]")
    return float(value)


def location(value: Any, site) -> tuple[float, float]:
    """``[lat, lon]`` (WGS 84) inside the box around the district's area polygons."""
    if not isinstance(value, list) or len(value) != 2:
        raise FieldError("must be [latitude, longitude] in decimal degrees, for example "
                         "[30.256, 120.128]")
    lat, lon = map(_number, value)
    if not -90 <= lat <= 90:
        raise FieldError(f"latitude {lat} is out of range (-90 to 90): write [latitude, "
                         "longitude], latitude first")
    if not -180 <= lon <= 180:
        raise FieldError(f"longitude {lon} is out of range (-180 to 180)")
    box = geo.district_bounds(site) if site is not None else None
    if box is not None:
        south, west, north, east = box
        if not (south <= lat <= north and west <= lon <= east):
            hint = " (are latitude and longitude swapped?)" if \
                south <= lon <= north and west <= lat <= east else ""
            raise FieldError(f"[{lat}, {lon}] is outside the district (latitude {south} to "
                             f"{north}, longitude {west} to {east}, from the area polygons in "
                             f"site.yml){hint}")
    return lat, lon


def capacity(value: Any, site) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError("must be a whole number of people, for example 300")
    if value < 0:
        raise FieldError(f"{value} is negative: write how many people the place can take")
    if value.bit_length() > 32:
        raise FieldError(f"{value} is far too large for a number of people")
    return value


def phone(value: Any, site) -> str:
    number = " ".join(scalar(value, "must be a phone number, for example 0571-8702 1234").split())
    if not PHONE.fullmatch(number) or sum(c.isdigit() for c in number) < 3:
        raise FieldError(f"{shown(number)} is not a phone number: use digits, spaces, "
                         "hyphens, brackets and a leading +")
    return number


SCHEMA = {
    **COMMON,
    "summary": Field(text, required=False),
    "type": Field(choice(*TYPES)),
    "address": Field(text),
    "area": Field(area),
    "location": Field(location),
    "phone": Field(phone, required=False),
    "hazards": Field(hazards, required=False),
    "capacity": Field(capacity, required=False),
    "accessibility": Field(text_list, required=False),
    "supplies": Field(text_list, required=False),
    "hours": Field(text, required=False),
    "status": Field(choice(*STATUSES), required=False),
    "status_updated": Field(datetime, required=False),
    "verified": Field(date, required=False),
}


def finish(values: dict, lang: str):
    """A status says when it was last confirmed, and that moment has happened."""
    if values.get("status") and not values.get("status_updated"):
        yield "status", ("needs a valid status_updated beside it: when the status was last "
                         "confirmed, for example status_updated: 2026-11-20T08:00:00+08:00")
    updated = values.get("status_updated")
    if updated is not None:
        now = clock()
        if updated > now + CLOCK_GRACE:
            yield "status_updated", (
                f"{updated.isoformat()} is in the future (it is now "
                f"{now.astimezone(updated.tzinfo).isoformat(timespec='minutes')}): write when "
                "the status was last confirmed")


def verify_days(value: Any) -> int:
    """site.yml ``places_verify_days``: after how many days a place's details are due a check."""
    if value is None:
        return DEFAULT_VERIFY_DAYS
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3650:
        raise FieldError("must be a whole number of days from 1 to 3650, for example 90")
    return value


def days_of(site) -> int:
    return site.sections.get("places_verify_days", DEFAULT_VERIFY_DAYS)


def review(library, item: Place, now: dt.datetime):
    """Details nobody has checked within places_verify_days."""
    if item.draft:
        return
    days = days_of(library.site)
    if item.verified is None:
        yield "verified", (f"no date the details were last checked: check them and add "
                           f"verified: {now.date().isoformat()}")
    elif item.unverified(now.date(), days):
        yield "verified", (f"details last checked on {item.verified.isoformat()}, more than "
                           f"{days} days ago (places_verify_days): check the address, phone "
                           "and hours, then update verified")


def order(item: Place):
    return STATUS_RANK[item.status], item.title.casefold(), item.slug


def moments(item: Place):
    """A day after the status was confirmed, pages start showing its age while a
    hazard it serves is in force."""
    if item.status_updated is not None:
        return (item.status_updated + dt.timedelta(days=1),)
    return ()


def search_fields(item: Place, site) -> SearchFields:
    area_names = tuple(site.areas[item.area].names.values()) if item.area in site.areas else ()
    return SearchFields(date=item.status_updated or item.verified,
                        summary=item.address,
                        keywords=(item.address, *area_names, *item.supplies,
                                  *item.accessibility, item.hours))


SKELETON = """---
title: {title}
summary: One sentence shown in lists and search results.
type: shelter              # shelter | relief-supplies | medical | water | charging | assembly-point
address: 1 Example Road, Old Town
area: old-town             # a key from site.yml areas
location: [30.256, 120.130]   # [latitude, longitude], WGS 84, inside the district
phone: "0571-8700 0000"
hazards: [flood]           # what it serves: keys from site.yml hazard_classes
capacity: 200              # people (shelters)
accessibility: [step-free entrance, accessible toilet]
# supplies: [drinking water, blankets]   # relief-supply points
hours: Open around the clock while in use
status: standby            # open | full | closed | standby
status_updated: {now}
verified: {today}          # the day the details were last checked
draft: true                # remove this line to publish
---
Write directions from a landmark everyone knows: the bus stop, the entrance to use.
"""


def skeleton(slug: str, now: dt.datetime, subtype: str | None) -> str:
    return SKELETON.format(title=slug.replace("-", " ").capitalize(),
                           now=now.replace(microsecond=0).isoformat(), today=now.date())


KIND = Kind(
    name="places", singular="place", item=Place, schema=SCHEMA, order=order, moments=moments,
    search=search_fields, finish=finish, review=review, skeleton=skeleton,
    site={"places_verify_days": verify_days},
    endpoint="places.item", list_endpoint="places.index",
)
