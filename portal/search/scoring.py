"""BM25F ranking of a search's candidate documents, summed over arrays.

The model is whoosh's own (BM25F, B 0.75, K1 1.2, idf = log(N / (df + 1)) + 1,
field lengths as whoosh stores them, one byte each), and the query's shape is
``query.to_query``'s: per clause, the fields in which the document has every
word, each times its boost, a title holding the words in order counting twice,
and per lone CJK character the bigrams it stands for. What changes is how it is
summed. whoosh walked a tree of matchers document by document, three quarters
of an uncached search; here each (field, term) is turned once per index into
two arrays (docnums, contributions), and a query adds a handful of them.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from .cache import LRU
from .postings import Postings
from .query import BOOSTS, Clause, Parsed, is_single, single_terms

B, K1 = 0.75, 1.2
LENGTHS = np.array([byte_to_length(n) for n in range(256)], dtype=np.float64)
LENGTHS[0] = 1.0  # no length stored: whoosh's scorer takes 1

Term = tuple[np.ndarray, np.ndarray]
EMPTY: Term = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


class Scorer:
    """Per-index arrays: field lengths, and each term's docnums and BM25F weights."""

    def __init__(self, postings: Postings, terms: int = 1024):
        self.postings = postings
        self._terms: LRU[Term] = LRU(terms)
        self._lengths: dict[str, np.ndarray] = {}

    def term(self, searcher: Searcher, field: str, text: str) -> Term:
        return self._terms.get((field, text), lambda: self._term(searcher, field, text))

    def _term(self, searcher: Searcher, field: str, text: str) -> Term:
        docnums, tf = self.postings.term(searcher, field, text)
        if not len(docnums):
            return EMPTY
        reader = searcher.reader()
        count = reader.doc_count_all()
        idf = math.log(count / (reader.doc_frequency(field, text) + 1)) + 1
        average = (reader.field_length(field) / (count or 1)) or 1
        norm = K1 * ((1 - B) + B * self.lengths(reader, field)[docnums] / average)
        return docnums, idf * (tf * (K1 + 1)) / (tf + norm)

    def lengths(self, reader, field: str) -> np.ndarray:
        found = self._lengths.get(field)
        if found is None:
            found = self._lengths[field] = _lengths(reader, field)
        return found

    def scores(self, searcher: Searcher, parsed: Parsed, require_all: bool,
               expand: Callable[[str, str], tuple[str, ...]]) -> np.ndarray:
        """The query's score of every docnum (0 where it does not match)."""
        size = searcher.reader().doc_count_all()
        total = np.zeros(size)
        for clause in parsed.clauses:
            score, matched = self._clause(searcher, clause, expand, size)
            if require_all:
                total += score
            else:
                total += np.where(matched, score, 0.0)
        return total

    def _clause(self, searcher, clause: Clause, expand, size: int):
        rest = list(dict.fromkeys(t for t in clause.terms if not is_single(t)))
        score = np.zeros(size)
        matched = np.ones(size, dtype=bool)
        if rest:
            part, anywhere = np.zeros(size), np.zeros(size, dtype=bool)
            ordered = tuple(t for t in clause.terms if not is_single(t))
            for field, boost in BOOSTS.items():
                summed, count = np.zeros(size), np.zeros(size, dtype=np.int32)
                for text in rest:
                    docnums, weights = self.term(searcher, field, text)
                    summed[docnums] += weights
                    count[docnums] += 1
                every = count == len(rest)
                part += np.where(every, summed * boost, 0.0)
                anywhere |= every
                if field == "title" and not clause.phrase and len(rest) > 1:
                    # The words in this order in a title: whoosh's AndMaybe(every, Phrase).
                    inside = self.postings.phrase(searcher, field, ordered)
                    part[inside] += boost * sum(_at(self.term(searcher, field, t), inside)
                                                for t in ordered)
            score += part
            matched &= anywhere
        for char in dict.fromkeys(t for t in clause.terms if is_single(t)):
            part, anywhere = np.zeros(size), np.zeros(size, dtype=bool)
            for field, boost in BOOSTS.items():
                for text in single_terms(clause, field, char, expand):
                    docnums, weights = self.term(searcher, field, text)
                    part[docnums] += weights * boost
                    anywhere[docnums] = True
            score += part
            matched &= anywhere
        return np.where(matched, score, 0.0), matched


def best(scores: np.ndarray, candidates: Iterable[int], limit: int) -> list[tuple[float, int]]:
    """The ``limit`` best candidates, (score, docnum), best first; ties by docnum."""
    docnums = np.fromiter(candidates, dtype=np.int64)
    if not len(docnums) or limit <= 0:
        return []
    found = scores[docnums]
    if len(docnums) > limit:
        # Everything scoring at least the limit-th best, so ties at the cut stay in order.
        cut = np.partition(found, len(found) - limit)[len(found) - limit]
        keep = found >= cut
        docnums, found = docnums[keep], found[keep]
    order = np.lexsort((docnums, -found))[:limit]
    return [(float(found[n]), int(docnums[n])) for n in order]


def _at(term: Term, docnums: np.ndarray) -> np.ndarray:
    """``term``'s weights at ``docnums`` (0 where it is absent); its docnums are sorted."""
    ids, weights = term
    if not len(ids):
        return np.zeros(len(docnums))
    place = np.minimum(np.searchsorted(ids, docnums), len(ids) - 1)
    return np.where(ids[place] == docnums, weights[place], 0.0)


def _lengths(reader, field: str) -> np.ndarray:
    """Every document's length of ``field``, as whoosh's scorer sees it."""
    parts = []
    for leaf, base in reader.leaf_readers():
        count = leaf.doc_count_all()
        raw = _length_bytes(leaf, field, count)
        if raw is None:
            raw = bytes(_byte_of(leaf.doc_field_length(n, field, 0)) for n in range(count))
        parts.append(np.frombuffer(raw, dtype=np.uint8, count=count))
    return LENGTHS[np.concatenate(parts)] if parts else np.zeros(0)


def _length_bytes(leaf, field: str, count: int) -> bytes | None:
    # whoosh keeps a segment's lengths of a field as one byte per document in a
    # column; read whole, the column costs one call instead of one per document.
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        column = leaf._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        if column is None:
            return bytes(count)
        raw = column._dbfile.get(column._basepos, min(column._count, count))
    except (AttributeError, ImportError, TypeError):
        return None
    return bytes(raw) + bytes(count - len(raw))


def _byte_of(length: int | None) -> int:
    from whoosh.util.numeric import length_to_byte
    return length_to_byte(length or 0)
