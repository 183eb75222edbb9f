"""The questions views and other kinds ask about plans: the plans, each plan's response
log, and the responses in force now.

A plan's response in force is its newest public `response` disclosure, until one that
ends it. Computed once per content state (see :meth:`Library.memo`): every page's top
asks.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...content import Library
from . import levels as response_levels
from .model import Plan, ResponseLevel


def plans(library: Library, lang: str, now: dt.datetime, hazard: str | None = None) -> list[Plan]:
    return [p for p in library.section(lang, "plans", now)
            if hazard is None or hazard in p.hazards]


def _logs(library: Library, lang: str, now: dt.datetime) -> dict[str, list]:
    """plan slug -> its public response disclosures, oldest first."""
    def compute():
        found: dict[str, list] = {}
        for item in library.section(lang, "disclosures", now):
            if getattr(item, "type", None) == "response" and item.plan and item.action \
                    and (item.level or item.action == "end"):
                found.setdefault(item.plan, []).append(item)
        for entries in found.values():
            entries.sort(key=lambda d: (d.published, d.slug))
        return found
    return library.memo(("plans.logs", lang), now, compute)


def log(library: Library, plan: Plan, lang: str, now: dt.datetime) -> list:
    """Every activate, adjust and end of ``plan``'s response, newest first."""
    return _logs(library, lang, now).get(plan.slug, [])[::-1]


@dataclass(frozen=True)
class Response:
    """A plan's response in force: at which level, since when (the disclosure that set
    the level), and since when the response has been active."""
    plan: Plan
    level: str
    scale: ResponseLevel | None  # the level's names and colour from site.yml
    since: dt.datetime
    by: object  # the response disclosure that set the level
    started: dt.datetime  # when this response was activated

    @property
    def colour(self) -> str:
        return self.scale.colour if self.scale else "blue"


def _in_force(plan: Plan, entries: list, scale) -> Response | None:
    started = None
    for entry in entries:  # oldest first
        if entry.action == "end":
            started = None
        elif started is None:
            started = entry.published
    if not entries or entries[-1].action == "end" or not entries[-1].level:
        return None
    last = entries[-1]
    if plan.level_of(last.level) is None:
        return None
    return Response(plan, last.level, scale.get(last.level), last.published, last,
                    started or last.published)


def _responses(library: Library, lang: str, now: dt.datetime) -> dict[str, Response]:
    def compute():
        logs, scale = _logs(library, lang, now), response_levels.of(library.site)
        found = {}
        for plan in plans(library, lang, now):
            response = _in_force(plan, logs.get(plan.slug, []), scale)
            if response is not None:
                found[plan.slug] = response
        return found
    return library.memo(("plans.in_force", lang), now, compute)


def in_force(library: Library, plan: Plan, lang: str, now: dt.datetime) -> Response | None:
    """``plan``'s response in force at ``now``, or None."""
    return _responses(library, lang, now).get(plan.slug)


def responses_in_force(library: Library, lang: str, now: dt.datetime) -> list[Response]:
    """Every response in force at ``now``: most serious level first, then newest."""
    order = list(response_levels.of(library.site))
    found = _responses(library, lang, now).values()
    return sorted(found, key=lambda r: (order.index(r.level) if r.level in order else len(order),
                                        -r.since.timestamp(), r.plan.slug))


def for_hazard(library: Library, lang: str, hazard: str, now: dt.datetime):
    """(plan, response in force or None) for each plan covering ``hazard``."""
    return [(plan, in_force(library, plan, lang, now))
            for plan in plans(library, lang, now, hazard=hazard)]
