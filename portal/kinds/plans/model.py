"""An emergency plan: who is in charge of one type of event, and what each response
level asks of the government and of residents."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ...content.model import Item

# The warning scale's colours, most serious first: a response level wears one.
COLOURS = ("red", "orange", "yellow", "blue")


@dataclass(frozen=True)
class ResponseLevel:
    """One step of site.yml `response_levels`: its key (I..IV), a name and a short
    name per language, and the warning colour it matches."""
    key: str
    names: Mapping[str, str]
    short: Mapping[str, str]
    colour: str


@dataclass(frozen=True)
class Department:
    issuer: str  # a key of site.yml issuers
    role: str  # what it does under this plan


@dataclass(frozen=True)
class Level:
    level: str  # a key of site.yml response_levels
    when: str  # the trigger, in plain words
    government: str  # what the government does
    residents: str  # what residents should do


@dataclass(frozen=True, kw_only=True)
class Plan(Item):
    lead: str  # the issuer in charge
    departments: tuple[Department, ...] = ()
    levels: tuple[Level, ...] = ()  # most serious first
    updated: dt.date
    review_by: dt.date
    document: str | None = None  # the full official plan
    event: str | None = None  # what a response is to, in a phrase ("the cold wave")

    def level_of(self, key: str | None) -> Level | None:
        return next((level for level in self.levels if level.level == key), None)

    def due_for_review(self, today: dt.date) -> bool:
        return today > self.review_by
