"""From what a person typed to a bounded whoosh query.

The syntax is deliberately small: words, and "quoted phrases". Everything else
(operators, field names, wildcards, fuzzy and regex terms, brackets) is plain
text, because those features are where a query can cost seconds. Length,
clauses and terms are capped, so the worst query costs about what a long
ordinary one does.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from whoosh import query as Q

from .analysis import is_cjk, terms

MAX_CHARS = 200
MAX_CLAUSES = 10
MAX_TERMS = 24
# Lone CJK characters looked up per query; each stands for several terms.
MAX_SINGLES = 4
# Where a word counts most; summary includes a rumour's claim.
BOOSTS = {"title": 4.0, "keywords": 2.0, "summary": 2.0, "body": 1.0}

# Controls, format characters (zero-width, bidi overrides), surrogates and private use.
UNWANTED = frozenset(("Cc", "Cf", "Cs", "Co", "Cn"))
QUOTES = str.maketrans({ch: '"' for ch in "“”„‟«»「」『』＂〝〞"})
PART = re.compile(r'"([^"]*)"?|([^\s"]+)')
Expand = Callable[[str, str], Sequence[str]]


class Or(Q.Or):
    """whoosh's Or, matched by a tree of union matchers at every index size: below
    5,000 documents whoosh would read and score every posting of every term before
    the first match, which cost more than all the rest of a search."""
    matcher_type = Q.Or.DEFAULT_MATCHER


@dataclass(frozen=True)
class Clause:
    text: str
    terms: tuple[str, ...]
    phrase: bool
    # For a lone CJK character typed between CJK words ("切勿 在 流动"): the bigrams
    # it forms with them, which text written without spaces contains (勿在, 在流).
    joins: tuple[str, ...] = ()


@dataclass(frozen=True)
class Parsed:
    text: str  # the query as understood: cleaned, shortened
    clauses: tuple[Clause, ...]
    shortened: bool

    @property
    def key(self) -> tuple:
        return tuple((c.terms, c.phrase, c.joins) for c in self.clauses)

    def wanted(self) -> frozenset[str]:
        """Every term, for highlighting."""
        return frozenset(t for c in self.clauses for t in (*c.terms, *c.joins))


def clean(text: str) -> str:
    """Whitespace collapsed, invisible and control characters gone; at most twice
    MAX_CHARS long, so that cleaning a huge query string costs little."""
    text = unicodedata.normalize("NFC", " ".join(text.split())[:MAX_CHARS * 2])
    text = "".join(" " if unicodedata.category(ch) in UNWANTED else ch for ch in text)
    return " ".join(text.split())


def parse(text: str) -> Parsed:
    raw = clean(text)
    shortened = len(raw) > MAX_CHARS
    raw = raw[:MAX_CHARS]
    clauses: list[Clause] = []
    budget, singles = MAX_TERMS, MAX_SINGLES
    parts = [(match.group(1) is not None, " ".join((match.group(1) or match.group(2) or "")
                                                   .split()))
             for match in PART.finditer(raw.translate(QUOTES))]
    for n, (phrase, part) in enumerate(parts):
        found = tuple(terms(part))
        if any(is_single(t) for t in found):
            kept = []
            for term in found:
                if is_single(term):
                    if singles == 0:
                        continue
                    singles -= 1
                kept.append(term)
            shortened = shortened or len(kept) < len(found)
            found = tuple(kept)
        if not found:
            continue
        if len(clauses) == MAX_CLAUSES or budget <= 0:
            shortened = True
            break
        if len(found) > budget:
            found, shortened = found[:budget], True
        budget -= len(found)
        joins = _joins(part, parts[n - 1][1] if n else "",
                       parts[n + 1][1] if n + 1 < len(parts) else "")
        clauses.append(Clause(part, found, phrase and len(found) > 1, joins))
    return Parsed(raw, tuple(clauses), shortened)


def _joins(part: str, before: str, after: str) -> tuple[str, ...]:
    if not is_single(part):
        return ()
    joined = []
    if before and is_cjk(before[-1]):
        joined.append(before[-1] + part)
    if after and is_cjk(after[0]):
        joined.append(part + after[0])
    return tuple(joined)


def to_query(parsed: Parsed, require_all: bool = True, expand: Expand | None = None,
             phrases_checked: bool = False) -> Q.Query:
    """``expand(field, char)``: the indexed terms a lone CJK character stands for.

    ``phrases_checked``: only documents already known to contain the quoted
    phrases will be scored, so their words need not be checked for adjacency again.
    """
    built = [_clause(clause, expand or _itself, phrases_checked) for clause in parsed.clauses]
    if len(built) == 1:
        return built[0]
    return Q.And(built) if require_all else Or(built)


def is_single(term: str) -> bool:
    return len(term) == 1 and is_cjk(term)


def _itself(field: str, char: str) -> tuple[str, ...]:
    return (char,)


def _clause(clause: Clause, expand: Expand, phrases_checked: bool) -> Q.Query:
    # A lone CJK character is not a bigram: it stands for the bigrams it starts.
    singles = [t for t in clause.terms if is_single(t)]
    rest = [t for t in clause.terms if not is_single(t)]
    parts: list[Q.Query] = []
    if rest:
        mode = ("all" if phrases_checked else "phrase") if clause.phrase else "all+phrase"
        parts.append(Or([_in_field(field, rest, mode, boost)
                         for field, boost in BOOSTS.items()]))
    for char in dict.fromkeys(singles):
        parts.append(Or([Or([Q.Term(field, t) for t in single_terms(clause, field, char,
                                                                     expand)], boost=boost)
                         for field, boost in BOOSTS.items()]))
    return parts[0] if len(parts) == 1 else Q.And(parts)


def single_terms(clause: Clause, field: str, char: str, expand: Expand) -> tuple[str, ...]:
    """What a lone CJK character matches: the bigrams it forms with its neighbours in
    the query, and the commonest it starts in the index."""
    return tuple(dict.fromkeys((*clause.joins, *expand(field, char))))


def _in_field(field: str, words: list[str], mode: str, boost: float) -> Q.Query:
    if len(words) == 1:
        return Q.Term(field, words[0], boost=boost)
    if mode == "phrase":
        return Q.Phrase(field, words, boost=boost)
    every = Q.And([Q.Term(field, w) for w in dict.fromkeys(words)], boost=boost)
    if mode == "all" or field != "title":
        return every
    # An unquoted run of several terms is a CJK word or words run together: all must
    # occur, and the exact sequence in a title ranks higher. (Checking the sequence
    # in bodies too doubled the time of such searches for little change in order.)
    return Q.AndMaybe(every, Q.Phrase(field, words, boost=boost))
