"""A disclosure: an announcement, a rumour correction or an alert."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...content.model import Item

TYPES = ("announcement", "rumour-correction", "alert", "response")
# What a `response` disclosure does to a plan's response level.
ACTIONS = ("activate", "adjust", "end")
VERDICTS = ("false", "misleading", "unproven", "true")
SEVERITIES = ("minor", "moderate", "severe", "extreme")
URGENCIES = ("immediate", "expected", "future", "past", "unknown")
CERTAINTIES = ("observed", "likely", "possible", "unlikely", "unknown")
# China's four-colour warning signal, by CAP severity.
LEVELS = ("blue", "yellow", "orange", "red")
# What an alert asks people to do, as CAP's responseType (in front matter: `response_type`).
RESPONSE_TYPES = ("shelter", "evacuate", "prepare", "execute", "avoid", "monitor", "assess",
                  "all-clear", "none")
LEVEL_BY_SEVERITY = {"minor": "blue", "moderate": "yellow", "severe": "orange", "extreme": "red"}


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
    claim_short: str | None = None  # the claim in under 75 characters, for fact-check tools
    claim_url: str | None = None  # where the claim appeared (first seen)
    claim_date: dt.date | None = None  # when it first appeared
    claim_author: str | None = None  # who spread it, as far as known ("chat group posts")
    severity: str | None = None
    urgency: str | None = None
    certainty: str | None = None
    area: str | None = None
    expires: dt.datetime | None = None
    instructions: tuple[str, ...] = ()  # what to do now, in order
    areas: tuple[str, ...] = ()  # keys of site.yml areas
    level: str | None = None  # blue | yellow | orange | red; from severity when absent
    exercise: bool = False  # a drill: never to be mistaken for a real alert
    sms: str | None = None  # the text for SMS and cell broadcast
    next_update: dt.datetime | None = None  # when the next update is promised
    response_type: tuple[str, ...] = ()  # CAP responseType words; derived when empty
    polygons: tuple[str, ...] = ()
    circles: tuple[str, ...] = ()
    geocodes: tuple[tuple[str, str], ...] = ()
    # A response: the plan (slug) whose response it activates, adjusts or ends; its
    # level (a key the plan defines) is in ``level``.
    plan: str | None = None
    action: str | None = None

    @property
    def sms_text(self) -> str:
        """What an SMS or cell broadcast says: as written, else title and first instruction."""
        from .sms import derived
        return self.sms or derived(self.title, self.instructions, self.lang)

    @property
    def warning_level(self) -> str | None:
        """The colour of the warning signal: as written, else from the severity.
        Only alerts have one (a response's ``level`` is a response level)."""
        if self.type != "alert":
            return None
        return self.level or LEVEL_BY_SEVERITY.get(self.severity or "")

    def is_public(self, now: dt.datetime) -> bool:
        return not self.draft and self.published <= now

    @property
    def modified(self) -> dt.datetime:
        return self.updated or self.published
