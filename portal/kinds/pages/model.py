"""A standing page: about, contacts, accessibility."""
from __future__ import annotations

from dataclasses import dataclass

from ...content.model import Item


@dataclass(frozen=True, kw_only=True)
class Page(Item):
    pass
