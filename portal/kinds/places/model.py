"""A place people go to in an emergency: a shelter, a relief-supply point, a clinic."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...content.model import Item

TYPES = ("shelter", "relief-supplies", "medical", "water", "charging", "assembly-point")
STATUSES = ("open", "full", "closed", "standby")
# Lists show open places first, then those that may open, then full, then closed.
STATUS_RANK = {"open": 0, "standby": 1, "full": 2, "closed": 3, None: 4}


@dataclass(frozen=True, kw_only=True)
class Place(Item):
    type: str
    address: str
    area: str  # a key of site.yml areas
    location: tuple[float, float]  # (lat, lon), WGS 84
    phone: str = ""
    capacity: int | None = None  # people, for shelters
    accessibility: tuple[str, ...] = ()
    supplies: tuple[str, ...] = ()
    hours: str = ""
    status: str | None = None
    status_updated: dt.datetime | None = None
    verified: dt.date | None = None

    @property
    def lat(self) -> float:
        return self.location[0]

    @property
    def lon(self) -> float:
        return self.location[1]

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def unverified(self, today: dt.date, days: int) -> bool:
        """Whether its details were last checked more than ``days`` ago (or never)."""
        return self.verified is None or (today - self.verified).days > days
