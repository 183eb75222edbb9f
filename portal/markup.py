"""Markdown to safe HTML, done once per file at load time.

A body may draw nothing the site draws itself: only the classes the Markdown
extensions emit survive, every id gets the prefix ``c-`` (so no heading can
take the id of the page's own landmarks) and same-page links follow it, images
come from this site or from hosts the caller allows, and no character that XML
forbids gets through to the feeds. What the sanitiser takes away is reported
in :attr:`Rendered.problems` with its line, for ``portal check``.

Python-Markdown recurses once per level of nesting and has loops quadratic in
runs of brackets, so one bad file can raise RecursionError or keep a worker
busy for minutes. Conversion therefore runs under a deadline (see
:mod:`portal.deadline`: a watchdog thread raises an exception inside the
rendering thread when the time is up), every failure becomes a MarkupError
with a message for the official, and a converter stopped half-way is thrown
away, never reused. The deadline costs about 6 µs a file, under 0.1 % of
rendering a 3.4 KB guide (``python -m bench markup``). It cannot stop one long
call into C, so the one quadratic regular expression found (footnote
references) is replaced by a linear one. A child process per rendering thread
would stop those too, but costs a process of 25 MB or more per thread on a
small machine and a round trip per file; the deadline is the better trade.
"""
from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass

import lxml.html
import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from . import deadline
from .content.model import TocEntry
from .markup_policy import ID_PREFIX, Policy, strip_forbidden

__all__ = ["ID_PREFIX", "MarkupError", "Rendered", "link_phones", "render"]


class MarkupError(ValueError):
    """The body could not be rendered; the message says why, for the official."""


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[TocEntry, ...]
    # (line within the Markdown text, message): what publishing will change.
    problems: tuple[tuple[int, str], ...] = ()


class _DemoteH1(Treeprocessor):
    """The page title is the only h1; a `#` heading in a body becomes h2."""

    def run(self, root):
        for element in root.iter("h1"):
            element.tag = "h2"


class _DemoteH1Extension(Extension):
    def extendMarkdown(self, md):
        # Before toc (priority 5) so the contents list sees the final levels.
        md.treeprocessors.register(_DemoteH1(md), "demote_h1", 30)


# Python-Markdown's `\[\^([^\]]*)\]` scans to the end of the paragraph from
# every `[^`: quadratic, inside one regular-expression call that no deadline
# can interrupt. A label cannot hold brackets here, which makes it linear.
_FOOTNOTE_REF = r"\[\^([^\[\]\n]*)\]"


def _converter(backlink_title: str) -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=[_DemoteH1Extension(), "toc", "tables", "attr_list", "admonition",
                    "footnotes", "sane_lists"],
        extension_configs={
            # No [TOC] marker: the page draws its own contents list.
            "toc": {"slugify": slugify_unicode, "toc_depth": "2-3", "marker": ""},
            "tables": {"use_align_attribute": True},
            "footnotes": {"BACKLINK_TITLE": backlink_title},
        },
        output_format="html",
    )
    footnote = md.inlinePatterns["footnote"]
    md.inlinePatterns.register(type(footnote)(_FOOTNOTE_REF, footnote.footnotes), "footnote", 175)
    return md


# Building a converter costs as much as a short document: keep one per thread
# and footnote wording, reset between documents.
_local = threading.local()


def render(text: str, backlink_title: str = "Back to footnote {} in the text", *,
           image_hosts: frozenset[str] = frozenset(), timeout: float | None = 1.0) -> Rendered:
    """Render a body; MarkupError when it cannot be done within `timeout` seconds."""
    text = strip_forbidden(text)
    converters = _local.__dict__.setdefault("converters", {})
    # Out of the cache while in use: a converter that fails half-way is dropped.
    md = converters.pop(backlink_title, None) or _converter(backlink_title)
    policy = Policy(text, image_hosts)
    try:
        body, tokens = deadline.call(lambda: _convert(md, text, policy), timeout)
    except deadline.DeadlineExceeded:
        raise MarkupError(f"the text could not be rendered within {timeout:g} s; it may contain "
                          "deeply nested lists or long runs of brackets or asterisks") from None
    except RecursionError:
        raise MarkupError("the text is nested too deeply to render: lists, quotes or emphasis "
                          "inside one another, or long runs of asterisks") from None
    except Exception as exc:
        raise MarkupError(f"the text could not be rendered ({type(exc).__name__}: {exc})") from exc
    md.reset()
    converters[backlink_title] = md
    return Rendered(policy.clean(body), tuple(_flatten(tokens)), policy.report())


def _convert(md: markdown.Markdown, text: str, policy: Policy):
    body = md.convert(text)
    policy.survey(body)
    return body, md.toc_tokens


def _flatten(tokens):
    for token in tokens:
        yield TocEntry(token["level"], strip_forbidden(ID_PREFIX + token["id"]),
                       strip_forbidden(html.unescape(token["name"])))
        yield from _flatten(token["children"])



# Where a number is not to become a link: inside a link already, code, and headings
# (a contents list repeats their text).
_NO_LINKS = {"a", "code", "pre", "kbd", "samp", "h1", "h2", "h3", "h4", "h5", "h6"}


def link_phones(body: str, numbers: frozenset[str]) -> str:
    """``body`` (sanitised HTML) with each of ``numbers`` in its text a ``tel:`` link:
    "call 120" in a guide is one tap on a phone. Only numbers the site knows
    (hotlines, duty phones), only whole numbers, never inside a link or code."""
    numbers = {n for n in numbers if n.isdigit()}
    if not body or not numbers or not any(n in body for n in numbers):
        return body
    pattern = re.compile(r"(?<![\d.+-])(" + "|".join(sorted(map(re.escape, numbers), key=len,
                                                             reverse=True)) + r")(?![\d])")
    fragment = lxml.html.fragment_fromstring(body, create_parent="div")

    def linked(text: str, parent, before) -> str | None:
        """Split ``text`` at the numbers; the links go after ``before`` (or first in
        ``parent``). Returns what stays as text before the first link."""
        pieces = pattern.split(text)
        if len(pieces) == 1:
            return text
        position = 0 if before is None else parent.index(before) + 1
        for number, tail in zip(pieces[1::2], pieces[2::2]):
            link = lxml.html.Element("a", href=f"tel:{number}")
            link.text, link.tail = number, tail
            parent.insert(position, link)
            position += 1
        return pieces[0]

    def walk(element) -> None:
        if element.tag in _NO_LINKS:
            return
        children = list(element)
        if element.text:
            element.text = linked(element.text, element, None)
        for child in children:
            walk(child)
            if child.tail:
                child.tail = linked(child.tail, element, child)

    walk(fragment)
    inner = html.escape(fragment.text, quote=False) if fragment.text else ""
    return inner + "".join(lxml.html.tostring(child, encoding="unicode") for child in fragment)
