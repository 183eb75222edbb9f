"""Atom 1.0 and RSS 2.0 feeds, built with feedgen.

No web framework and no kind of content here: a kind turns its items into
:class:`Entry` values, the caller passes them, and gets bytes back to keep in
memory.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
import dataclasses
import json
import re
from dataclasses import dataclass
from html import escape
from urllib.parse import urljoin, urlsplit

import lxml.html
from feedgen.feed import FeedGenerator
from lxml import etree


# A feed with nothing in it still needs a stable `updated`; never "now".
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
CATEGORY_SCHEME = "{base}/categories/{kind}"
ATOM = "http://www.w3.org/2005/Atom"
HISTORY = "http://purl.org/syndication/history/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class FeedSpec:
    lang: str
    title: str
    subtitle: str
    self_url: str  # this feed's own URL, without the .atom/.rss extension
    page_url: str  # the HTML page listing the same entries
    base_url: str
    hub_url: str | None = None
    entry_link_type: str = "text/html"
    # RFC 5005: (rel, href) pairs such as prev-archive, next-archive, current;
    # ``archive`` marks a fixed archive document rather than a subscription feed.
    links: tuple[tuple[str, str], ...] = ()
    archive: bool = False


@dataclass(frozen=True)
class Entry:
    """One feed entry, as the kind of its item describes it."""
    id: str  # stable: editing the text never changes it
    title: str
    url: str
    published: dt.datetime
    updated: dt.datetime
    author: str
    summary: str  # plain text
    content: str  # sanitised HTML, led by the facts a republisher must not drop
    categories: tuple[tuple[str, str, str], ...] = ()  # (scheme kind, term, label)
    # The language the entry is written in, when it differs from the feed's (an English
    # item standing in for a missing translation): marked on the entry.
    lang: str | None = None


@dataclass(frozen=True)
class Built:
    atom: bytes
    rss: bytes
    updated: dt.datetime
    json: bytes = b""  # JSON Feed 1.1

    def etag(self, fmt: str) -> str:
        return hashlib.sha256(getattr(self, fmt)).hexdigest()[:32]


FORMATS = ("atom", "rss", "json")
MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml",
               "json": "application/feed+json"}


def tag_id(base_url: str, day: dt.date, path: str) -> str:
    """A tag URI fixed by host, first publication date and path (RFC 4151)."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"tag:{host},{day.isoformat()}:{path}"


def build(spec: FeedSpec, entries: Sequence[Entry], office: str) -> Built:
    """``entries`` newest first.

    The bytes depend on nothing else, so a feed whose entries a publication did not
    change (the feed of another type or hazard) is the one already built: after a
    publication only the feeds it is in are written again, not all forty."""
    return _build(spec, tuple(entries), office)


@functools.lru_cache(maxsize=64)
def _build(spec: FeedSpec, entries: tuple[Entry, ...], office: str) -> Built:
    updated = max((e.updated for e in entries), default=EPOCH)
    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)
    feed.id(f"{spec.self_url}.atom")
    feed.title(spec.title)
    feed.subtitle(spec.subtitle)
    feed.description(spec.subtitle)
    feed.author({"name": office, "uri": spec.base_url})
    feed.language(spec.lang)
    feed.updated(updated)
    feed.lastBuildDate(updated)
    feed.generator("crisis-portal")
    feed.link(href=spec.page_url, rel="alternate", type="text/html")
    entries = [dataclasses.replace(e, content=absolute_links(e.content, e.url)) for e in entries]
    for entry in entries:
        _add_entry(feed, spec, entry)

    feed.link(href=f"{spec.self_url}.atom", rel="self", type="application/atom+xml")
    atom = _finish_atom(feed.atom_str(pretty=False, encoding="UTF-8"), spec, entries)
    feed.link(href=f"{spec.self_url}.rss", rel="self", type="application/rss+xml", replace=True)
    feed.link(href=spec.page_url, rel="alternate", type="text/html")  # RSS <link>: the page
    rss = _finish_rss(feed.rss_str(pretty=False, encoding="UTF-8"), spec)
    return Built(atom, rss, updated, json_feed(spec, entries, office))


@functools.lru_cache(maxsize=512)
def absolute_links(content: str, page_url: str) -> str:
    """``content`` with every link and image address made absolute against the page it
    is shown on: feed readers and republishers show entries away from this site, where
    /en/guides/... (or #section) leads nowhere. Kept for the entries of the last few
    feeds built: after a publication the feeds are built again with one new entry."""
    if not content or not re.search(r"""(?:href|src)\s*=\s*["']?(?![a-z][a-z0-9+.-]*:)""",
                                    content, re.I):
        return content
    fragment = lxml.html.fragment_fromstring(content, create_parent="div")
    for element in fragment.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is not None:
                element.set(attribute, urljoin(page_url, value.strip()))
    inner = (fragment.text and escape(fragment.text, quote=False)) or ""
    return inner + "".join(lxml.html.tostring(child, encoding="unicode") for child in fragment)


def json_feed(spec: FeedSpec, entries: Sequence[Entry], office: str) -> bytes:
    """The same feed as JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    items = []
    for entry in entries:
        item = {
            "id": entry.id, "url": entry.url, "title": entry.title,
            "content_html": entry.content, "summary": entry.summary,
            "date_published": entry.published.isoformat(),
            "date_modified": entry.updated.isoformat(),
            "authors": [{"name": entry.author}],
        }
        if entry.categories:
            item["tags"] = list(dict.fromkeys(label for _, _, label in entry.categories))
        if entry.lang and entry.lang != spec.lang:
            item["language"] = entry.lang
        items.append(item)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": spec.title, "description": spec.subtitle,
        "home_page_url": spec.page_url, "feed_url": f"{spec.self_url}.json",
        "language": spec.lang, "authors": [{"name": office, "url": spec.base_url}],
        "items": items,
    }
    if spec.hub_url:
        document["hubs"] = [{"type": "WebSub", "url": spec.hub_url}]
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def paginate(entries: Sequence, size: int) -> tuple[list, int]:
    """The subscription feed's entries (the newest ``size``) and how many complete
    archive pages exist. Page 1 holds the oldest ``size`` entries, so a page never
    changes once complete."""
    archives = len(entries) // size if len(entries) > size else 0
    return list(entries[:size]), archives


def archive_page(entries: Sequence, size: int, page: int) -> list:
    """Entries of archive ``page`` (1 = oldest), newest first."""
    oldest_first = list(entries)[::-1]
    return oldest_first[(page - 1) * size: page * size][::-1]


def _extra_links(spec: FeedSpec) -> list[tuple[str, str]]:
    return ([("hub", spec.hub_url)] if spec.hub_url else []) + list(spec.links)


def _finish_atom(atom: bytes, spec: FeedSpec, entries: Sequence[Entry]) -> bytes:
    root = etree.fromstring(atom)
    # feedgen 1.0 drops rel and type from entry links; put them back.
    for link in root.iterfind(f"{{{ATOM}}}entry/{{{ATOM}}}link"):
        link.set("rel", "alternate")
        link.set("type", spec.entry_link_type)
    for element, entry in zip(root.iterfind(f"{{{ATOM}}}entry"), entries):
        if entry.lang and entry.lang != spec.lang:
            element.set(XML_LANG, entry.lang)
    position = 1
    for rel, href in _extra_links(spec):
        root.insert(position, etree.Element(f"{{{ATOM}}}link", rel=rel, href=href))
        position += 1
    if spec.archive:
        root.insert(position, etree.Element(f"{{{HISTORY}}}archive", nsmap={"fh": HISTORY}))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _finish_rss(rss: bytes, spec: FeedSpec) -> bytes:
    root = etree.fromstring(rss)
    channel = root.find("channel")
    for rel, href in _extra_links(spec):
        channel.insert(3, etree.Element(f"{{{ATOM}}}link", rel=rel, href=href))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _add_entry(feed: FeedGenerator, spec: FeedSpec, item: Entry) -> None:
    entry = feed.add_entry(order="append")
    entry.id(item.id)
    entry.guid(item.id, permalink=False)
    entry.title(item.title)
    entry.link(href=item.url, rel="alternate", type=spec.entry_link_type)
    entry.published(item.published)
    entry.updated(item.updated)
    entry.author({"name": item.author})
    entry.dc.dc_creator(item.author)
    if item.lang and item.lang != spec.lang:
        entry.dc.dc_language(item.lang)
    # Summaries are plain text; many readers render RSS descriptions as HTML, so
    # send them as escaped HTML in both formats and markup shows as text.
    entry.summary(escape(item.summary), type="html")
    entry.content(item.content, type="html")
    for kind, term, label in item.categories:
        scheme = CATEGORY_SCHEME.format(base=spec.base_url.rstrip("/"), kind=kind)
        entry.category(term=term, scheme=scheme, label=label)
