"""Disclosures as feed entries: the facts a republisher must not drop, then the text."""
from __future__ import annotations

from collections.abc import Callable
from html import escape

from ... import feeds
from ...content.model import Site, localized
from .model import Disclosure
from .queries import area_text


def entry_id(base_url: str, item: Disclosure) -> str:
    """Fixed by host, first publication date and slug: editing the title or the text
    never changes it, so readers update the entry instead of adding one."""
    return feeds.tag_id(base_url, item.published.date(), f"{item.lang}/disclosures/{item.slug}")


def entry(item: Disclosure, site: Site, lang: str, base_url: str, url: str,
          labels: Callable[[str, str], str], language: str = "") -> feeds.Entry:
    """``labels(kind, value)``: a readable name for a category or a field; ``language``:
    the name of the item's language, said in the title when it is not the feed's."""
    issuer = localized(site.issuers[item.issuer].names, lang)
    shown = title(item, lang, labels)
    if item.lang != lang and language:
        shown = (f"{shown}（{language}）" if lang.startswith("zh") else f"{shown} ({language})")
    return feeds.Entry(
        id=entry_id(base_url, item), title=shown, url=url, lang=item.lang,
        published=item.published, updated=item.modified, author=issuer, summary=item.summary,
        content=_body(item, issuer, area_text(site, item, lang), labels,
                      response_level_name(site, item, lang)),
        categories=tuple((kind, value, labels(kind, value)) for kind, value in _categories(item)))


def response_level_name(site: Site, item: Disclosure, lang: str) -> str:
    """A response's level by its name in site.yml `response_levels`, else its key."""
    if item.type != "response" or not item.level:
        return ""
    found = (site.sections.get("response_levels") or {}).get(item.level)
    names = getattr(found, "names", None)
    return localized(names, lang) if names else item.level


def title(item: Disclosure, lang: str, labels: Callable[[str, str], str]) -> str:
    """A drill says so first, in every feed reader's list of entries."""
    if item.exercise:
        colon = "：" if lang.startswith("zh") else ": "
        return f"{labels('exercise', 'true')}{colon}{item.title}"
    return item.title


def _categories(item: Disclosure):
    yield "type", item.type
    if item.verdict:
        yield "verdict", item.verdict
    if item.severity:
        yield "severity", item.severity
    if item.type == "alert" and item.warning_level:
        yield "level", item.warning_level
    if item.exercise:
        yield "exercise", "true"
    for hazard in item.hazards:
        yield "hazard", hazard


def _body(item: Disclosure, issuer: str, area: str, labels: Callable[[str, str], str],
          level_name: str = "") -> str:
    facts = [f"<p><strong>{escape(labels('field', 'issuer'))}</strong> {escape(issuer)}</p>"]
    if item.claim:
        facts.append(f"<blockquote><p>{escape(item.claim)}</p></blockquote>")
        facts.append(f"<p><strong>{escape(labels('field', 'verdict'))}</strong> "
                     f"{escape(labels('verdict', item.verdict))}</p>")
    if item.type == "alert":
        facts.append(f"<p><strong>{escape(labels('field', 'area'))}</strong> {escape(area)}; "
                     f"<strong>{escape(labels('field', 'expires'))}</strong> "
                     f"{escape(item.expires.isoformat())}</p>")
    if item.type == "response" and item.action:
        facts.append(f"<p><strong>{escape(labels('action', item.action))}</strong>"
                     f"{' ' + escape(level_name) if level_name else ''}</p>")
    return "".join(facts) + item.html
