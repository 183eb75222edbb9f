"""Markdown to safe HTML, done once per file at load time."""
from __future__ import annotations

import html
import threading
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from .content.model import TocEntry

# What the enabled extensions emit, and nothing else. No `style`: strict CSP
# would block it, so tables use the `align` attribute instead.
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
}
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[TocEntry, ...]


class _DemoteH1(Treeprocessor):
    """The page title is the only h1; a `#` heading in a body becomes h2."""

    def run(self, root):
        for element in root.iter("h1"):
            element.tag = "h2"


class _DemoteH1Extension(Extension):
    def extendMarkdown(self, md):
        # Before toc (priority 5) so the contents list sees the final levels.
        md.treeprocessors.register(_DemoteH1(md), "demote_h1", 30)


def _converter(backlink_title: str) -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[_DemoteH1Extension(), "toc", "tables", "attr_list", "admonition",
                    "footnotes", "sane_lists"],
        extension_configs={
            "toc": {"slugify": slugify_unicode, "toc_depth": "2-3"},
            "tables": {"use_align_attribute": True},
            "footnotes": {"BACKLINK_TITLE": backlink_title},
        },
        output_format="html",
    )


def sanitise(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_converters: dict[tuple[int, str], markdown.Markdown] = {}


def render(text: str, backlink_title: str = "Back to footnote {} in the text") -> Rendered:
    # Building a converter costs as much as a short document; keep one per thread
    # and footnote wording, and reset it between documents.
    key = (threading.get_ident(), backlink_title)
    md = _converters.get(key)
    if md is None:
        md = _converters[key] = _converter(backlink_title)
    try:
        body = sanitise(md.convert(text))
        return Rendered(body, tuple(_flatten(md.toc_tokens)))
    finally:
        md.reset()


def _flatten(tokens):
    for token in tokens:
        yield TocEntry(token["level"], token["id"], html.unescape(token["name"]))
        yield from _flatten(token["children"])
