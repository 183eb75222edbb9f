"""What a search is asked and what it answers; which documents a reader may see."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import chain
from dataclasses import dataclass, field

from ..content import Library
from .documents import facet_values, item_key
from .text import Snippet


@dataclass(frozen=True)
class Request:
    q: str
    # (facet, value) pairs the reader selected, such as (("kind", "self-help"),).
    filters: tuple[tuple[str, str], ...] = ()
    page: int = 1
    page_size: int = 10

    def selected(self) -> dict[str, str]:
        return dict(self.filters)


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
    """What results need of one indexed document, without touching the index. The
    same for as long as its item is: kept from one content state to the next."""
    key: str
    lang: str
    group: tuple[str, str]  # translations share it
    values: Mapping[str, tuple[str, ...]]  # facet -> values
    pairs: tuple[tuple[str, str], ...] = ()  # (facet, value) of every value, in order

    @classmethod
    def of(cls, library: Library, item) -> Doc:
        values = dict(facet_values(library, item))
        return cls(item_key(item), item.lang, (item.section, item.group), values,
                   tuple((name, value) for name, found in values.items() for value in found))


class Visible:
    """The documents public at one moment of one library, by docnum.

    Built once per :meth:`Library.state`, so a scheduled disclosure becomes
    searchable at its time without rebuilding the index. ``known`` is what an
    earlier state worked out per item (id -> (item, Doc)): after a publication only
    the changed items are worked out again, not all 10,000.
    """

    def __init__(self, library: Library, now: dt.datetime, docnums: Mapping[str, int],
                 known: Mapping[int, tuple[object, Doc]] | None = None):
        self.docs: dict[int, Doc] = {}
        self.known: dict[int, tuple[object, Doc]] = {}
        known = known or {}
        ended = set()
        kinds = library.kinds
        for item in library.all():
            seen = known.get(id(item))
            doc = seen[1] if seen is not None and seen[0] is item else Doc.of(library, item)
            self.known[id(item)] = (item, doc)
            docnum = docnums.get(doc.key)
            if docnum is None or not item.is_public(now):
                continue
            self.docs[docnum] = doc
            has_ended = kinds[item.section].ended
            if has_ended and has_ended(library, item, now):
                ended.add(docnum)
        self.allowed = frozenset(self.docs)
        # No longer current (its kind says): ranked after current ones.
        self.ended = frozenset(ended)
        self._groups = {docnum: doc.group for docnum, doc in self.docs.items()}
        self._langs = {docnum: doc.lang for docnum, doc in self.docs.items()}
        self.facet_names = library.kinds.facet_names()
        self.languages = len({doc.lang for doc in self.docs.values()})

    def representatives(self, matched: Iterable[int], lang: str) -> dict[tuple[str, str], int]:
        """One matched docnum per translation group: the one in ``lang`` if it matched."""
        chosen: dict[tuple[str, str], int] = {}
        groups, langs = self._groups, self._langs
        for docnum in sorted(matched):
            group = groups[docnum]
            seen = chosen.get(group)
            if seen is None:
                chosen[group] = docnum
            elif langs[docnum] == lang and langs[seen] != lang:
                chosen[group] = docnum
        return chosen

    def facets(self, chosen: Mapping[tuple[str, str], int], request: Request):
        """Counts per facet value, each facet ignoring its own selection, and the groups
        that pass every selected filter."""
        selected = request.selected()
        names = self.facet_names
        if not any(value is not None for value in selected.values()):
            # Nothing selected: every group is kept and counts for every facet, so all
            # values are counted in one pass (the order each value is first met kept).
            docs = self.docs
            found = Counter(chain.from_iterable(docs[docnum].pairs
                                                for docnum in chosen.values()))
            by_name: dict[str, dict[str, int]] = {name: {} for name in names}
            for (name, value), count in found.items():
                by_name[name][value] = count
            return by_name, set(chosen)
        counts: dict[str, Counter] = {name: Counter() for name in names}
        kept = set()
        for group, docnum in chosen.items():
            values = self.docs[docnum].values
            failed = [name for name, value in selected.items()
                      if value is not None and value not in values.get(name, ())]
            if not failed:
                kept.add(group)
            for name, found in values.items():
                if not failed or failed == [name]:
                    counts[name].update(found)
        return {name: dict(counter) for name, counter in counts.items()}, kept
