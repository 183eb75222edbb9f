"""Read the content tree into a :class:`Library`.

Each file is parsed, checked field by field and rendered on its own, so a bad
file costs only itself: every problem in it is recorded and its last good
version keeps serving (kept on disk by :class:`LastGood`, so a worker started
later serves it too, or else the previous load's). Files whose bytes did not
change since the previous load are not parsed again. Which folders hold which
kind of item comes from the registry of kinds; nothing here names one.
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import os
import re
import stat as stat_
from collections.abc import Callable, Iterator
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from babel import Locale, UnknownLocaleError

from .. import markup
from .errors import ContentError, FieldError
from .fields import SLUG
from .frontmatter import decode, parse
from .kind import Kind, Registry
from .lastgood import LastGood
from .library import Library
from .model import Item, Site
from .site import SITE_FILE, parse_site, read_site, with_references

LANGUAGE_DIR = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]+)?")
EXTENSION = ".md"
# A guide is a few KB; a file this big is a mistake (a pasted log, an image saved as .md).
MAX_FILE_BYTES = 512 * 1024


class Entry(NamedTuple):
    path: str  # on disk
    rel: str  # relative to the content root, with "/"
    stamp: tuple[int, int] | None  # (mtime_ns, size) of a regular file, else None
    problem: str = ""  # why the file cannot be read, if it cannot


def served_languages(root: str | Path) -> tuple[str, ...]:
    """Language folders that name a real language (``content/old/`` does not)."""
    found = []
    for name in _listdir(str(root)):
        if LANGUAGE_DIR.fullmatch(name) and os.path.isdir(os.path.join(root, name)):
            try:
                Locale.parse(name.replace("-", "_"))
            except (UnknownLocaleError, ValueError):
                continue
            found.append(name)
    return tuple(found)


def walk(root: str, kinds: Registry, languages=None,
         notes: list[ContentError] | None = None) -> Iterator[Entry]:
    """Every content file of every kind, sorted; strays are noted, never followed.

    The watcher fingerprints the same walk, so what it notices and what the
    loader reads are always the same files."""
    notes = notes if notes is not None else []
    real_root = os.path.realpath(root)
    serving = set(served_languages(root) if languages is None else languages)
    for name in _listdir(root):
        full = os.path.join(root, name)
        if name == SITE_FILE or name.startswith("."):
            continue
        if name not in serving:
            if os.path.isdir(full):
                notes.append(ContentError(name + "/", 1, "", "not a language this site serves "
                                          f"(served: {', '.join(sorted(serving))}); ignored",
                                          "warning"))
            else:
                _note_stray_file(name, notes)
            continue
        if not _inside(full, real_root):
            notes.append(ContentError(name + "/", 1, "", "points outside the content "
                                      "directory; ignored"))
            continue
        for folder in _listdir(full):
            base = os.path.join(full, folder)
            if folder.startswith("."):
                continue
            if folder not in kinds:
                if os.path.isdir(base):
                    notes.append(ContentError(f"{name}/{folder}/", 1, "", "not a kind of content "
                                              f"(kinds: {', '.join(kinds)}); ignored", "warning"))
                else:
                    _note_stray_file(f"{name}/{folder}", notes)
                continue
            if not _inside(base, real_root):
                notes.append(ContentError(f"{name}/{folder}/", 1, "", "points outside the "
                                          "content directory; ignored"))
                continue
            yield from _walk_kind(root, real_root, base, notes)


def _note_stray_file(rel: str, notes: list) -> None:
    if rel.endswith(EXTENSION) and not rel.rpartition("/")[2].startswith("."):
        notes.append(ContentError(rel, 1, "", "is not in a kind folder such as en/guides/; "
                                  "not published", "warning"))


def _walk_kind(root: str, real_root: str, base: str, notes: list) -> Iterator[Entry]:
    for folder, dirs, files in os.walk(base):
        dirs.sort()
        for sub in list(dirs):
            full = os.path.join(folder, sub)
            shown = full[len(root) + 1:].replace(os.sep, "/") + "/"
            if sub.startswith("."):
                dirs.remove(sub)  # hidden folders (editor backups): not content
            elif not _inside(full, real_root):
                dirs.remove(sub)
                notes.append(ContentError(shown, 1, "", "points outside the content "
                                          "directory; ignored"))
            elif sub.endswith(EXTENSION):
                dirs.remove(sub)
                notes.append(ContentError(shown, 1, "", "is a folder, not a content file; "
                                          "ignored", "warning"))
        for name in sorted(files):
            if not name.endswith(EXTENSION) or name.startswith("."):
                continue
            path = os.path.join(folder, name)
            rel = path[len(root) + 1:].replace(os.sep, "/")
            # Before stat: a dangling link out of the tree is reported, not skipped.
            if not _inside(path, real_root):
                yield Entry(path, rel, None, "is a link to a file outside the content "
                            "directory; not published")
                continue
            try:
                info = os.stat(path)
            except OSError:
                continue  # removed while we were listing, or a dangling link
            if not stat_.S_ISREG(info.st_mode):
                yield Entry(path, rel, None, "is not a regular file; skipped")
            else:
                yield Entry(path, rel, (info.st_mtime_ns, info.st_size))


def _load_site(root: Path, previous: Library | None, last_good: LastGood | None,
               errors: list[ContentError]) -> Site:
    """site.yml, or when it cannot be used its last good version: on disk (what any
    worker last published), else the previous load's. Raises only when there is none."""
    try:
        data = read_site(root)
        site = parse_site(data)
    except ContentError as exc:
        errors.append(exc)
        stored = last_good.get(SITE_FILE) if last_good is not None else None
        if stored is not None:
            try:
                return parse_site(stored[1])
            except ContentError:
                pass
        if previous is None:
            raise
        return previous.site
    if last_good is not None:
        last_good.put(SITE_FILE, hashlib.sha256(data).hexdigest(), data)
    return site


def fingerprint(root: str, entries, notes=()) -> str:
    """Changes whenever a file the loader reads (or site.yml) is added, removed or
    touched, or what the walk noted changes (a stray folder, a link out); the
    watcher compares it with the loaded library's to know when to reload."""
    entries = list(entries)  # walking them fills ``notes``
    digest = hashlib.sha256()
    for note in notes:
        digest.update(f"{note}\n".encode())
    try:
        info = os.stat(os.path.join(root, SITE_FILE))
        digest.update(f"{SITE_FILE}\0{info.st_mtime_ns}\0{info.st_size}\n".encode())
    except OSError:
        pass
    for entry in entries:
        digest.update(f"{entry.rel}\0{entry.stamp}\0{entry.problem}\n".encode())
    return digest.hexdigest()


def load(root: Path | str, kinds: Registry, previous: Library | None = None,
         backlink_title: Callable[[str], str] | None = None, default_lang: str = "en",
         last_good: LastGood | None = None, languages=None,
         image_hosts: frozenset[str] = frozenset()) -> Library:
    root = str(root).rstrip(os.sep) or os.sep
    errors: list[ContentError] = []
    # Listed before site.yml is read: a change during the load is seen by the next check.
    entries = list(walk(root, kinds, languages, errors))
    tree = fingerprint(root, entries, errors)
    site = _load_site(Path(root), previous, last_good, errors)
    site_digest = hashlib.sha256(repr(site).encode()).hexdigest()
    same_site = previous is not None and previous.site_digest == site_digest
    cache = previous.sources if same_site else {}
    render = _renderer(backlink_title, image_hosts)

    items: dict[str, Item] = {}
    sources: dict[str, Source] = {}
    failed: dict[str, Failure] = {}
    digests = [site_digest]
    for entry in entries:
        rel = entry.rel
        if entry.problem:
            errors.append(ContentError(rel, 1, "", entry.problem))
            continue
        cached = cache.get(rel)
        failure = previous.failed.get(rel) if same_site else None
        if failure is not None and failure.stamp == entry.stamp:
            # Still the same bad file: report it again without parsing it again.
            errors.extend(failure.problems)
            digests.append(f"{rel}:{failure.digest}")
            failed[rel] = failure
            _keep_last_good(rel, failure.digest, items, sources, previous, last_good, site,
                            kinds, render)
            continue
        if cached and cached.stamp == entry.stamp:
            digests.append(f"{rel}:{cached.digest}")
            items[rel], sources[rel] = cached.item, cached
            errors.extend(cached.problems)
            continue
        try:
            data = _read(entry)
        except ContentError as exc:
            errors.append(exc)
            _keep_last_good(rel, None, items, sources, previous, last_good, site, kinds, render)
            continue
        except OSError:
            continue  # removed while we were reading: it is simply gone
        digest = hashlib.sha256(data).hexdigest()
        digests.append(f"{rel}:{digest}")
        if cached and cached.digest == digest:
            items[rel], sources[rel] = cached.item, cached._replace(stamp=entry.stamp)
            errors.extend(cached.problems)
            continue
        item, problems = read_item(rel, data, site, kinds, render)
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
    generation = hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()[:16]
    served = languages if languages is not None else served_languages(root)
    return Library(site, items.values(), errors, kinds=kinds, generation=generation,
                   sources=MappingProxyType(sources), site_digest=site_digest,
                   default_lang=default_lang, failed=MappingProxyType(failed), fingerprint=tree,
                   languages={item.lang for item in items.values()} & set(served))


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


def _read(entry: Entry) -> bytes:
    if entry.stamp[1] > MAX_FILE_BYTES:
        raise ContentError(entry.rel, 1, "", f"file is {-(-entry.stamp[1] // 1024)} KB; the limit "
                           f"is {MAX_FILE_BYTES // 1024} KB per file")
    # Non-blocking, and checked again once open: a FIFO swapped in after the walk
    # must not hang the reader.
    fd = os.open(entry.path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat_.S_ISREG(os.fstat(fd).st_mode):
            raise ContentError(entry.rel, 1, "", "is not a regular file; skipped")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise ContentError(entry.rel, 1, "", f"file is over {MAX_FILE_BYTES // 1024} KB, the "
                           "limit per file")
    return data


def _renderer(backlink_title, image_hosts):
    def render(lang: str, body: str):
        title = backlink_title(lang) if backlink_title else "Back to footnote {} in the text"
        return markup.render(body, title, image_hosts=image_hosts)
    return render


def read_item(rel: str, data: bytes, site: Site, kinds: Registry,
              render) -> tuple[Item | None, list[ContentError]]:
    """The item in ``data`` and every problem found, or None and the problems.

    Never raises: whatever goes wrong in one file is an error naming that file."""
    try:
        return _read_item(rel, data, site, kinds, render)
    except ContentError as exc:
        return None, [exc]
    except RecursionError:
        return None, [ContentError(rel, 1, "", "nested too deeply to read")]
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop the others
        message = str(exc) if isinstance(exc, ValueError) else \
            f"could not be read ({type(exc).__name__}: {exc})"
        return None, [ContentError(rel, 1, "", message)]


def _read_item(rel: str, data: bytes, site: Site, kinds: Registry, render):
    lang, section, *rest = rel.split("/")
    kind: Kind = kinds[section]
    slug = rest[-1][: -len(EXTENSION)]
    if not SLUG.fullmatch(slug):
        raise ContentError(rel, 1, "slug", f"file name {slug!r} is not a valid slug: use "
                           "lowercase letters, digits and single hyphens, for example flood-safety.md")
    parsed = parse(decode(data, rel), rel)
    schema = kind.schema_for(parsed.meta)
    problems: list[ContentError] = []
    values = {}
    for name, field in schema.items():
        line = parsed.lines.get(name, 1)
        if name not in parsed.meta or parsed.meta[name] is None:
            if field.required:
                problems.append(ContentError(rel, line, name, "required field is missing"))
            continue
        try:
            values[name] = field.convert(parsed.meta[name], site)
        except FieldError as exc:
            problems.append(ContentError(rel, line, name, str(exc)))
    if kind.finish is not None:
        for name, message in kind.finish(values, lang):
            problems.append(ContentError(rel, parsed.lines.get(name, 1), name, message))
    problems.extend(_fields_of_unknown_subtype(rel, parsed, schema, kind, site))
    problems.extend(_unknown_fields(rel, parsed, schema, kind))
    if any(p.severity == "error" for p in problems):
        return None, problems
    extra = {k: v for k, v in parsed.meta.items() if k not in schema}
    try:
        rendered = render(lang, parsed.body)
    except markup.MarkupError as exc:
        return None, [*problems, ContentError(rel, parsed.body_line, "body", str(exc))]
    for line, message in rendered.problems:
        problems.append(ContentError(rel, parsed.body_line + max(line, 1) - 1, "", message,
                                     "warning"))
    item = kind.item(
        lang=lang, section=section, slug=slug, path=rel, group="/".join([*rest[:-1], slug]),
        html=rendered.html, toc=rendered.toc, meta=MappingProxyType(extra),
        lines=MappingProxyType(parsed.lines), **values)
    return item, problems


def _fields_of_unknown_subtype(rel: str, parsed, schema, kind: Kind, site):
    """With a subtype that is not one (`type: alret`), still check the fields that
    belong to some subtype, so one run names every problem in the file."""
    if kind.subtype is None or str(parsed.meta.get(kind.subtype)) in kind.subtypes:
        return
    for name, value in parsed.meta.items():
        if name in schema or value is None:
            continue
        field = next((extra[name] for extra in kind.subtypes.values() if name in extra), None)
        if field is None:
            continue
        try:
            field.convert(value, site)
        except FieldError as exc:
            yield ContentError(rel, parsed.lines.get(str(name), 1), str(name), str(exc))


def _unknown_fields(rel: str, parsed, schema, kind: Kind):
    known = kind.fields()
    subtype_known = kind.subtype is not None and \
        str(parsed.meta.get(kind.subtype)) in kind.subtypes
    for name in parsed.meta:
        if name in schema or (name in known and not subtype_known):
            continue
        line = parsed.lines.get(str(name), 1)
        if name in known:
            message = (f"not used by this {kind.subtype or 'item'}; "
                       f"it is read only for other values of {kind.subtype}")
        else:
            close = difflib.get_close_matches(str(name), sorted(known), n=1, cutoff=0.75)
            message = "unknown field" + (f"; did you mean {close[0]!r}?" if close else
                                         f"; known fields: {', '.join(sorted(schema))}")
        yield ContentError(rel, line, str(name), message, "warning")


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
    owners: dict[tuple[str, str, str], str] = {}
    for rel, item in sorted(items.items(), key=lambda pair: _seniority(pair, previous, ages)):
        key = (item.lang, item.section, item.slug)
        if key in owners:
            yield ContentError(rel, 1, "slug", f"duplicate slug {item.slug!r}: "
                               f"{owners[key]} already uses it; rename this file")
            del items[rel]
            sources.pop(rel, None)
            continue
        owners[key] = rel
    by_key = {(i.lang, i.section, i.slug): i for i in items.values()}
    languages = sorted({i.lang for i in items.values()})

    def find(lang: str, section: str, slug: str) -> Item | None:
        for code in (lang, *languages):
            found = by_key.get((code, section, slug))
            if found is not None:
                return found
        return None

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


def _seniority(pair, previous: Library | None, ages: dict[str, int]):
    rel, item = pair
    if previous is not None:
        owner = previous.entry(item.lang, item.section, item.slug)
        if owner is not None and owner.path == rel:
            return 0, 0, rel
    return 1, ages.get(rel, 0), rel


def _inside(path: str, real_root: str) -> bool:
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root + os.sep)


def _listdir(path: str) -> list[str]:
    try:
        return sorted(os.listdir(path))
    except OSError:
        return []
