"""Answer searches from one open index generation."""
from __future__ import annotations

import contextlib
import datetime as dt
import math
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from whoosh.collectors import TimeLimit
from whoosh.searching import Searcher

from ..content import Library
from .build import READY, identity
from .documents import VOCABULARY
from .manifest import verify
from ..statecache import StateCache
from .matching import Matching
from .postings import Postings
from .query import Parsed, parse
from .results import Hit, Request, Results, Visible
from .scoring import Scorer, best
from .spelling import Vocabulary
from .storage import MappedStorage
from .text import leading, snippet

# Matching and ranking stop when this is spent; the page then shows what was found.
TIME_LIMIT = 0.2
# Fewer results than this and a spelling suggestion is worth a look.
FEW = 3


class SearchIndex:
    """A whoosh index of one content generation, with its searchers and caches.

    whoosh searchers are not safe to share between threads, so each search
    borrows one from a small pool.
    """

    def __init__(self, path: Path, cache_size: int = 2048, known: dict | None = None):
        self.path = path
        self.name = path.name
        self.identity = identity(path)
        # A damaged file may still open and answer wrongly: check before trusting it.
        verify(path)
        self.generation = (path / READY).read_text(encoding="utf-8").strip()
        self._ix = MappedStorage(str(path)).open_index()
        self._pool: list[Searcher] = []
        self._closed = False
        self._lock = threading.Lock()
        # Answers of the current and the previous content state (a new library and
        # the requests still finishing on the old one).
        self.cache: StateCache[Results] = StateCache(cache_size)
        self._visible: StateCache[Visible] = StateCache(2)
        postings = Postings()
        self.matching = Matching(postings)
        self.scorer = Scorer(postings)
        self.vocabulary = Vocabulary.load(path / VOCABULARY)
        with self._searcher() as searcher:
            reader = searcher.reader()
            keys = list(reader.column_reader("key"))
            # An updated generation still holds the replaced versions, deleted.
            deleted = set(reader.all_doc_ids()) ^ set(range(len(keys))) \
                if reader.has_deletions() else set()
        self.docnums = {key: n for n, key in enumerate(keys) if n not in deleted}
        # Per item, what searches need of it (Visible); an index opened after a
        # publication starts from the previous one's.
        self.known: dict = known if known is not None else {}

    def __len__(self) -> int:
        return len(self.docnums)

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

    def visible(self, library: Library, now: dt.datetime) -> Visible:
        def compute() -> Visible:
            found = Visible(library, now, self.docnums, self.known)
            self.known = found.known
            return found
        return self._visible.get(library.state(now), "visible", compute)

    def search(self, library: Library, lang: str, now: dt.datetime, request: Request) -> Results:
        parsed = parse(request.q)
        if not parsed.clauses:
            return Results(parsed.text, shortened=parsed.shortened)
        # Keyed by terms, not text: "Flood" and "flood " share one answer.
        key = (lang, parsed.key, request.filters, request.page, request.page_size)
        state = library.state(now)
        found = self.cache.peek(state, key)
        if found is not None:
            self.cache.hits += 1
            return found
        self.cache.misses += 1
        # What every search of this state needs (which documents are public) is worked
        # out before the query's own time starts: on a busy machine it took the whole
        # time limit, and the first search after a publication came back empty.
        visible = self.visible(library, now)
        found = self._search(library, lang, now, parsed, request,
                             time.monotonic() + TIME_LIMIT, visible)
        # A cut-short answer is not kept: kept, it stood for the whole content state, and
        # a new document stayed unfindable by the words first asked for it.
        if not found.timed_out:
            self.cache.put(state, key, found)
        return found

    def _search(self, library: Library, lang: str, now: dt.datetime, parsed: Parsed,
                request: Request, deadline: float, visible: Visible) -> Results:
        with self._searcher() as searcher:
            require_all, timed_out = True, False
            try:
                matched = self.matching.matched(searcher, parsed, visible.allowed, True, deadline)
                if not matched and len(parsed.clauses) > 1:
                    require_all = False
                    matched = self.matching.matched(searcher, parsed, visible.allowed, False,
                                                    deadline)
            except TimeLimit:
                matched, timed_out = set(), True
            chosen = visible.representatives(matched, lang)
            counts, kept = visible.facets(chosen, request)
            total = int(kept.sum())
            pages = max(1, math.ceil(total / request.page_size))
            page = min(max(request.page, 1), pages)
            start = (page - 1) * request.page_size
            order = self._order(searcher, parsed, require_all, matched, visible, chosen, kept,
                                start + request.page_size)
            wanted = parsed.wanted()
            hits = tuple(self._hit(searcher, visible.docs[docnum].key, score, docnum, wanted)
                         for score, docnum in order[start:start + request.page_size])
            suggestion = None
            if total < FEW and time.monotonic() < deadline:
                try:
                    suggestion = self.vocabulary.suggest(parsed, total, lambda corrected: len(
                        self.matching.matched(searcher, corrected, visible.allowed, True,
                                              deadline)))
                except TimeLimit:  # out of time while trying the corrected words: none
                    pass
        return Results(parsed.text, True, hits, total, page, pages, counts,
                       not require_all and total > 0, parsed.shortened, timed_out,
                       suggestion, request.page_size)

    def _order(self, searcher, parsed, require_all, matched, visible, chosen, kept,
               needed) -> list[tuple[float, int]]:
        """(score, representative docnum) of the kept groups, best first, as far as
        ``needed``; groups the ranking did not reach follow in a stable order."""
        group_of = visible.group_of
        # The representative of each chosen group, by group number.
        representative = np.full(visible.group_count, -1, dtype=np.int64)
        representative[chosen.groups] = chosen.docnums
        if kept.all():  # unfiltered: every matched document's group is kept
            candidates = matched
        else:
            allowed = np.zeros(visible.group_count, dtype=bool)
            allowed[chosen.groups[kept]] = True
            found = np.fromiter(matched, dtype=np.int64)
            candidates = set(found[allowed[group_of[found]]].tolist())
        # Each group has at most one document per language among the candidates.
        scores = self.scorer.scores(searcher, parsed, require_all,
                                    self.matching.expander(searcher))
        order: list[tuple[float, int]] = []
        seen: set[int] = set()
        # What is current first, then what has ended (an expired or replaced alert),
        # each by relevance: a replaced warning never outranks the one in force.
        for part in (candidates - visible.ended, candidates & visible.ended):
            wanted = needed - len(order)
            if wanted <= 0:  # the page is full: what follows is never shown
                break
            if part:
                limit = max(1, wanted * max(1, visible.languages))
                for score, docnum in best(scores, part, limit):
                    group = int(group_of[docnum])
                    if group not in seen:
                        seen.add(group)
                        order.append((score, int(representative[group])))
            if len(order) >= needed:
                break
            # Groups the ranking did not reach, in the groups' order.
            rest = sorted(set(group_of[np.fromiter(part, dtype=np.int64)].tolist()) - seen)
            order += [(0.0, int(representative[group])) for group in rest]
            seen.update(rest)
        return order

    def _hit(self, searcher: Searcher, key: str, score: float, docnum: int,
             wanted: frozenset[str]) -> Hit:
        stored = searcher.stored_fields(docnum)
        body, summary = stored.get("body", ""), stored.get("summary", "")
        text = snippet(body, wanted) or snippet(summary, wanted) or leading(summary or body)
        lang, section, slug = key.split("/", 2)
        return Hit(lang, section, slug, score, text)
