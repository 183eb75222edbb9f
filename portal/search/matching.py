"""Which documents match, within a deadline.

Matching is done on docnum sets of terms and on phrase arrays, cached per index
(postings.py): counting and faceting every match this way costs a fraction of
walking whoosh's matchers, and popular queries share their few terms. The
matches are then ranked by scoring.py.
"""
from __future__ import annotations

import time

from whoosh.collectors import TimeLimit
from whoosh.searching import Searcher

from .cache import LRU
from .postings import Postings
from .query import BOOSTS, Clause, Parsed, is_single, single_terms

FIELDS = tuple(BOOSTS)
# A lone CJK character stands for at most this many of the bigrams it starts,
# the most common first, chosen among the first SCAN in the term dictionary.
EXPANSIONS = 16
SCAN = 400


class Matching:
    """Per-index cache of lone-character expansions, over the index's postings."""

    def __init__(self, postings: Postings, expansions: int = 4096):
        self.postings = postings
        self._expansions: LRU[tuple[str, ...]] = LRU(expansions)

    def expander(self, searcher: Searcher):
        def expand(field: str, char: str) -> tuple[str, ...]:
            return self._expansions.get((field, char),
                                        lambda: _prefixed(searcher.reader(), field, char))
        return expand

    def term_docs(self, searcher: Searcher, field: str, term: str) -> frozenset[int]:
        return self.postings.docs(searcher, field, term)

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
                    found.update(self.postings.phrase(searcher, field, tuple(
                        t for t in clause.terms if not is_single(t))).tolist())
                else:
                    found |= frozenset.intersection(*(self.term_docs(searcher, field, t)
                                                      for t in rest))
            parts.append(found)
        for char in dict.fromkeys(singles):
            parts.append(set().union(*(self.term_docs(searcher, field, term)
                                       for field in FIELDS
                                       for term in single_terms(clause, field, char, expand))))
        return set.intersection(*parts)


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
