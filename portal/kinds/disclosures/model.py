"""A disclosure: an announcement, a rumour correction or an alert."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...content.model import Item

TYPES = ("announcement", "rumour-correction", "alert")
VERDICTS = ("false", "misleading", "unproven", "true")
SEVERITIES = ("minor", "moderate", "severe", "extreme")
URGENCIES = ("immediate", "expected", "future", "past", "unknown")
CERTAINTIES = ("observed", "likely", "possible", "unlikely", "unknown")


@dataclass(frozen=True, kw_only=True)
class Disclosure(Item):
    type: str
    issuer: str
    published: dt.datetime
    updated: dt.datetime | None = None
    supersedes: str | None = None
    changes: tuple[tuple[dt.datetime, str], ...] = ()
    banner: bool = False
    claim: str | None = None
    verdict: str | None = None
    appeared_in: tuple[str, ...] = ()
    severity: str | None = None
    urgency: str | None = None
    certainty: str | None = None
    area: str | None = None
    expires: dt.datetime | None = None
    instruction: str | None = None
    polygons: tuple[str, ...] = ()
    circles: tuple[str, ...] = ()
    geocodes: tuple[tuple[str, str], ...] = ()

    def is_public(self, now: dt.datetime) -> bool:
        return not self.draft and self.published <= now

    def is_active(self, now: dt.datetime) -> bool:
        return self.expires is None or now < self.expires

    @property
    def modified(self) -> dt.datetime:
        return self.updated or self.published
