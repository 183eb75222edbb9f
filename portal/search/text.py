"""Plain text out of rendered HTML, and highlighted snippets out of plain text."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from html.parser import HTMLParser

from .analysis import CJK_RUN, WORD, WORD_CHAR, is_cjk, term_of

BLOCKS = frozenset("p div li ul ol h1 h2 h3 h4 h5 h6 tr td th table blockquote pre br hr "
                   "dt dd dl section aside figcaption caption summary details".split())
SPACE = re.compile(r"[ \t\r\f\v]+")
LINES = re.compile(r"\s*\n\s*")
# Snippets are a phone screen's worth of text; CJK characters count double.
SNIPPET_WIDTH = 200
# Matching scans only the beginning of a very long text: it keeps a snippet cheap.
SCAN_LIMIT = 20_000

Snippet = tuple[tuple[str, bool], ...]  # (text, is_match) runs, escaped by the template


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append("\n")
        if tag in ("sup", "script", "style"):  # footnote markers and never-text
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("sup", "script", "style") and self.skip:
            self.skip -= 1
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def plain_text(html: str) -> str:
    """The readable text of sanitised HTML, one line per block."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    text = SPACE.sub(" ", "".join(parser.parts).replace("\u21a9", ""))
    return LINES.sub("\n", text).strip()


_LINE_BREAK = re.compile(r"(.)?\n")


def one_line(text: str) -> str:
    """Lines run together for a snippet, each still a unit: a heading does not run
    into the next sentence ("…during the shaking · Trying to run out…")."""
    def join(match: re.Match) -> str:
        before = match.group(1) or ""
        if not before:
            return " "
        if before in "。！？；：，、…）」』":
            return before
        if before in ".!?;:,)":
            return before + " "
        return before + " · "
    return _LINE_BREAK.sub(join, text)


def snippet(text: str, wanted: frozenset[str], width: int = SNIPPET_WIDTH) -> Snippet:
    """The window of ``text`` with the most distinct wanted terms, matches marked.

    Empty when no wanted term occurs: the caller falls back to the summary.
    """
    scan = text[:SCAN_LIMIT]
    matches = _matches(scan, wanted)
    if not matches:
        return ()
    best_i, best_score = 0, -1
    for i, (start, _, _) in enumerate(matches):
        seen = set()
        for other_start, other_end, term in matches[i:]:
            if _width(scan, start, other_end) > width:
                break
            seen.add(term)
        if len(seen) > best_score:
            best_i, best_score = i, len(seen)
    begin = _window_start(scan, matches[best_i][0], width)
    end = _window_end(scan, begin, width)
    runs: list[tuple[str, bool]] = []
    if begin > 0:
        runs.append(("… ", False))
    cursor = begin
    for start, stop, _ in matches:
        if stop <= cursor or start >= end:
            continue
        start = max(start, cursor)
        stop = min(stop, end)
        if start > cursor:
            runs.append((scan[cursor:start], False))
        if runs and runs[-1][1] and start == cursor:
            runs[-1] = (runs[-1][0] + scan[start:stop], True)  # overlapping bigrams merge
        else:
            runs.append((scan[start:stop], True))
        cursor = stop
    if cursor < end:
        runs.append((scan[cursor:end], False))
    if end < len(text):
        runs.append((" …", False))
    return tuple((one_line(t), hit) for t, hit in runs)


def _matches(text: str, wanted: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of every wanted term in ``text``, in the order of its tokens.

    What ``spans`` would find, without analysing every token: each distinct word
    of the text is looked at once, and only the places where a wanted word or
    CJK term stands are visited."""
    found: list[tuple[int, int, int, int, str]] = []  # (token place, part, start, end, term)
    candidates = _candidates(frozenset(wanted))
    if candidates is not None and unicodedata.is_normalized("NFKC", text) \
            and text.lower() == text.casefold():
        # Folding changes nothing here but case: only the words that begin as a wanted
        # stem does can stand for it, and one regular expression finds them all.
        for match in candidates.finditer(text):
            at = match.start()
            if at and WORD_CHAR.match(text, at - 1):
                continue  # inside a word
            word = WORD.match(text, at).group()
            term = term_of(word)
            if term in wanted:
                found.append((at, 0, at, at + len(word), term))
    else:
        for word in set(WORD.findall(text)):
            term = term_of(word)
            if term not in wanted:
                continue
            size = len(word)
            at = text.find(word)
            while at != -1:  # only where it is a whole token, not part of a longer word
                if (at == 0 or not WORD_CHAR.match(text, at - 1)) \
                        and not WORD_CHAR.match(text, at + size):
                    found.append((at, 0, at, at + size, term))
                at = text.find(word, at + 1)
    cjk = [term for term in wanted if is_cjk(term)]
    if cjk:
        singles = {term for term in cjk if len(term) == 1}
        places: set[int] = set()
        for term in cjk:
            at = text.find(term)
            while at != -1:
                places.add(at)
                if len(term) == 1:
                    places.add(at - 1)  # the bigram it ends
                at = text.find(term, at + 1)
        for at in places:
            if at < 0 or not CJK_RUN.match(text, at):
                continue
            if not CJK_RUN.match(text, at + 1):
                if at == 0 or not CJK_RUN.match(text, at - 1):  # a lone character
                    if text[at] in wanted:
                        found.append((at, 0, at, at + 1, text[at]))
                continue
            bigram = text[at:at + 2]
            if bigram in wanted:
                found.append((at, 0, at, at + 2, bigram))
            elif singles:  # a lone character searched for inside a bigram
                for offset, char in enumerate(bigram):
                    if char in singles:
                        found.append((at, offset, at + offset, at + offset + 1, char))
    found.sort()
    return [(start, end, term) for _, _, start, end, term in found]


# CJK and other wide characters: a snippet counts them double.
WIDE = re.compile("[\u2e80-\U0010ffff]")


@lru_cache(maxsize=1024)
def _candidates(wanted: frozenset[str]) -> re.Pattern | None:
    """The beginnings of the wanted alphabetic terms, less their last two letters (a
    stem keeps a word's beginning; Porter changes only its end: happy -> happi,
    hoping -> hope), in any case; None when no term is alphabetic."""
    prefixes = sorted({term[:max(2, len(term) - 2)] for term in wanted
                       if term and not is_cjk(term)}, key=len, reverse=True)
    if not prefixes:
        return None
    return re.compile("|".join(map(re.escape, prefixes)), re.IGNORECASE)


def _width(text: str, start: int, end: int) -> int:
    return end - start + len(WIDE.findall(text, start, end))


def _window_start(text: str, first_match: int, width: int) -> int:
    """A little context before the first match, starting at a word or line boundary."""
    begin = first_match
    budget = width // 5
    while begin > 0 and budget > 0 and text[begin - 1] != "\n":
        begin -= 1
        budget -= 2 if ord(text[begin]) > 0x2e7f else 1
    if begin > 0 and text[begin - 1] not in " \n" and text[begin].isascii():
        space = text.find(" ", begin, first_match)
        begin = space + 1 if space != -1 else begin
    return begin


def _window_end(text: str, begin: int, width: int) -> int:
    end, budget = begin, width
    if text.isascii():
        end = min(len(text), begin + width)
        budget = 0
    while end < len(text) and budget > 0:
        budget -= 2 if ord(text[end]) > 0x2e7f else 1
        end += 1
    if end < len(text) and text[end].isascii() and text[end - 1].isascii():
        space = text.rfind(" ", begin, end)
        end = space if space > begin else end
    return end


def leading(text: str, width: int = SNIPPET_WIDTH) -> Snippet:
    """The beginning of ``text`` as an unhighlighted snippet."""
    if not text:
        return ()
    end = _window_end(text, 0, width)
    return ((one_line(text[:end]) + (" …" if end < len(text) else ""), False),)
