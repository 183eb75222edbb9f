"""What a search is asked and what it answers; which documents a reader may see."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..content import Disclosure, Guide, Library
from .documents import item_key
from .text import Snippet

FACETS = ("kind", "type", "hazard")


@dataclass(frozen=True)
class Request:
    q: str
    kind: str | None = None
    hazard: str | None = None
    type: str | None = None
    page: int = 1
    page_size: int = 10

    def selected(self) -> dict[str, str | None]:
        return {"kind": self.kind, "type": self.type, "hazard": self.hazard}


@dataclass(frozen=True)
class Hit:
    lang: str
    section: str
    slug: str
    score: float
    snippet: Snippet


@dataclass(frozen=True)
class Results:
    query: str  # as understood: cleaned and shortened
    searched: bool = False  # False when the query had no searchable words
    hits: tuple[Hit, ...] = ()
    total: int = 0
    page: int = 1
    pages: int = 1
    facets: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    partial: bool = False  # no document has every word; these have some
    shortened: bool = False
    timed_out: bool = False
    suggestion: str | None = None
    page_size: int = 10

    @property
    def first(self) -> int:
        """1-based rank of the first hit on this page."""
        return (self.page - 1) * self.page_size + 1


@dataclass(frozen=True)
class Doc:
    """What results need of one indexed document, without touching the index."""
    key: str
    lang: str
    group: tuple[str, str]  # translations share it
    values: Mapping[str, tuple[str, ...]]  # facet -> values


class Visible:
    """The documents public at one moment of one library, by docnum.

    Built once per :meth:`Library.state`, so a scheduled disclosure becomes
    searchable at its time without rebuilding the index.
    """

    def __init__(self, library: Library, now: dt.datetime, docnums: Mapping[str, int]):
        self.docs: dict[int, Doc] = {}
        for item in library.all():
            docnum = docnums.get(item_key(item))
            if docnum is None or not item.is_public(now):
                continue
            self.docs[docnum] = Doc(item_key(item), item.lang, (item.section, item.group), {
                "kind": (item.kind,) if isinstance(item, Guide) else (),
                "type": (item.type,) if isinstance(item, Disclosure) else (),
                "hazard": tuple(item.hazards),
            })
        self.allowed = frozenset(self.docs)
        self.languages = len({doc.lang for doc in self.docs.values()})

    def representatives(self, matched: Iterable[int], lang: str) -> dict[tuple[str, str], int]:
        """One matched docnum per translation group: the one in ``lang`` if it matched."""
        chosen: dict[tuple[str, str], int] = {}
        docs = self.docs
        for docnum in sorted(matched):
            doc = docs[docnum]
            seen = chosen.get(doc.group)
            if seen is None or (doc.lang == lang and docs[seen].lang != lang):
                chosen[doc.group] = docnum
        return chosen

    def facets(self, chosen: Mapping[tuple[str, str], int], request: Request):
        """Counts per facet value, each facet ignoring its own selection, and the groups
        that pass every selected filter."""
        selected = request.selected()
        counts: dict[str, Counter] = {name: Counter() for name in FACETS}
        kept = set()
        for group, docnum in chosen.items():
            values = self.docs[docnum].values
            failed = [name for name, value in selected.items()
                      if value is not None and value not in values[name]]
            if not failed:
                kept.add(group)
            for name in FACETS:
                if not failed or failed == [name]:
                    counts[name].update(values[name])
        return {name: dict(counter) for name, counter in counts.items()}, kept
