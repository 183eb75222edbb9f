"""A guide: what to do, for one or more hazards."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...content.model import Item

KINDS = ("self-help", "mutual-rescue", "prevention")


@dataclass(frozen=True, kw_only=True)
class Guide(Item):
    kind: str
    updated: dt.date
    review_by: dt.date

    def due_for_review(self, today: dt.date) -> bool:
        return today > self.review_by
