"""A term's postings as arrays, read once per open index and kept while used.

whoosh hands out postings one at a time through a matcher; for matching,
ranking and phrases a search needs a term's postings whole: which documents,
how often (the weight), and at which positions. Read a block at a time and kept
as numpy arrays in small LRU caches, a popular term costs its reading once per
index generation. A phrase reads positions only in the documents having all
its words, and is an intersection of sorted arrays, not a walk of whoosh's
span matchers.
"""
from __future__ import annotations

from pickle import loads

import numpy as np
from whoosh.searching import Searcher

from .cache import LRU

# docnum * STRIDE + position: one sortable number per occurrence.
STRIDE = 1 << 24
NONE = np.zeros(0, dtype=np.int64)


class Postings:
    """Per-index caches of each (field, term)'s docnums and weights, and of phrases."""

    def __init__(self, terms: int = 1024, phrases: int = 256):
        self._terms: LRU[tuple[np.ndarray, np.ndarray]] = LRU(terms)
        self._sets: LRU[frozenset[int]] = LRU(terms)
        self._phrases: LRU[np.ndarray] = LRU(phrases)

    def term(self, searcher: Searcher, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums ascending, weights) of ``text`` in ``field``."""
        return self._terms.get((field, text), lambda: _read(searcher, field, text))

    def docs(self, searcher: Searcher, field: str, text: str) -> frozenset[int]:
        return self._sets.get((field, text), lambda: frozenset(
            self.term(searcher, field, text)[0].tolist()))

    def phrase(self, searcher: Searcher, field: str, words: tuple[str, ...]) -> np.ndarray:
        """Docnums (ascending) whose ``field`` has ``words`` at consecutive positions."""
        def compute() -> np.ndarray:
            # Positions are read only for the documents that have every word.
            having = frozenset.intersection(*(self.docs(searcher, field, w) for w in words))
            if not having:
                return NONE
            found = None
            for word in dict.fromkeys(words):
                places = _places(searcher, field, word, having)
                for shift in [k for k, w in enumerate(words) if w == word]:
                    shifted = places - shift
                    found = shifted if found is None else np.intersect1d(
                        found, shifted, assume_unique=True)
                if not len(found):
                    return NONE
            docnums = found // STRIDE  # ascending, a document once per occurrence
            return docnums[np.concatenate(([True], docnums[1:] != docnums[:-1]))]
        return self._phrases.get((field, words), compute)


def _read(searcher: Searcher, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, weights) of a term, from every segment of the index.

    Deleted documents are included: searches keep only public (undeleted) ones."""
    ids: list[int] = []
    weights: list[float] = []
    for base, block_ids, block_weights, _ in _postings(searcher, field, text, False):
        ids.extend(base + docnum for docnum in block_ids)
        weights.extend(block_weights)
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)


def _places(searcher: Searcher, field: str, text: str, having: frozenset[int]) -> np.ndarray:
    """docnum * STRIDE + position of every occurrence of a term in the ``having``
    documents, ascending."""
    docnums: list[int] = []
    counts: list[int] = []
    deltas: list[int] = []
    for base, block_ids, _, values in _postings(searcher, field, text, True):
        for docnum, value in zip(block_ids, values):
            docnum += base
            if docnum in having:
                # whoosh's Positions format: a 4-byte count, then the pickled deltas.
                found = loads(value[4:] if value.endswith(b".") else value[4:] + b".")
                docnums.append(docnum)
                counts.append(len(found))
                deltas.extend(found)
    if not deltas:
        return NONE
    # Positions restart at each posting: a running sum, less the sum before it.
    running = np.cumsum(np.array(deltas, dtype=np.int64))
    sizes = np.array(counts, dtype=np.int64)
    before = np.concatenate(([0], running))[np.cumsum(sizes) - sizes]
    return np.repeat(np.array(docnums, dtype=np.int64) * STRIDE - before, sizes) + running


def _postings(searcher: Searcher, field: str, text: str, positions: bool):
    """(docnum base, ids, weights, values) per block of a term's postings, segment by
    segment."""
    for leaf, base in searcher.reader().leaf_readers():
        if (field, text) not in leaf:
            continue
        matcher = leaf.postings(field, text)
        matcher = getattr(matcher, "child", matcher)  # whoosh's filter of deleted documents
        for block in _blocks(matcher, positions):
            yield (base, *block)


def _blocks(matcher, positions: bool):
    """(ids, weights, values) per block of postings; one posting at a time for a
    matcher that is not whoosh's on-disk block reader (short lists kept inline)."""
    if all(hasattr(matcher, name) for name in ("_read_ids", "_read_weights", "_next_block",
                                               "_atend")):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            if positions:
                matcher._read_values()
            yield (matcher._ids, matcher._weights,
                   matcher._values if positions else ())
            matcher._next_block()
        return
    ids, weights, values = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if positions:
            values.append(matcher.value())
        matcher.next()
    yield ids, weights, values
