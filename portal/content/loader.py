"""Read the content tree into a :class:`Library`.

Each file is parsed, checked field by field and rendered on its own, so a bad
file costs only itself: its error is recorded and, when an earlier load had a
good version of it, that version keeps serving. Files whose bytes did not
change since the previous load are not parsed again.
"""
from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from .. import markup
from .errors import ContentError, FieldError
from .fields import SLUG, schema_for
from .frontmatter import decode, parse
from .library import Library
from .model import SECTIONS, Item, Site
from .site import SITE_FILE, load_site

LANGUAGE_DIR = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]+)?")
EXTENSION = ".md"


def load(root: Path | str, previous: Library | None = None,
         backlink_title: Callable[[str], str] | None = None,
         default_lang: str = "en") -> Library:
    root = Path(root)
    errors: list[ContentError] = []
    try:
        site = load_site(root)
    except ContentError as exc:
        if previous is None:
            raise
        errors.append(exc)
        site = previous.site
    site_digest = hashlib.sha256(repr(site).encode()).hexdigest()
    cache = previous.sources if previous and previous.site_digest == site_digest else {}

    items: dict[str, Item] = {}
    sources: dict[str, Source] = {}
    digests = [site_digest]
    for path, rel in _content_files(str(root)):
        try:
            stat = os.stat(path)
            stamp = (stat.st_mtime_ns, stat.st_size)
            cached = cache.get(rel)
            if cached and cached.stamp == stamp:
                digest, item = cached.digest, cached.item  # untouched since last load
            else:
                with open(path, "rb") as handle:
                    data = handle.read()
                digest = hashlib.sha256(data).hexdigest()
                item = cached.item if cached and cached.digest == digest else None
        except OSError:
            continue  # removed while we were listing: it is simply gone
        digests.append(f"{rel}:{digest}")
        try:
            if item is None:
                item = _read_item(rel, data, site, backlink_title)
            items[rel] = item
            sources[rel] = Source(stamp, digest, item)
        except ContentError as exc:
            errors.append(exc)
            if previous and rel in previous.sources:
                items[rel] = previous.sources[rel].item
                sources[rel] = previous.sources[rel]._replace(stamp=None)

    errors.extend(_check_links(items, previous))
    generation = hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()[:16]
    return Library(site, items.values(), errors, generation=generation,
                   sources=MappingProxyType(sources), site_digest=site_digest,
                   default_lang=default_lang)


class Source(NamedTuple):
    """What the last load knew of a file: its stat stamp, content hash and item."""
    stamp: tuple[int, int] | None
    digest: str
    item: Item


def _content_files(root: str):
    """(path, path relative to root with "/") of every content file, sorted.

    os.walk rather than pathlib: at 10,000 files the path objects alone cost
    more than the stat calls, and this runs on every reload check."""
    for lang in sorted(os.listdir(root)):
        if not LANGUAGE_DIR.fullmatch(lang):
            continue
        for section in SECTIONS:
            base = os.path.join(root, lang, section)
            for folder, dirs, files in os.walk(base):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith(EXTENSION):
                        path = os.path.join(folder, name)
                        yield path, path[len(root) + 1:].replace(os.sep, "/")


def _read_item(rel: str, data: bytes, site: Site,
               backlink_title: Callable[[str], str] | None) -> Item:
    lang, section, *rest = rel.split("/")
    slug = rest[-1][: -len(EXTENSION)]
    if not SLUG.fullmatch(slug):
        raise ContentError(rel, 1, "slug", f"file name {slug!r} is not a valid slug: use "
                           "lowercase letters, digits and single hyphens, for example flood-safety.md")
    parsed = parse(decode(data, rel), rel)
    schema = schema_for(section, parsed.meta)
    values = {}
    for name, field in schema.items():
        line = parsed.lines.get(name, 1)
        if name not in parsed.meta or parsed.meta[name] is None:
            if field.required:
                raise ContentError(rel, line, name, "required field is missing")
            continue
        try:
            values[name] = field.convert(parsed.meta[name], site)
        except FieldError as exc:
            raise ContentError(rel, line, name, str(exc)) from None
    extra = {k: v for k, v in parsed.meta.items() if k not in schema}
    title = backlink_title(lang) if backlink_title else "Back to footnote {} in the text"
    rendered = markup.render(parsed.body, title)
    return SECTIONS[section](
        lang=lang, section=section, slug=slug, path=rel, group="/".join([*rest[:-1], slug]),
        html=rendered.html, toc=rendered.toc, meta=MappingProxyType(extra),
        lines=MappingProxyType(parsed.lines), **values)


def _check_links(items: dict[str, Item], previous: Library | None):
    """Checks that need every file: duplicate slugs and `supersedes` targets.

    A failing item is dropped, or replaced by its last good version.
    """
    seen: dict[tuple[str, str, str], str] = {}
    disclosures = {i.slug for i in items.values() if i.section == "disclosures"}
    for rel, item in list(items.items()):
        key = (item.lang, item.section, item.slug)
        if key in seen:
            yield ContentError(rel, 1, "slug", f"duplicate slug {item.slug!r}: "
                               f"{seen[key]} already uses it")
            del items[rel]  # the first file keeps the slug
            continue
        seen[key] = rel
        target = getattr(item, "supersedes", None)
        if target and target not in disclosures:
            yield ContentError(rel, item.lines.get("supersedes", 1), "supersedes",
                               f"no disclosure has the slug {target!r}")
            _fall_back(items, rel, previous)
        elif target == item.slug:
            yield ContentError(rel, item.lines.get("supersedes", 1), "supersedes",
                               "a disclosure cannot supersede itself")
            _fall_back(items, rel, previous)


def _fall_back(items: dict[str, Item], rel: str, previous: Library | None) -> None:
    if previous and rel in previous.sources:
        items[rel] = previous.sources[rel].item
    else:
        del items[rel]
