"""One loaded state of the content tree, and the questions views ask of it."""
from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from .errors import ContentError
from .model import Disclosure, Guide, Item, Page, Site


BANNER_SEVERITIES = ("severe", "extreme")
# How each section's lists are ordered: guides and pages by title, disclosures newest first.
ORDER = {
    "guides": lambda g: g.title.casefold(),
    "pages": lambda p: p.title.casefold(),
    "disclosures": lambda d: (-d.published.timestamp(), d.slug),
}


class Library:
    """Immutable once built; a reload builds a new one and swaps it in."""

    def __init__(self, site: Site, items: Iterable[Item], errors: Iterable[ContentError] = (),
                 *, generation: str = "", sources: Mapping = MappingProxyType({}),
                 site_digest: str = "", default_lang: str = "en"):
        self.site = site
        self.errors = tuple(e for e in errors if e.severity == "error")
        self.warnings = tuple(e for e in errors if e.severity == "warning")
        self.generation = generation
        self.sources = sources
        self.site_digest = site_digest
        self.default_lang = default_lang
        self._by_key: dict[tuple[str, str, str], Item] = {}
        self._sections: dict[tuple[str, str, int], list[Item]] = {}
        self._groups: dict[tuple[str, str], dict[str, Item]] = defaultdict(dict)
        for item in items:
            self._by_key[item.lang, item.section, item.slug] = item
            self._groups[item.section, item.group][item.lang] = item
        self.languages = tuple(sorted({lang for lang, _, _ in self._by_key}))
        # Moments when what is public changes without a file changing:
        # a scheduled disclosure goes live, an alert expires.
        self._moments = sorted({moment for item in self._by_key.values()
                                for moment in (getattr(item, "published", None),
                                               getattr(item, "expires", None)) if moment})

    def __len__(self) -> int:
        return len(self._by_key)

    def state(self, now: dt.datetime) -> tuple[str, int]:
        """Changes whenever the public content does: on a new generation, and when
        ``now`` passes a scheduled publication or an expiry. Keys caches."""
        return self.generation, bisect.bisect_right(self._moments, now)

    def all(self) -> Iterable[Item]:
        return self._by_key.values()

    def get(self, lang: str, section: str, slug: str, now: dt.datetime) -> Item | None:
        """The public item in exactly this language, or None."""
        item = self._by_key.get((lang, section, slug))
        return item if item is not None and item.is_public(now) else None

    def find(self, lang: str, section: str, slug: str, now: dt.datetime) -> Item | None:
        """The item in ``lang``, else its public version in another language."""
        item = self.get(lang, section, slug, now)
        if item is not None:
            return item
        for other in self._fallback_order(lang):
            item = self.get(other, section, slug, now)
            if item is not None:
                return item
        return None

    def translations(self, item: Item, now: dt.datetime) -> list[Item]:
        """Every public version of ``item``, itself included, by language."""
        group = self._groups[item.section, item.group]
        return [group[lang] for lang in sorted(group) if group[lang].is_public(now)]

    def section(self, lang: str, section: str, now: dt.datetime) -> list[Item]:
        """One public item per translation group, in ``lang`` where it exists.

        Kept per public state: every page asks for lists, and at 10,000 items
        walking every translation group each time costs more than the render."""
        key = (lang, section, self.state(now)[1])
        cached = self._sections.get(key)
        if cached is None:
            order = (lang, *self._fallback_order(lang))
            cached = []
            for (sec, _), versions in self._groups.items():
                if sec != section:
                    continue
                for candidate in order:
                    item = versions.get(candidate)
                    if item is not None and item.is_public(now):
                        cached.append(item)
                        break
            cached.sort(key=ORDER[section])
            self._sections[key] = cached
        return list(cached)

    def guides(self, lang: str, now: dt.datetime, kind: str | None = None,
               hazard: str | None = None) -> list[Guide]:
        return [g for g in self.section(lang, "guides", now)
                if (kind is None or g.kind == kind) and (hazard is None or hazard in g.hazards)]

    def disclosures(self, lang: str, now: dt.datetime, type: str | None = None,
                    hazard: str | None = None) -> list[Disclosure]:
        """Newest first."""
        return [d for d in self.section(lang, "disclosures", now)
                if (type is None or d.type == type) and (hazard is None or hazard in d.hazards)]

    def pages(self, lang: str, now: dt.datetime) -> list[Page]:
        return self.section(lang, "pages", now)

    def related(self, guide: Guide, now: dt.datetime, limit: int = 4) -> list[Guide]:
        """Guides sharing the most hazards with ``guide``, then by title."""
        scored = []
        for other in self.guides(guide.lang, now):
            shared = len(set(other.hazards) & set(guide.hazards))
            if other.group != guide.group and shared:
                scored.append((-shared, other.kind == guide.kind, other.title.casefold(), other))
        return [entry[-1] for entry in sorted(scored, key=lambda e: e[:3])[:limit]]

    def successors(self, item: Disclosure, now: dt.datetime) -> list[Disclosure]:
        """Disclosures that say they supersede ``item``, newest first."""
        return [d for d in self.disclosures(item.lang, now) if d.supersedes == item.slug]

    def predecessor(self, item: Disclosure, now: dt.datetime) -> Disclosure | None:
        if not item.supersedes:
            return None
        return self.find(item.lang, "disclosures", item.supersedes, now)

    def chain(self, item: Disclosure, now: dt.datetime) -> list[Disclosure]:
        """The disclosures ``item`` supersedes, directly or not, oldest first."""
        found: list[Disclosure] = []
        current = self.predecessor(item, now)
        while current is not None and current not in found and current is not item:
            found.append(current)
            current = self.predecessor(current, now)
        return found[::-1]

    def has_cap(self, item: Disclosure, now: dt.datetime) -> bool:
        """Alerts, and whatever withdraws an alert, exist as CAP messages."""
        return item.type == "alert" or any(d.type == "alert" for d in self.chain(item, now))

    def alerts_in_force(self, lang: str, now: dt.datetime) -> list[Disclosure]:
        """CAP messages that matter now: alerts in force and not superseded, and
        cancellations of alerts that would otherwise still be in force."""
        found = []
        for item in self.disclosures(lang, now):
            if self.successors(item, now):
                continue
            if item.type == "alert" and item.is_active(now):
                found.append(item)
            elif item.type != "alert" and any(
                    old.type == "alert" and old.is_active(now) for old in self.chain(item, now)):
                found.append(item)
        return found

    def banners(self, lang: str, now: dt.datetime) -> list[Disclosure]:
        """What every page must show while it is in force: severe and extreme
        alerts, and disclosures that ask for a banner; not once superseded."""
        return [d for d in self.disclosures(lang, now)
                if d.is_active(now) and (d.banner or d.severity in BANNER_SEVERITIES)
                and not self.successors(d, now)]

    def _fallback_order(self, lang: str) -> list[str]:
        others = [code for code in self.languages if code != lang]
        return sorted(others, key=lambda code: code != self.default_lang)
