"""'Did you mean': nearest indexed words for words the index does not have."""
from __future__ import annotations

from whoosh.searching import Searcher
from whoosh.support.levenshtein import damerau_levenshtein

from .analysis import TOKEN, fold
from .query import Parsed, parse, to_query

FIELD = "spell"
MIN_LENGTH = 3
MAX_WORDS = 6


def suggest(searcher: Searcher, parsed: Parsed, found: int,
            allowed: frozenset[int]) -> str | None:
    """The query with misspelt words replaced, if that finds more than ``found``."""
    reader = searcher.reader()
    fixes: dict[str, str] = {}
    for match in TOKEN.finditer(parsed.text):
        word = match.group("word")
        if word is None:
            continue
        word = fold(word)
        if (len(fixes) == MAX_WORDS or len(word) < MIN_LENGTH or not word.isalpha()
                or word in fixes or reader.doc_frequency(FIELD, word)):
            continue
        best = _nearest(reader, word)
        if best:
            fixes[word] = best
    if not fixes:
        return None
    text = TOKEN.sub(lambda m: fixes.get(fold(m.group()), m.group()), parsed.text)
    corrected = parse(text)
    if not corrected.clauses:
        return None
    docs = searcher.docs_for_query(to_query(corrected))
    count = sum(1 for docnum in docs if docnum in allowed)
    return text if count > found else None


def _nearest(reader, word: str) -> str | None:
    # One edit for short words, two for longer; the first letter is rarely the typo,
    # and requiring it keeps the lookup to a small slice of the vocabulary.
    limit = 1 if len(word) <= 4 else 2
    scored = []
    for candidate in reader.terms_within(FIELD, word, limit, prefix=1):
        if candidate == word:
            continue
        distance = damerau_levenshtein(word, candidate, limit)
        scored.append((distance, -reader.doc_frequency(FIELD, candidate), candidate))
    return min(scored)[2] if scored else None

