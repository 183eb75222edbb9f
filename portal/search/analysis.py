"""Text analysis shared by indexing, querying and snippets.

Words in alphabetic scripts are case-folded, stop-listed and stemmed (English
Porter), so "flooding" finds "flood". Runs of CJK characters become
overlapping bigrams at consecutive positions: "洪水来临" -> 洪水 水来 来临.
Bigrams need no dictionary, match words however a reader segments them, and
keep phrase queries exact, because a phrase is the same bigrams at
consecutive positions. A lone CJK character is kept as a unigram.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh import formats
from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter import stem

# Han (with extension A and compatibility ideographs), kana, Hangul, bopomofo.
CJK_CHARS = "\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
TOKEN = re.compile(rf"(?P<cjk>[{CJK_CHARS}]+)|(?P<word>[^\W_{CJK_CHARS}]+)")
CJK_RUN = re.compile(rf"[{CJK_CHARS}]")
# The word tokens of TOKEN alone, and one character of one.
WORD = re.compile(rf"[^\W_{CJK_CHARS}]+")
WORD_CHAR = re.compile(rf"[^\W_{CJK_CHARS}]")
STOP_WORDS = frozenset(
    "a an and are as at be by for from has have he if in is it its of on or she so "
    "than that the their then there these they this to was we were which who will with "
    "you your".split())
# Longer "words" are noise (hashes, URLs run together) and slow to stem.
MAX_WORD = 40


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    # Three letters or fewer are mostly acronyms and short words Porter mangles
    # (AED -> a, gas -> ga).
    return stem(word) if len(word) > 3 and word.isascii() else word


@lru_cache(maxsize=100_000)
def term_of(word: str) -> str | None:
    """The term a word as written stands for: folded and stemmed; None for a stop
    word or noise."""
    folded = fold(word)
    if folded in STOP_WORDS or len(folded) > MAX_WORD:
        return None
    return _stem(folded)


def fold(text: str) -> str:
    # NFKC makes full-width Latin and digits typed on CJK keyboards ordinary.
    return unicodedata.normalize("NFKC", text).casefold() if not text.isascii() \
        else text.lower()


def is_cjk(text: str) -> bool:
    return bool(CJK_RUN.match(text))


class MixedTokenizer(Tokenizer):
    """One pass over mixed English and CJK text, producing whoosh tokens."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for start, end, text in spans(value):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            pos += 1
            yield token


def spans(text: str, morph: bool = True) -> Iterator[tuple[int, int, str]]:
    """(start, end, term) for each term of ``text``, in order.

    ``morph=False``: words as written (case-folded), no stems, no CJK.
    """
    for match in TOKEN.finditer(text):
        run = match.group("cjk")
        if run is not None:
            if not morph:
                continue
            start = match.start()
            if len(run) == 1:
                yield start, start + 1, run
            else:
                for i in range(len(run) - 1):
                    yield start + i, start + i + 2, run[i:i + 2]
            continue
        if morph:
            term = term_of(match.group())
            if term is not None:
                yield match.start(), match.end(), term
            continue
        word = fold(match.group())
        if word in STOP_WORDS or len(word) > MAX_WORD:
            continue
        yield match.start(), match.end(), word


def terms(text: str) -> list[str]:
    return [term for _, _, term in spans(text)]


def words(text: str) -> list[str]:
    """Unstemmed alphabetic words, for spelling suggestions."""
    return [word for word in map(_plain, WORD.findall(text)) if word is not None]


def distinct_words(text: str) -> set[str]:
    """The set of ``words(text)``."""
    found = set(map(_plain, set(WORD.findall(text))))
    found.discard(None)
    return found


@lru_cache(maxsize=100_000)
def _plain(word: str) -> str | None:
    """A word as ``words`` counts it: case-folded; None for a stop word, noise or a
    word with digits."""
    folded = fold(word)
    if folded in STOP_WORDS or len(folded) > MAX_WORD or not folded.isalpha():
        return None
    return folded


def analyzer() -> MixedTokenizer:
    return MixedTokenizer()


class Positions(formats.Positions):
    """whoosh's positional postings of a text field, from ``terms`` directly: the
    same postings as the tokenizer gives, without a whoosh Token per term."""

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(analyzer, MixedTokenizer) or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        places: dict[str, list[int]] = {}
        for position, term in enumerate(terms(value)):
            found = places.get(term)
            if found is None:
                places[term] = [position]
            else:
                found.append(position)
        boost = self.field_boost
        once = _ONCE
        for term, found in places.items():
            if len(found) == 1:  # most terms of a document: one encoding per position
                position = found[0]
                encoded = once.get(position)
                if encoded is None:
                    encoded = self.encode(found)
                    if position < 4096:
                        once[position] = encoded
                yield term, 1, boost, encoded
            else:
                yield term, len(found), float(len(found)) * boost, self.encode(found)


# Encodings of a term's single position (whoosh's Positions encoding of [p]).
_ONCE: dict[int, bytes] = {}
