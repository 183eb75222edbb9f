"""An event: a drill, a training session, a public-education event or a test alert."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...content.model import Item

TYPES = ("drill", "training", "education", "test-alert")
# Types that residents notice without taking part (sirens, a test message): while one
# is under way every page says so, so nobody mistakes it for the real thing.
EXERCISES = ("drill", "test-alert")
STATUSES = ("scheduled", "cancelled")


@dataclass(frozen=True, kw_only=True)
class Event(Item):
    type: str
    start: dt.datetime
    end: dt.datetime
    organiser: str  # an issuer key of site.yml
    notice: str  # what residents will see or hear
    place: str | None = None  # a place slug
    address: str | None = None  # free text, where there is no place
    audience: str | None = None
    registration: str | None = None  # an http(s) URL or a phone number
    capacity: int | None = None
    message: str | None = None  # a test alert: the exact wording that will be sent
    report: str | None = None  # after the event: sanitised HTML from Markdown
    status: str = "scheduled"  # or "cancelled": still listed, marked, STATUS:CANCELLED
    published: dt.datetime | None = None  # when it is announced; a later time schedules it
    changes: tuple[tuple[dt.datetime, str], ...] = ()  # newest first

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def exercise(self) -> bool:
        return self.type in EXERCISES

    @property
    def modified(self) -> dt.datetime:
        """The last time its details changed: the newest change noted, else when it was
        announced, else its start."""
        return self.changes[0][0] if self.changes else (self.published or self.start)

    @property
    def registration_is_url(self) -> bool:
        return bool(self.registration) and self.registration.startswith(("http://", "https://"))

    def is_public(self, now: dt.datetime) -> bool:
        return not self.draft and (self.published is None or self.published <= now)

    def state(self, now: dt.datetime) -> str:
        """upcoming, in-progress or past (a cancelled event keeps its place in time)."""
        if now < self.start:
            return "upcoming"
        return "in-progress" if now < self.end else "past"
