"""What a search is asked and what it answers; which documents a reader may see."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

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
class Chosen:
    """One matched document per translation group: the groups' numbers (ascending,
    which is the groups' order) and each one's document."""
    groups: np.ndarray
    docnums: np.ndarray

    def __len__(self) -> int:
        return len(self.groups)


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


def _doc(library: Library, item, known: Mapping[int, tuple[object, Doc]]) -> Doc:
    seen = known.get(id(item))
    return seen[1] if seen is not None and seen[0] is item else Doc.of(library, item)


def known_docs(library: Library, known: Mapping[int, tuple[object, Doc]]
               ) -> dict[int, tuple[object, Doc]]:
    """id -> (item, Doc) of every item of ``library``, reusing what ``known`` has."""
    return {id(item): (item, _doc(library, item, known)) for item in library.all()}


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
            doc = _doc(library, item, known)
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
        self.facet_names = library.kinds.facet_names()
        self.languages = len({doc.lang for doc in self.docs.values()})
        self._arrays()

    def _arrays(self) -> None:
        """Per docnum, its group, language and facet values as numbers: choosing one
        document per group and counting facets of thousands of matches are then a
        few array operations, not a loop over every match."""
        size = max(self.docs, default=-1) + 1
        # Numbered in the groups' own order: sorting numbers sorts groups.
        groups = {group: n for n, group in enumerate(sorted({d.group for d in self.docs.values()}))}
        langs: dict[str, int] = {}
        pairs: dict[tuple[str, str], int] = {}
        group_of = np.full(size, -1, dtype=np.int64)
        lang_of = np.zeros(size, dtype=np.int64)
        rows: list[int] = []
        cols: list[int] = []
        for docnum, doc in self.docs.items():
            group_of[docnum] = groups[doc.group]
            lang_of[docnum] = langs.setdefault(doc.lang, len(langs))
            for pair in doc.pairs:
                rows.append(docnum)
                cols.append(pairs.setdefault(pair, len(pairs)))
        self.group_count = len(groups)
        self._lang_index = langs
        self.group_of, self._lang_of = group_of, lang_of
        self._pairs = list(pairs)
        self._pair_index = pairs
        self._pair_rows = np.array(rows, dtype=np.int64)
        self._pair_cols = np.array(cols, dtype=np.int64)
        self._pair_names = np.array([self.facet_names.index(name) if name in self.facet_names
                                     else -1 for name, _ in self._pairs], dtype=np.int64)

    def representatives(self, matched: Iterable[int], lang: str) -> Chosen:
        """One matched docnum per translation group: the one in ``lang`` if it matched,
        else the group's first."""
        docnums = np.fromiter(matched, dtype=np.int64)
        group = self.group_of[docnums]
        other = self._lang_of[docnums] != self._lang_index.get(lang, -1)
        order = np.lexsort((docnums, other, group))
        group, docnums = group[order], docnums[order]
        first = np.ones(len(group), dtype=bool)
        first[1:] = group[1:] != group[:-1]
        return Chosen(group[first], docnums[first])

    def facets(self, chosen: Chosen, request: Request) -> tuple[dict, np.ndarray]:
        """Counts per facet value, each facet ignoring its own selection, and which of the
        chosen groups pass every selected filter (a mask over ``chosen``)."""
        selected = {name: value for name, value in request.selected().items()
                    if value is not None}
        names = self.facet_names
        docnums = chosen.docnums
        rows, cols = self._pair_rows, self._pair_cols
        size = len(self.group_of)
        if not selected:
            # Nothing selected: every group is kept and counts for every facet.
            wanted = np.zeros(size, dtype=bool)
            wanted[docnums] = True
            return self._counted(cols[wanted[rows]], names), np.ones(len(docnums), dtype=bool)
        # Per chosen document, how many selections it fails, and which one if only one.
        failures = np.zeros(size, dtype=np.int64)
        failed_at = np.full(size, -1, dtype=np.int64)
        for name, value in selected.items():
            has = np.zeros(size, dtype=bool)
            pair = self._pair_index.get((name, value))
            if pair is not None:
                has[rows[cols == pair]] = True
            fails = ~has
            failures += fails
            failed_at[fails] = names.index(name) if name in names else -2
        # A facet counts the documents failing no selection, or failing only its own.
        counted = np.zeros(size, dtype=bool)
        counted[docnums] = True
        strict = counted & (failures == 0)
        loose = counted & (failures == 1)
        at_pair = self._pair_names[cols]
        include = strict[rows] | (loose[rows] & (failed_at[rows] == at_pair))
        return self._counted(cols[include], names), failures[docnums] == 0

    def _counted(self, found: np.ndarray, names) -> dict[str, dict[str, int]]:
        counts = np.bincount(found, minlength=len(self._pairs))
        by_name: dict[str, dict[str, int]] = {name: {} for name in names}
        pairs = self._pairs
        for pair in np.flatnonzero(counts).tolist():
            name, value = pairs[pair]
            by_name.setdefault(name, {})[value] = int(counts[pair])
        return by_name
