"""The questions views ask about guides."""
from __future__ import annotations

import datetime as dt

from ...content import Library
from .model import Guide


def guides(library: Library, lang: str, now: dt.datetime, kind: str | None = None,
           hazard: str | None = None) -> list[Guide]:
    return [g for g in library.section(lang, "guides", now)
            if (kind is None or g.kind == kind) and (hazard is None or hazard in g.hazards)]


def related(library: Library, guide: Guide, now: dt.datetime, limit: int = 4) -> list[Guide]:
    """Guides sharing the most hazards with ``guide``, then by title."""
    scored = []
    for other in guides(library, guide.lang, now):
        shared = len(set(other.hazards) & set(guide.hazards))
        if other.group != guide.group and shared:
            scored.append((-shared, other.kind == guide.kind, other.title.casefold(), other))
    return [entry[-1] for entry in sorted(scored, key=lambda e: e[:3])[:limit]]
