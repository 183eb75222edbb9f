"""Atom 1.0 and RSS 2.0 feeds of disclosures, built with feedgen.

No web framework here: the caller passes the entries and a function that
gives each entry's public URL, and gets bytes back to keep in memory.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from lxml import etree

from .content.model import Disclosure, Site, localized

# A feed with nothing in it still needs a stable `updated`; never "now".
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
CATEGORY_SCHEME = "{base}/categories/{kind}"
ATOM = "http://www.w3.org/2005/Atom"
HISTORY = "http://purl.org/syndication/history/1.0"


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
class Built:
    atom: bytes
    rss: bytes
    updated: dt.datetime

    def etag(self, fmt: str) -> str:
        return hashlib.sha256(getattr(self, fmt)).hexdigest()[:32]


def entry_id(base_url: str, item: Disclosure) -> str:
    """A tag URI fixed by host, first publication date and slug: editing the title
    or the text never changes it, so readers update the entry instead of adding one."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"tag:{host},{item.published.date().isoformat()}:{item.lang}/disclosures/{item.slug}"


def build(spec: FeedSpec, entries: Sequence[Disclosure], site: Site,
          link_for: Callable[[Disclosure], str],
          labels: Callable[[str, str], str] = lambda kind, value: value) -> Built:
    """``entries`` newest first; ``labels(kind, value)`` gives a readable category name."""
    updated = max((e.modified for e in entries), default=EPOCH)
    office = localized(site.office, spec.lang)
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
    for item in entries:
        _add_entry(feed, spec, item, site, link_for(item), labels)

    feed.link(href=f"{spec.self_url}.atom", rel="self", type="application/atom+xml")
    atom = _finish_atom(feed.atom_str(pretty=False, encoding="UTF-8"), spec)
    feed.link(href=f"{spec.self_url}.rss", rel="self", type="application/rss+xml", replace=True)
    feed.link(href=spec.page_url, rel="alternate", type="text/html")  # RSS <link>: the page
    rss = _finish_rss(feed.rss_str(pretty=False, encoding="UTF-8"), spec)
    return Built(atom, rss, updated)


def paginate(entries: Sequence[Disclosure], size: int) -> tuple[list[Disclosure], int]:
    """The subscription feed's entries (the newest ``size``) and how many complete
    archive pages exist. Page 1 holds the oldest ``size`` entries, so a page never
    changes once complete."""
    archives = len(entries) // size if len(entries) > size else 0
    return list(entries[:size]), archives


def archive_page(entries: Sequence[Disclosure], size: int, page: int) -> list[Disclosure]:
    """Entries of archive ``page`` (1 = oldest), newest first."""
    oldest_first = list(entries)[::-1]
    return oldest_first[(page - 1) * size: page * size][::-1]


def _extra_links(spec: FeedSpec) -> list[tuple[str, str]]:
    return ([("hub", spec.hub_url)] if spec.hub_url else []) + list(spec.links)


def _finish_atom(atom: bytes, spec: FeedSpec) -> bytes:
    root = etree.fromstring(atom)
    # feedgen 1.0 drops rel and type from entry links; put them back.
    for link in root.iterfind(f"{{{ATOM}}}entry/{{{ATOM}}}link"):
        link.set("rel", "alternate")
        link.set("type", spec.entry_link_type)
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


def _add_entry(feed: FeedGenerator, spec: FeedSpec, item: Disclosure, site: Site, url: str,
               labels: Callable[[str, str], str]) -> None:
    entry = feed.add_entry(order="append")
    entry.id(entry_id(spec.base_url, item))
    entry.guid(entry_id(spec.base_url, item), permalink=False)
    entry.title(item.title)
    entry.link(href=url, rel="alternate", type=spec.entry_link_type)
    entry.published(item.published)
    entry.updated(item.modified)
    issuer = localized(site.issuers[item.issuer].names, spec.lang)
    entry.author({"name": issuer})
    entry.dc.dc_creator(issuer)
    # Summaries are plain text; many readers render RSS descriptions as HTML, so
    # send them as escaped HTML in both formats and markup shows as text.
    entry.summary(escape(item.summary), type="html")
    entry.content(_body(item, issuer, labels), type="html")
    for kind, value in _categories(item):
        scheme = CATEGORY_SCHEME.format(base=spec.base_url.rstrip("/"), kind=kind)
        entry.category(term=value, scheme=scheme, label=labels(kind, value))


def _categories(item: Disclosure):
    yield "type", item.type
    if item.verdict:
        yield "verdict", item.verdict
    if item.severity:
        yield "severity", item.severity
    for hazard in item.hazards:
        yield "hazard", hazard


def _body(item: Disclosure, issuer: str, labels: Callable[[str, str], str]) -> str:
    """The full sanitised body, led by the facts a republisher must not drop."""
    facts = [f"<p><strong>{escape(labels('field', 'issuer'))}</strong> {escape(issuer)}</p>"]
    if item.claim:
        facts.append(f"<blockquote><p>{escape(item.claim)}</p></blockquote>")
        facts.append(f"<p><strong>{escape(labels('field', 'verdict'))}</strong> "
                     f"{escape(labels('verdict', item.verdict))}</p>")
    if item.type == "alert":
        facts.append(f"<p><strong>{escape(labels('field', 'area'))}</strong> {escape(item.area)}; "
                     f"<strong>{escape(labels('field', 'expires'))}</strong> "
                     f"{escape(item.expires.isoformat())}</p>")
    return "".join(facts) + item.html
