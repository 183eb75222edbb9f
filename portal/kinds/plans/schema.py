"""The fields a plan carries, and what the rest of the site needs to know of plans."""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from ...content.errors import FieldError, shown
from ...content.fields import COMMON, Field, date, hazards, issuer, scalar, text
from ...content.kind import Kind, SearchFields
from ...content.model import localized
from . import levels as response_levels
from .model import Department, Level, Plan

LEVEL_FIELDS = ("level", "when", "government", "residents")


def departments(value: Any, site) -> tuple[Department, ...]:
    """Who else does what: a list of `{issuer, role}`."""
    if not isinstance(value, list):
        raise FieldError("must be a list of {issuer: <site.yml issuer>, role: <what it does>}")
    found, seen = [], set()
    for number, entry in enumerate(value, 1):
        if not isinstance(entry, dict) or "issuer" not in entry or "role" not in entry:
            raise FieldError(f"department {number} needs `issuer` (a site.yml issuer key) "
                             "and `role` (what it does under this plan)")
        try:
            key = issuer(entry["issuer"], site)
            role = text(entry["role"], site)
        except FieldError as exc:
            raise FieldError(f"department {number}: {exc}") from None
        if key in seen:
            raise FieldError(f"department {number}: issuer {shown(key)} is listed twice")
        seen.add(key)
        found.append(Department(key, role))
    return tuple(found)


def plan_levels(value: Any, site) -> tuple[Level, ...]:
    """The levels a plan defines, each `{level, when, government, residents}`; kept in the
    order of site.yml `response_levels` (most serious first)."""
    if not isinstance(value, list) or not value:
        raise FieldError("must be a list of {level, when, government, residents}, most "
                         "serious first")
    scale = response_levels.of(site)
    found: dict[str, Level] = {}
    for number, entry in enumerate(value, 1):
        if not isinstance(entry, dict):
            raise FieldError(f"level {number} must be a map of {', '.join(LEVEL_FIELDS)}")
        missing = [name for name in LEVEL_FIELDS if entry.get(name) in (None, "")]
        if missing:
            raise FieldError(f"level {number} needs {', '.join(missing)}")
        key = scalar(entry["level"], "a level key such as IV").strip()
        if key not in scale:
            raise FieldError(f"level {number}: {shown(key)} is not a response level; site.yml "
                             f"response_levels has: {', '.join(scale)}")
        if key in found:
            raise FieldError(f"level {shown(key)} is listed twice")
        try:
            found[key] = Level(key, *(text(entry[name], site) for name in LEVEL_FIELDS[1:]))
        except FieldError as exc:
            raise FieldError(f"level {key}: {exc}") from None
    order = list(scale)
    return tuple(sorted(found.values(), key=lambda level: order.index(level.level)))


def url(value: Any, site) -> str:
    address = scalar(value, "must be the address of the full plan, https://...").strip()
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in address):
        raise FieldError(f"{shown(address)} is not a web address; write it as https://...")
    return address


SCHEMA = {
    **COMMON,
    "hazards": Field(hazards),
    "lead": Field(issuer),
    "departments": Field(departments, required=False),
    "levels": Field(plan_levels),
    "updated": Field(date),
    "review_by": Field(date),
    "document": Field(url, required=False),
    "event": Field(text, required=False),
}

SKELETON = """---
title: {title}
summary: Who is in charge of this type of event, and what each response level means.
hazards: [flood]            # keys from site.yml hazard_classes
event: the flood            # what a response is to, in a phrase
lead: emergency-office      # the department in charge: a key from site.yml issuers
departments: []             # who else does what, for example:
#  - issuer: fire-rescue      # a key from site.yml issuers
#    role: Rescues people trapped and pumps out flooded buildings.
levels:                     # most serious first; keys from site.yml response_levels
  - level: I
    when: The trigger, in plain words.
    government: What the government does.
    residents: What residents should do.
  - level: II
    when: ...
    government: ...
    residents: ...
  - level: III
    when: ...
    government: ...
    residents: ...
  - level: IV
    when: ...
    government: ...
    residents: ...
updated: {today}
review_by: {review}         # after this date the plan is flagged as due for review
# document: https://...     # the full official plan
draft: true                 # remove this line to publish
---
How the plan works, in a few plain paragraphs.
"""


def skeleton(slug: str, now: dt.datetime, subtype: str | None) -> str:
    return SKELETON.format(title=slug.replace("-", " ").capitalize() + " emergency plan",
                           today=now.date(), review=now.date() + dt.timedelta(days=365))


def search_fields(item: Plan, site) -> SearchFields:
    keywords: list[str] = []
    for key in (item.lead, *(d.issuer for d in item.departments)):
        if key in site.issuers:
            keywords += site.issuers[key].names.values()
    keywords += [d.role for d in item.departments]
    scale = response_levels.of(site)
    for level in item.levels:
        if level.level in scale:
            keywords.append(localized(scale[level.level].names, item.lang))
        keywords += [level.when, level.residents]
    if item.event:
        keywords.append(item.event)
    return SearchFields(date=item.updated, keywords=tuple(keywords))


def active(library, lang: str, now: dt.datetime):
    from .queries import responses_in_force
    return {hazard for response in responses_in_force(library, lang, now)
            for hazard in response.plan.hazards}


KIND = Kind(
    name="plans", singular="plan", item=Plan, schema=SCHEMA, search=search_fields,
    endpoint="plans.item", list_endpoint="plans.index", skeleton=skeleton,
    site={"response_levels": response_levels.parse}, active=active,
)
