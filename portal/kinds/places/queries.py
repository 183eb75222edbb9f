"""The questions views ask about places."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...content import Library
from . import geo
from .model import TYPES, Place
from .schema import days_of

STATUS_AGE_LIMIT = dt.timedelta(days=1)


def places(library: Library, lang: str, now: dt.datetime, type: str | None = None,
           area: str | None = None, status: str | None = None,
           hazard: str | None = None) -> list[Place]:
    """Public places in list order (open first), filtered."""
    return [p for p in library.section(lang, "places", now)
            if (type is None or p.type == type) and (area is None or p.area == area)
            and (status is None or p.status == status)
            and (hazard is None or hazard in p.hazards)]


@dataclass(frozen=True)
class Near:
    place: Place
    km: float


def nearest(library: Library, found: list[Place], area: str) -> list[Near]:
    """The open places of ``found``, nearest the centre of ``area`` first."""
    centre = geo.area_centre(library.site, area)
    if centre is None:
        return []
    measured = [Near(p, geo.haversine_km(centre, p.location)) for p in found if p.is_open]
    return sorted(measured, key=lambda n: (n.km, n.place.title.casefold()))


def serving(library: Library, lang: str, now: dt.datetime, hazard: str) -> list[Place]:
    return places(library, lang, now, hazard=hazard)


def open_for_active(library: Library, lang: str,
                    now: dt.datetime) -> tuple[list[str], list[tuple[Place, list[str]]]]:
    """(hazards something is in force for, in site.yml's order; the open places serving
    any of them with the ones each serves), by type (shelters first), then those serving
    most of them."""
    active = library.active_hazards(lang, now)
    hazards = [h for h in library.site.hazards if h in active]
    found = []
    for place in places(library, lang, now, status="open"):
        served = [h for h in hazards if h in place.hazards]
        if served:
            found.append((place, served))
    found.sort(key=lambda entry: (TYPES.index(entry[0].type), -len(entry[1]),
                                  entry[0].title.casefold()))
    return [h for h in hazards if any(h in served for _, served in found)], found


def status_stale(library: Library, place: Place, now: dt.datetime) -> bool:
    """A status older than a day while a hazard the place serves is in force."""
    if place.status_updated is None:
        return False
    if now - place.status_updated <= STATUS_AGE_LIMIT:
        return False
    return bool(set(place.hazards) & library.active_hazards(place.lang, now))


def unverified(library: Library, place: Place, now: dt.datetime) -> bool:
    return place.unverified(now.date(), days_of(library.site))


def age(place: Place, now: dt.datetime) -> tuple[int, int]:
    """(days, hours) since the status was confirmed."""
    seconds = max(0, int((now - place.status_updated).total_seconds()))
    return seconds // 86400, seconds % 86400 // 3600
