"""Answer searches from one open index generation."""
from __future__ import annotations

import contextlib
import datetime as dt
import math
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index
from whoosh.collectors import TimeLimit, UnlimitedCollector, WrappingCollector
from whoosh.searching import Searcher

from ..content import Disclosure, Guide, Item, Library
from .build import READY, VOCABULARY, item_key
from .cache import LRU
from .query import Parsed, parse, to_query
from .spelling import Vocabulary
from .text import Snippet, leading, snippet

# Every search, parsing to snippets, finishes within this; matching stops when it is spent.
TIME_LIMIT = 0.2
# Fewer results than this and a spelling suggestion is worth a look.
FEW = 3
FACETS = ("kind", "type", "hazard")
# A lone CJK character stands for at most this many of the bigrams it starts,
# the most common first, chosen among the first SCAN in the term dictionary.
EXPANSIONS = 16
SCAN = 400


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


class SearchIndex:
    """A whoosh index of one content generation, with its searchers and query cache.

    whoosh searchers are not safe to share between threads, so each search
    borrows one from a small pool.
    """

    def __init__(self, path: Path, cache_size: int = 2048):
        self.path = path
        self.name = path.name
        self.generation = (path / READY).read_text(encoding="utf-8").strip()
        self._ix = index.open_dir(str(path), readonly=True)
        self._pool: list[Searcher] = []
        self._closed = False
        self._lock = threading.Lock()
        self.cache: LRU[Results] = LRU(cache_size)
        self._allowed: LRU[frozenset[int]] = LRU(64)
        self._expansions: LRU[tuple[str, ...]] = LRU(4096)
        self.vocabulary = Vocabulary.load(path / VOCABULARY)
        with self._searcher() as searcher:
            self.keys: list[str] = list(searcher.reader().column_reader("key"))
        self.docnums = {key: docnum for docnum, key in enumerate(self.keys)}

    def __len__(self) -> int:
        return len(self.keys)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, []
        for searcher in pool:
            searcher.close()

    @contextlib.contextmanager
    def _searcher(self) -> Iterator[Searcher]:
        with self._lock:
            searcher = self._pool.pop() if self._pool else None
        if searcher is None:
            searcher = self._ix.searcher()
        try:
            yield searcher
        finally:
            with self._lock:
                closed = self._closed
                if not closed:
                    self._pool.append(searcher)
            if closed:
                searcher.close()

    def search(self, library: Library, lang: str, now: dt.datetime, request: Request) -> Results:
        deadline = time.monotonic() + TIME_LIMIT
        parsed = parse(request.q)
        if not parsed.clauses:
            return Results(parsed.text, shortened=parsed.shortened)
        # Keyed by terms, not text: 'Flood' and 'flood ' share one answer.
        key = (library.state(now), lang, parsed.key, request.kind, request.hazard, request.type,
               request.page, request.page_size)
        return self.cache.get(key, lambda: self._search(library, lang, now, parsed, request,
                                                         deadline))

    def _search(self, library, lang, now, parsed: Parsed, request: Request,
                deadline: float) -> Results:
        allowed = self.allowed(library, now)
        with self._searcher() as searcher:
            def expand(field: str, char: str) -> tuple[str, ...]:
                return self._expansions.get((field, char),
                                            lambda: _prefixed(searcher.reader(), field, char))

            ranked, timed_out = self._match(searcher, to_query(parsed, expand=expand), allowed,
                                            deadline)
            partial = False
            if not ranked and len(parsed.clauses) > 1 and not timed_out:
                ranked, timed_out = self._match(
                    searcher, to_query(parsed, require_all=False, expand=expand), allowed,
                    deadline)
                partial = bool(ranked)
            rows = _collapse(((score, self._item(library, docnum, now), docnum)
                              for score, docnum in ranked), lang)
            counts, kept = _facets(rows, request)
            pages = max(1, math.ceil(len(kept) / request.page_size))
            page = min(max(request.page, 1), pages)
            start = (page - 1) * request.page_size
            wanted = parsed.wanted()
            hits = tuple(self._hit(searcher, item, score, docnum, wanted)
                         for score, item, docnum in kept[start:start + request.page_size])
            suggestion = None
            if len(kept) < FEW and time.monotonic() < deadline:
                def count(corrected: Parsed) -> int:
                    docs = searcher.docs_for_query(to_query(corrected, expand=expand))
                    return sum(1 for docnum in docs if docnum in allowed)
                suggestion = self.vocabulary.suggest(parsed, len(kept), count)
        return Results(parsed.text, True, hits, len(kept), page, pages, counts, partial,
                       parsed.shortened, timed_out, suggestion, request.page_size)

    def _match(self, searcher: Searcher, query, allowed: frozenset[int],
               deadline: float) -> tuple[list[tuple[float, int]], bool]:
        """(score, docnum) of every allowed match, best first, as many as time allows."""
        collector = _Bounded(UnlimitedCollector(), allowed, deadline)
        timed_out = False
        try:
            searcher.search_with_collector(query, collector)
        except TimeLimit:
            timed_out = True
        results = collector.results()
        if timed_out:
            results.top_n.sort(key=lambda row: (-row[0], row[1]))
        return list(results.top_n), timed_out

    def _item(self, library: Library, docnum: int, now: dt.datetime) -> Item | None:
        lang, section, slug = self.keys[docnum].split("/", 2)
        return library.get(lang, section, slug, now)

    def _hit(self, searcher: Searcher, item: Item, score: float, docnum: int,
             wanted: frozenset[str]) -> Hit:
        stored = searcher.stored_fields(docnum)
        body, summary = stored.get("body", ""), stored.get("summary", "")
        text = snippet(body, wanted) or snippet(summary, wanted) or leading(summary or body)
        return Hit(item.lang, item.section, item.slug, score, text)

    def allowed(self, library: Library, now: dt.datetime) -> frozenset[int]:
        """Docnums of what is public now: no drafts, no disclosures still scheduled."""
        def compute() -> frozenset[int]:
            keys = (item_key(item) for item in library.all() if item.is_public(now))
            return frozenset(self.docnums[k] for k in keys if k in self.docnums)
        return self._allowed.get(library.state(now), compute)


def _prefixed(reader, field: str, char: str) -> tuple[str, ...]:
    """``char`` itself and the most common indexed bigrams it starts."""
    found = []
    for n, raw in enumerate(reader.expand_prefix(field, char)):
        if n == SCAN:
            break
        term = raw.decode("utf-8")
        if len(term) == 2:
            found.append((-reader.doc_frequency(field, term), term))
    return (char, *(term for _, term in sorted(found)[:EXPANSIONS]))


def _collapse(rows: Iterator[tuple[float, Item | None, int]], lang: str):
    """One row per translation group, best first: the version in ``lang`` when it
    matched too, else the best matching version, ranked by the group's best score."""
    groups: dict[tuple[str, str], tuple[float, Item, int]] = {}
    for score, item, docnum in rows:
        if item is None:
            continue
        key = (item.section, item.group)
        seen = groups.get(key)
        if seen is None:
            groups[key] = (score, item, docnum)
        elif item.lang == lang and seen[1].lang != lang:
            groups[key] = (seen[0], item, docnum)
    return list(groups.values())


class _Bounded(WrappingCollector):
    """Keeps only allowed documents and stops at the deadline.

    whoosh's TimeLimitCollector starts a timer thread per search (or uses
    SIGALRM, which only the main thread may) and ignores an inner filter; this
    checks the clock every few matches in the same loop that filters.
    """

    EVERY = 64

    def __init__(self, child, allowed: frozenset[int], deadline: float):
        super().__init__(child)
        self.allowed = allowed
        self.deadline = deadline

    def collect_matches(self):
        child, allowed, deadline = self.child, self.allowed, self.deadline
        offset = child.offset
        for n, sub_docnum in enumerate(child.matches()):
            if sub_docnum + offset in allowed:
                child.collect(sub_docnum)
            if not n % self.EVERY and time.monotonic() > deadline:
                raise TimeLimit


def _facets(rows: list[tuple[float, Item, int]], request: Request):
    """Counts per facet value (each facet ignoring its own selection), and the rows
    that pass every selected filter."""
    selected = request.selected()
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    kept = []
    for row in rows:
        values = _values(row[1])
        failed = [name for name, value in selected.items()
                  if value is not None and value not in values[name]]
        if not failed:
            kept.append(row)
        for name in FACETS:
            if not failed or failed == [name]:
                counts[name].update(values[name])
    return {name: dict(counter) for name, counter in counts.items()}, kept


def _values(item: Item) -> dict[str, tuple[str, ...]]:
    return {
        "kind": (item.kind,) if isinstance(item, Guide) else (),
        "type": (item.type,) if isinstance(item, Disclosure) else (),
        "hazard": tuple(item.hazards),
    }
