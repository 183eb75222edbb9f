"""'Did you mean': the nearest common word for each word the index does not have."""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path

from whoosh.support.levenshtein import damerau_levenshtein

from .analysis import TOKEN, fold
from .query import Parsed, parse

MIN_LENGTH = 3
MAX_WORDS = 6


class Vocabulary:
    """Unstemmed words of one index generation and how many documents have each."""

    def __init__(self, counts: Mapping[str, int]):
        self.counts = counts
        # Most misspellings keep the first letter; looking only there keeps this fast.
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for word in counts:
            self._by_initial[word[0]].append(word)

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        try:
            with open(path, encoding="utf-8") as handle:
                return cls(json.load(handle))
        except (OSError, ValueError):
            return cls({})

    def nearest(self, word: str) -> str | None:
        """The most common word within one edit (two for longer words), else None."""
        limit = 1 if len(word) <= 4 else 2
        best = None
        for candidate in self._by_initial.get(word[0], ()):
            if abs(len(candidate) - len(word)) > limit or candidate == word:
                continue
            distance = damerau_levenshtein(word, candidate, limit)
            if distance <= limit:
                key = (distance, -self.counts[candidate], candidate)
                best = min(best, key) if best else key
        return best[2] if best else None

    def suggest(self, parsed: Parsed, found: int, count: Callable[[Parsed], int]) -> str | None:
        """The query with unknown words replaced, if that finds more than ``found``."""
        fixes: dict[str, str] = {}
        for match in TOKEN.finditer(parsed.text):
            word = match.group("word")
            if word is None:
                continue
            word = fold(word)
            if (len(fixes) == MAX_WORDS or len(word) < MIN_LENGTH or not word.isalpha()
                    or word in fixes or word in self.counts):
                continue
            best = self.nearest(word)
            if best:
                fixes[word] = best
        if not fixes:
            return None
        text = TOKEN.sub(lambda m: fixes.get(fold(m.group()), m.group()), parsed.text)
        corrected = parse(text)
        return text if corrected.clauses and count(corrected) > found else None
