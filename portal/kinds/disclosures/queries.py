"""The questions views ask about disclosures: lists, supersedes chains, what is in force.

Lists and the successor map are computed once per content state (see
:meth:`Library.memo`): the banner asks on every page.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

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


STATES = ("scheduled", "in-force", "ended", "replaced", "cancelled")


@dataclass(frozen=True)
class Status:
    """Where a disclosure stands at one moment: the one answer every surface shows.

    ``since`` is when it took effect (scheduled, in force) or stopped (the others);
    ``until`` when an alert in force expires; ``by`` the disclosure that replaced or
    cancelled it.
    """
    state: str
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    by: Disclosure | None = None

    @property
    def in_force(self) -> bool:
        return self.state == "in-force"

    @property
    def ended(self) -> bool:
        """No longer in force, whichever way it stopped."""
        return self.state in ("ended", "replaced", "cancelled")


def _status(item: Disclosure, later: list[Disclosure], now: dt.datetime) -> Status:
    if item.published > now:
        return Status("scheduled", since=item.published)
    # The first thing that happened ends it: expiry, or the earliest successor.
    first = min(later, key=lambda d: d.published, default=None)
    if item.expires is not None and item.expires <= now and (
            first is None or item.expires <= first.published):
        return Status("ended", since=item.expires, by=first)
    if first is not None:
        withdrawn = item.type == "alert" and first.type != "alert"
        return Status("cancelled" if withdrawn else "replaced", since=first.published, by=first)
    return Status("in-force", since=item.published, until=item.expires)


def _statuses(library: Library, lang: str, now: dt.datetime) -> dict[str, Status]:
    def compute():
        later = _successors_map(library, lang, now)
        return {item.slug: _status(item, later.get(item.slug, []), now)
                for item in library.section(lang, "disclosures", now)}
    return library.memo(("disclosures.status", lang), now, compute)


def status(library: Library, item: Disclosure, now: dt.datetime) -> Status:
    """Whether ``item`` is in force at ``now``: published, not expired, not replaced by
    a newer disclosure, not cancelled. The only definition; every surface asks it."""
    found = _statuses(library, item.lang, now).get(item.slug)
    if found is None:  # not public in that language's list (scheduled, or a draft)
        found = _status(item, successors(library, item, now), now)
    return found


def in_force(library: Library, item: Disclosure, now: dt.datetime) -> bool:
    return status(library, item, now).in_force


def update_overdue(library: Library, item: Disclosure, now: dt.datetime) -> bool:
    """A promised update whose time has passed with no newer disclosure in the chain
    (an alert that expired before the promised time needs none)."""
    if item.next_update is None or now < item.next_update:
        return False
    found = status(library, item, now)
    return found.by is None and not (found.state == "ended" and found.since <= item.next_update)


def cancels(library: Library, item: Disclosure, now: dt.datetime) -> Disclosure | None:
    """The alert ``item`` cancelled, if it did."""
    old = predecessor(library, item, now)
    if old is None:
        return None
    found = status(library, old, now)
    return old if found.state == "cancelled" and found.by.slug == item.slug else None


def alerts_in_force(library: Library, lang: str, now: dt.datetime) -> list[Disclosure]:
    """CAP messages that matter now: alerts in force, and cancellations of alerts that
    would otherwise still be in force."""
    def compute():
        found = []
        for item in library.section(lang, "disclosures", now):
            if not in_force(library, item, now):
                continue
            if item.type == "alert":
                found.append(item)
                continue
            old = cancels(library, item, now)
            if old is not None and (old.expires is None or now < old.expires):
                found.append(item)
        return found
    return list(library.memo(("disclosures.in_force", lang), now, compute))


def alerts(library: Library, lang: str, now: dt.datetime) -> list[Disclosure]:
    """Alerts in force (drills included, and marked as such), newest first."""
    return [d for d in alerts_in_force(library, lang, now) if d.type == "alert"]


def banners(library: Library, lang: str, now: dt.datetime) -> list[Disclosure]:
    """What every page must show while it is in force: severe and extreme alerts, and
    disclosures that ask for a banner; a drill only if it asks."""
    def compute():
        return [d for d in library.section(lang, "disclosures", now)
                if in_force(library, d, now)
                and (d.banner or (d.severity in BANNER_SEVERITIES and not d.exercise))]
    return list(library.memo(("disclosures.banners", lang), now, compute))
