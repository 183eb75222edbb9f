"""Read the content tree into a :class:`Library`.

Each file is parsed, checked field by field and rendered on its own, so a bad
file costs only itself: every problem in it is recorded and its last good
version keeps serving (kept on disk by :class:`LastGood`, so a worker started
later serves it too, or else the previous load's). Files whose bytes did not
change since the previous load are not parsed again. Which folders hold which
kind of item comes from the registry of kinds; nothing here names one.

A file's stat stamp (modification time, size) is trusted to mean "unchanged"
only once it is older than ``RACY`` seconds: a file written twice within one
tick of the filesystem's clock, with the same size, keeps its stamp. Until
then it is hashed again on each load, and the library's fingerprint says so,
so the watcher loads once more when it has settled. The same goes for a file
that could not be read for a reason that may pass (removed as it was read).

The generation names what is served: a file that failed contributes its
failure, not the digest it would have had, so two processes that loaded the
same bytes with different outcomes never claim the same generation (and so
never share one search index built from either).
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from .errors import ContentError
from .kind import Registry
from .lastgood import LastGood
from .library import Library
from .model import Item, Site
from .parallel import read_many
from .reader import read_item, renderer
from .site import SITE_FILE, parse_site, read_site, with_references
from .tree import MAX_FILE_BYTES, fingerprint, read_bytes, served_languages, walk

__all__ = ["MAX_FILE_BYTES", "Failure", "Source", "fingerprint", "load", "served_languages",
           "walk"]

# Seconds after its modification time during which a file's stamp is not trusted
# (filesystem clocks tick in milliseconds on local disks, up to 2 s on shares).
RACY = 2.0
# Marks a library's fingerprint when the next look at the tree must load again.
UNSETTLED = ":unsettled"


def _load_site(root: Path, previous: Library | None, last_good: LastGood | None,
               errors: list[ContentError], sections) -> Site:
    """site.yml, or when it cannot be used its last good version: on disk (what any
    worker last published), else the previous load's. Raises only when there is none."""
    try:
        data = read_site(root)
        site = parse_site(data, sections)
    except ContentError as exc:
        errors.append(exc)
        stored = last_good.get(SITE_FILE) if last_good is not None else None
        if stored is not None:
            try:
                return parse_site(stored[1], sections)
            except ContentError:
                pass
        if previous is None:
            raise
        return previous.site
    if last_good is not None:
        last_good.put(SITE_FILE, hashlib.sha256(data).hexdigest(), data)
    return site


def load(root: Path | str, kinds: Registry, previous: Library | None = None,
         backlink_title: Callable[[str], str] | None = None, default_lang: str = "en",
         last_good: LastGood | None = None, languages=None,
         image_hosts: frozenset[str] = frozenset(), render_cache=None) -> Library:
    root = str(root).rstrip(os.sep) or os.sep
    errors: list[ContentError] = []
    # Listed before site.yml is read: a change during the load is seen by the next check.
    listed_ns = time.time_ns()
    entries = list(walk(root, kinds, languages, errors))
    tree = fingerprint(root, entries, errors)
    racy_after = listed_ns - int(RACY * 1e9)
    unsettled = False
    site = _load_site(Path(root), previous, last_good, errors, kinds.site_sections())
    site_digest = hashlib.sha256(repr(site).encode()).hexdigest()
    same_site = previous is not None and previous.site_digest == site_digest
    cache = previous.sources if same_site else {}
    render = renderer(backlink_title, image_hosts, render_cache)

    # Files never read before (a cold start: all of them) are read on every core first.
    known = previous.failed if same_site else {}
    ready = read_many([entry for entry in entries if not entry.problem and entry.stamp
                       and entry.rel not in cache and entry.rel not in known],
                      site, kinds, render)

    items: dict[str, Item] = {}
    sources: dict[str, Source] = {}
    failed: dict[str, Failure] = {}
    for entry in entries:
        rel = entry.rel
        if entry.problem:
            errors.append(ContentError(rel, 1, "", entry.problem))
            continue
        cached = cache.get(rel)
        failure = previous.failed.get(rel) if same_site else None
        racy = entry.stamp is not None and entry.stamp[0] >= racy_after
        unsettled = unsettled or racy
        if racy:
            cached = cached and cached._replace(stamp=None)  # compare bytes, not stamps
            failure = failure and failure._replace(stamp=None)
        if failure is not None and failure.stamp == entry.stamp:
            # Still the same bad file: report it again without parsing it again.
            errors.extend(failure.problems)
            failed[rel] = failure
            _keep_last_good(rel, failure.digest, items, sources, previous, last_good, site,
                            kinds, render)
            continue
        if cached and cached.stamp == entry.stamp:
            items[rel], sources[rel] = cached.item, cached
            errors.extend(cached.problems)
            continue
        try:
            data = read_bytes(entry)
        except ContentError as exc:
            errors.append(exc)
            _keep_last_good(rel, None, items, sources, previous, last_good, site, kinds, render)
            continue
        except OSError:
            unsettled = True  # removed while we were reading: look again
            continue
        digest = hashlib.sha256(data).hexdigest()
        if failure is not None and failure.digest == digest:  # touched, still as bad
            errors.extend(failure.problems)
            failed[rel] = failure._replace(stamp=entry.stamp)
            _keep_last_good(rel, digest, items, sources, previous, last_good, site, kinds,
                            render)
            continue
        if cached and cached.digest == digest:
            items[rel], sources[rel] = cached.item, cached._replace(stamp=entry.stamp)
            errors.extend(cached.problems)
            continue
        found = ready.get(rel)
        item, problems = found[1:] if found is not None and found[0] == digest else \
            read_item(rel, data, site, kinds, render)
        errors.extend(problems)
        if item is not None:
            items[rel] = item
            sources[rel] = Source(entry.stamp, digest, item,
                                  tuple(p for p in problems if p.severity != "error"))
            if last_good is not None:
                last_good.put(rel, digest, data)
        else:
            failed[rel] = Failure(entry.stamp, digest, tuple(problems))
            _keep_last_good(rel, digest, items, sources, previous, last_good, site, kinds, render)

    ages = {entry.rel: entry.stamp[0] for entry in entries if entry.stamp}
    errors.extend(_check_links(items, sources, kinds, previous, ages))
    # Keys that site.yml no longer has but items still serving use (each such item
    # was reported above): keep their names, so no page breaks on them.
    site = with_references(site, previous.site if previous else None, items.values())
    generation = _generation(site_digest, items, sources, failed)
    if unsettled:
        tree += UNSETTLED
    served = languages if languages is not None else served_languages(root)
    return Library(site, items.values(), errors, kinds=kinds, generation=generation,
                   sources=MappingProxyType(sources), site_digest=site_digest,
                   default_lang=default_lang, failed=MappingProxyType(failed), fingerprint=tree,
                   languages={item.lang for item in items.values()} & set(served))


def _generation(site_digest: str, items: dict, sources: dict, failed: dict) -> str:
    """A name for what is served: the bytes of each published file, each failure."""
    parts = [site_digest]
    for rel, item in items.items():
        source = sources.get(rel)
        if source is not None and source.item is item:
            parts.append(f"{rel}:{source.digest}")
        else:  # a kept or amended version (a broken link): named by its value
            parts.append(f"{rel}~" + hashlib.blake2b(repr(item).encode(), digest_size=12)
                         .hexdigest())
    parts.extend(f"{rel}!{failure.digest}" for rel, failure in failed.items())
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:16]


class Source(NamedTuple):
    """What the last load knew of a file: its stat stamp, content hash, item and warnings."""
    stamp: tuple[int, int] | None
    digest: str
    item: Item
    problems: tuple[ContentError, ...] = ()


class Failure(NamedTuple):
    """A file that could not be published, as it was when tried."""
    stamp: tuple[int, int] | None
    digest: str
    problems: tuple[ContentError, ...]


def _keep_last_good(rel, bad_digest, items, sources, previous, last_good, site, kinds, render):
    """A file that cannot be published now: serve its last good version, if any."""
    if last_good is not None:
        stored = last_good.get(rel)
        if stored is not None and stored[0] != bad_digest:
            digest, data = stored
            kept = previous.sources.get(rel) if previous else None
            if kept is not None and kept.digest == digest:
                items[rel], sources[rel] = kept.item, kept._replace(stamp=None)
                return
            item, problems = read_item(rel, data, site, kinds, render)
            if item is not None:
                items[rel], sources[rel] = item, Source(None, digest, item)
                return
    if previous and rel in previous.sources:
        items[rel] = previous.sources[rel].item
        sources[rel] = previous.sources[rel]._replace(stamp=None)


def _check_links(items: dict[str, Item], sources: dict, kinds: Registry,
                 previous: Library | None, ages: dict[str, int]):
    """Checks that need every file: duplicate slugs, and each kind's own (`supersedes`).

    Of two files with one slug, the one already published keeps it, or else
    (a first load, `portal check`) the one modified first. An item whose
    link is broken serves its last good version, or else without the broken link."""
    def seniority(rel: str):
        return _seniority((rel, items[rel]), previous, ages)

    # Only the files that share a slug are ranked: sorting all 10,000 on every
    # publication cost a third of a second.
    claims: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for rel, item in items.items():
        claims[item.lang, item.section, item.slug].append(rel)
    losers = []
    for rels in claims.values():
        if len(rels) > 1:
            owner, *rest = sorted(rels, key=seniority)
            losers += [(rel, owner) for rel in rest]
    for rel, owner in sorted(losers, key=lambda pair: seniority(pair[0])):
        yield ContentError(rel, 1, "slug", f"duplicate slug {items[rel].slug!r}: "
                           f"{owner} already uses it; rename this file")
        del items[rel]
        sources.pop(rel, None)
    by_key = {(i.lang, i.section, i.slug): i for i in items.values()}
    languages = sorted({i.lang for i in items.values()})

    find = Finder(by_key, languages)

    for rel, item in list(items.items()):
        check = kinds[item.section].links
        broken = list(check(item, find)) if check else []
        for name, message in broken:
            yield ContentError(rel, item.lines.get(name, 1), name, message)
        if broken:
            old = previous.sources.get(rel) if previous else None
            if old is not None and old.item is not item and not list(
                    check(old.item, find)):
                items[rel] = old.item
            else:
                defaults = {f.name: f.default for f in dataclasses.fields(item)
                            if f.name in {name for name, _ in broken}}
                items[rel] = dataclasses.replace(item, **defaults)


class Finder:
    """``find(lang, section, slug)`` for a kind's ``links`` check: the item in that
    language or, failing that, another; ``find.every(section)`` lists every item of a
    section in every language (a check that needs the history of a plan, say)."""

    def __init__(self, by_key: dict, languages: list[str]):
        self._by_key, self._languages = by_key, languages

    def __call__(self, lang: str, section: str, slug: str) -> Item | None:
        for code in (lang, *self._languages):
            found = self._by_key.get((code, section, slug))
            if found is not None:
                return found
        return None

    def every(self, section: str) -> list[Item]:
        return [item for (_, name, _), item in self._by_key.items() if name == section]


def _seniority(pair, previous: Library | None, ages: dict[str, int]):
    rel, item = pair
    if previous is not None:
        owner = previous.entry(item.lang, item.section, item.slug)
        if owner is not None and owner.path == rel:
            return 0, 0, rel
    return 1, ages.get(rel, 0), rel
