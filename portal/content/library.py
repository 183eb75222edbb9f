"""One loaded state of the content tree, and the generic questions views ask of it.

Questions about one kind (related guides, alerts in force) live in that kind's
package and use :meth:`Library.section` and :meth:`Library.memo`.
"""
from __future__ import annotations

import bisect
import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from types import MappingProxyType
from typing import TypeVar

from .errors import ContentError
from .kind import Registry
from .model import Item, Site

T = TypeVar("T")


class Library:
    """Immutable once built; a reload builds a new one and swaps it in."""

    def __init__(self, site: Site, items: Iterable[Item], errors: Iterable[ContentError] = (),
                 *, kinds: Registry, generation: str = "", sources: Mapping = MappingProxyType({}),
                 site_digest: str = "", default_lang: str = "en",
                 languages: Iterable[str] | None = None, failed: Mapping = MappingProxyType({}),
                 fingerprint: str = ""):
        self.site = site
        self.kinds = kinds
        self.problems = tuple(errors)
        self.errors = tuple(e for e in self.problems if e.severity == "error")
        self.generation = generation
        self.sources = sources
        self.failed = failed  # rel -> Failure: files that could not be read, and why
        self.fingerprint = fingerprint  # of the files as listed when loading began
        self.site_digest = site_digest
        self.default_lang = default_lang
        self._by_key: dict[tuple[str, str, str], Item] = {}
        self._groups: dict[tuple[str, str], dict[str, Item]] = defaultdict(dict)
        for item in items:
            self._by_key[item.lang, item.section, item.slug] = item
            self._groups[item.section, item.group][item.lang] = item
        found = {lang for lang, _, _ in self._by_key}
        self.languages = tuple(sorted(found if languages is None else set(languages)))
        # Moments when what is public changes without a file changing, as each kind says.
        self._moments = sorted({moment for item in self._by_key.values()
                                for moment in kinds[item.section].moments(item)})
        self._memo: dict[tuple, object] = {}
        self._last_state: tuple[object, tuple[str, int]] = (None, ("", 0))
        self._memo_lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._by_key)

    def restamp(self, newer: Library) -> None:
        """Take ``newer``'s view of the files (stamps, fingerprint) when it serves exactly
        what this one does (same generation and problems): what readers see is unchanged."""
        self.sources, self.failed = newer.sources, newer.failed
        self.fingerprint = newer.fingerprint

    def state(self, now: dt.datetime) -> tuple[str, int]:
        """Changes whenever the public content does: on a new generation, and when
        ``now`` passes a moment a kind named (a scheduled publication, an expiry).
        Keys every cache of outputs."""
        last = self._last_state
        if last[0] is now:  # one request, or one search, asks for each item in turn
            return last[1]
        state = self.generation, bisect.bisect_right(self._moments, now)
        self._last_state = (now, state)
        return state

    def memo(self, key: Hashable, now: dt.datetime, compute: Callable[[], T]) -> T:
        """``compute()`` once per public state of this library, kept with it."""
        full = (key, self.state(now)[1])
        try:
            return self._memo[full]  # type: ignore[return-value]
        except KeyError:
            pass
        value = compute()
        with self._memo_lock:
            if len(self._memo) > 4096:  # many moments passed in a long-lived library
                self._memo.clear()
            self._memo[full] = value
        return value

    def all(self) -> Iterable[Item]:
        return self._by_key.values()

    def entry(self, lang: str, section: str, slug: str) -> Item | None:
        """The item with this key, public or not (drafts, scheduled ones)."""
        return self._by_key.get((lang, section, slug))

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
        """One public item per translation group, in ``lang`` where it exists, in the
        kind's order. Kept per public state: every page asks for lists."""
        def compute():
            order = (lang, *self._fallback_order(lang))
            found = []
            for (sec, _), versions in self._groups.items():
                if sec != section:
                    continue
                for candidate in order:
                    item = versions.get(candidate)
                    if item is not None and item.is_public(now):
                        found.append(item)
                        break
            found.sort(key=self.kinds[section].order)
            return found
        return list(self.memo(("section", lang, section), now, compute))

    def public(self, lang: str, now: dt.datetime) -> list[Item]:
        """Every public item written in ``lang`` (no fallbacks), kind by kind."""
        return [item for section in self.kinds for item in self.section(lang, section, now)
                if item.lang == lang]

    def active_hazards(self, lang: str, now: dt.datetime) -> frozenset[str]:
        """Hazards for which some kind has something in force now (Kind.active)."""
        def compute():
            return frozenset(hazard for kind in self.kinds.values() if kind.active
                             for hazard in kind.active(self, lang, now))
        return self.memo(("active-hazards", lang), now, compute)

    def _fallback_order(self, lang: str) -> list[str]:
        others = [code for code in self.languages if code != lang]
        return sorted(others, key=lambda code: code != self.default_lang)
