"""The questions views ask about disclosures: lists, supersedes chains, what is in force.

Lists and the successor map are computed once per content state (see
:meth:`Library.memo`): the banner asks on every page.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ...content import Library
from .model import Disclosure

BANNER_SEVERITIES = ("severe", "extreme")


def area_text(site, item: Disclosure, lang: str) -> str:
    """Where an alert applies, in words: its own description, else its areas' names."""
    from ...content import localized
    return item.area or ", ".join(localized(site.areas[key].names, lang)
                                  for key in item.areas if key in site.areas)


def disclosures(library: Library, lang: str, now: dt.datetime, type: str | None = None,
                hazard: str | None = None) -> list[Disclosure]:
    """Newest first."""
    return [d for d in library.section(lang, "disclosures", now)
            if (type is None or d.type == type) and (hazard is None or hazard in d.hazards)]


def _successors_map(library: Library, lang: str, now: dt.datetime) -> dict[str, list[Disclosure]]:
    def compute():
        found: dict[str, list[Disclosure]] = defaultdict(list)
        for item in library.section(lang, "disclosures", now):
            if item.supersedes:
                found[item.supersedes].append(item)
        return dict(found)
    return library.memo(("disclosures.successors", lang), now, compute)


def successors(library: Library, item: Disclosure, now: dt.datetime) -> list[Disclosure]:
    """Disclosures that say they supersede ``item``, newest first."""
    return list(_successors_map(library, item.lang, now).get(item.slug, ()))


def predecessor(library: Library, item: Disclosure, now: dt.datetime) -> Disclosure | None:
    if not item.supersedes:
        return None
    return library.find(item.lang, "disclosures", item.supersedes, now)


def chain(library: Library, item: Disclosure, now: dt.datetime) -> list[Disclosure]:
    """The disclosures ``item`` supersedes, directly or not, oldest first."""
    found: list[Disclosure] = []
    current = predecessor(library, item, now)
    while current is not None and current not in found and current is not item:
        found.append(current)
        current = predecessor(library, current, now)
    return found[::-1]


def has_cap(library: Library, item: Disclosure, now: dt.datetime) -> bool:
    """Alerts, and whatever withdraws an alert, exist as CAP messages."""
    return item.type == "alert" or any(d.type == "alert" for d in chain(library, item, now))


def alerts_in_force(library: Library, lang: str, now: dt.datetime) -> list[Disclosure]:
    """CAP messages that matter now: alerts in force and not superseded, and
    cancellations of alerts that would otherwise still be in force."""
    def compute():
        found = []
        later = _successors_map(library, lang, now)
        for item in library.section(lang, "disclosures", now):
            if later.get(item.slug):
                continue
            if item.type == "alert" and item.is_active(now):
                found.append(item)
            elif item.type != "alert" and item.supersedes and any(
                    old.type == "alert" and old.is_active(now)
                    for old in chain(library, item, now)):
                found.append(item)
        return found
    return list(library.memo(("disclosures.in_force", lang), now, compute))


def banners(library: Library, lang: str, now: dt.datetime) -> list[Disclosure]:
    """What every page must show while it is in force: severe and extreme
    alerts, and disclosures that ask for a banner; not once superseded."""
    def compute():
        later = _successors_map(library, lang, now)
        return [d for d in library.section(lang, "disclosures", now)
                if d.is_active(now) and (d.banner or d.severity in BANNER_SEVERITIES)
                and not later.get(d.slug)]
    return list(library.memo(("disclosures.banners", lang), now, compute))
