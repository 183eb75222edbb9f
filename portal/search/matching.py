"""Which documents match, and the best of them in order, within a deadline.

Matching is done on docnum sets of terms, cached per index: counting and
faceting every match this way costs a fraction of scoring them all with
whoosh, and popular queries share their few terms. Only the documents a page
needs are then scored, by whoosh's BM25F with block-quality skipping.
"""
from __future__ import annotations

import time

from whoosh import query as Q
from whoosh.collectors import TimeLimit, TopCollector, WrappingCollector
from whoosh.searching import Searcher

from .cache import LRU
from .query import BOOSTS, Clause, Parsed, is_single, single_terms

FIELDS = tuple(BOOSTS)
# A lone CJK character stands for at most this many of the bigrams it starts,
# the most common first, chosen among the first SCAN in the term dictionary.
EXPANSIONS = 16
SCAN = 400


class Matching:
    """Per-index caches of term docnum sets and of lone-character expansions."""

    def __init__(self, sets: int = 512, expansions: int = 4096):
        self._sets: LRU[frozenset[int]] = LRU(sets)
        self._expansions: LRU[tuple[str, ...]] = LRU(expansions)

    def expander(self, searcher: Searcher):
        def expand(field: str, char: str) -> tuple[str, ...]:
            return self._expansions.get((field, char),
                                        lambda: _prefixed(searcher.reader(), field, char))
        return expand

    def term_docs(self, searcher: Searcher, field: str, term: str) -> frozenset[int]:
        def compute() -> frozenset[int]:
            reader = searcher.reader()
            if (field, term) not in reader:
                return frozenset()
            return frozenset(reader.postings(field, term).all_ids())
        return self._sets.get((field, term), compute)

    def matched(self, searcher: Searcher, parsed: Parsed, allowed: frozenset[int],
                require_all: bool, deadline: float) -> set[int]:
        """Allowed docnums matching every clause (or any, with ``require_all=False``)."""
        expand = self.expander(searcher)
        result: set[int] | None = None
        for clause in parsed.clauses:
            if time.monotonic() > deadline:
                raise TimeLimit
            docs = self._clause(searcher, clause, expand)
            if result is None:
                result = set(docs)
            elif require_all:
                result &= docs
            else:
                result |= docs
            if require_all and not result:
                break
        return (result or set()) & allowed

    def _clause(self, searcher: Searcher, clause: Clause, expand) -> set[int]:
        # Mirrors query._clause: the same documents match, without scoring them.
        singles = [t for t in clause.terms if is_single(t)]
        rest = list(dict.fromkeys(t for t in clause.terms if not is_single(t)))
        parts: list[set[int]] = []
        if rest:
            found: set[int] = set()
            for field in FIELDS:
                if clause.phrase and len(rest) > 1:
                    found.update(Q.Phrase(field, [t for t in clause.terms
                                                  if not is_single(t)]).docs(searcher))
                else:
                    found |= frozenset.intersection(*(self.term_docs(searcher, field, t)
                                                      for t in rest))
            parts.append(found)
        for char in dict.fromkeys(singles):
            parts.append(set().union(*(self.term_docs(searcher, field, term)
                                       for field in FIELDS
                                       for term in single_terms(clause, field, char, expand))))
        return set.intersection(*parts)


def rank(searcher: Searcher, query: Q.Query, candidates: set[int], limit: int,
         deadline: float) -> tuple[list[tuple[float, int]], bool]:
    """The best ``limit`` candidates, (score, docnum) best first; True if time ran out."""
    collector = _Bounded(TopCollector(limit), candidates, deadline)
    timed_out = False
    try:
        searcher.search_with_collector(query, collector)
    except TimeLimit:
        timed_out = True
    return list(collector.results().top_n), timed_out


class _Bounded(WrappingCollector):
    """Keeps only candidate documents and stops at the deadline.

    whoosh's TimeLimitCollector starts a timer thread per search (or uses
    SIGALRM, which only the main thread may) and bypasses an inner filter; this
    checks the clock every few matches in the same loop that filters.
    """

    EVERY = 32

    def __init__(self, child, candidates: set[int], deadline: float):
        super().__init__(child)
        self.candidates = candidates
        self.deadline = deadline

    def collect_matches(self):
        child, candidates, deadline = self.child, self.candidates, self.deadline
        offset = child.offset
        for n, sub_docnum in enumerate(child.matches()):
            if sub_docnum + offset in candidates:
                child.collect(sub_docnum)
            if not n % self.EVERY and time.monotonic() > deadline:
                raise TimeLimit


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
