"""Build an index per content generation, and swap to it atomically.

Layout of the index directory::

    CURRENT            name of the newest generation built (written with os.replace)
    v1-<generation>/   one complete whoosh index, never written after READY appears
    .build-*/          an index being built; renamed into place when complete
    .lock              serialises builders, across processes

A served index is never written: a new generation is built beside it and only
renamed into place once complete, so readers (every gunicorn worker) open
either the old one or the new one, and whoosh's write lock is never contended.
Generations no longer current are removed after a grace period, long enough
for workers still answering from them to move on.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from whoosh import fields, index

from ..content import Disclosure, Guide, Item, Library
from .analysis import analyzer, words
from .text import plain_text

log = logging.getLogger(__name__)

# Bump when analysis or the schema changes: an old index then no longer matches.
VERSION = "v1"
POINTER = "CURRENT"
READY = "READY"
VOCABULARY = "words.json"
RETIRED = "RETIRED"
GRACE = 600.0


def schema() -> fields.Schema:
    text = analyzer()
    return fields.Schema(
        key=fields.ID(stored=True, unique=True, sortable=True),
        lang=fields.ID(stored=True),
        section=fields.ID(stored=True),
        kind=fields.ID(stored=True),
        type=fields.ID(stored=True),
        hazards=fields.KEYWORD(stored=True),
        date=fields.DATETIME(stored=True),
        title=fields.TEXT(analyzer=text, stored=True),
        summary=fields.TEXT(analyzer=text, stored=True),
        body=fields.TEXT(analyzer=text, stored=True),
        keywords=fields.TEXT(analyzer=text),
    )


def item_key(item: Item) -> str:
    return f"{item.lang}/{item.section}/{item.slug}"


def document(library: Library, item: Item) -> dict:
    """The search document for one item: what is indexed and what snippets come from."""
    site = library.site
    summary = item.summary
    keywords = [name for key in item.hazards if key in site.hazards
                for name in site.hazards[key].names.values()]
    date = None
    if isinstance(item, Guide):
        date = item.updated
    if isinstance(item, Disclosure):
        date = item.published
        summary = " ".join(filter(None, [summary, item.claim]))
        keywords += [*site.issuers[item.issuer].names.values()] if item.issuer in site.issuers \
            else []
        keywords += [item.area or ""]
    body = plain_text(item.html)
    return {
        "key": item_key(item),
        "lang": item.lang,
        "section": item.section,
        "kind": getattr(item, "kind", "") or "",
        "type": getattr(item, "type", "") or "",
        "hazards": " ".join(item.hazards),
        "date": _datetime(date),
        "title": item.title,
        "summary": summary,
        "body": body,
        "keywords": " ".join(keywords),
    }


def _datetime(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime(value.year, value.month, value.day)


def generation_dir(index_dir: Path | str, generation: str) -> Path:
    return Path(index_dir) / f"{VERSION}-{generation}"


def is_complete(path: Path) -> bool:
    return (path / READY).is_file()


def current(index_dir: Path | str) -> Path | None:
    """The generation CURRENT points at, if it is complete."""
    try:
        name = (Path(index_dir) / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    path = Path(index_dir) / name
    return path if name.startswith(VERSION + "-") and is_complete(path) else None


def ensure_index(library: Library, index_dir: Path | str, grace: float = GRACE) -> Path:
    """The index of ``library``'s generation, built first if there is none."""
    path = generation_dir(index_dir, library.generation)
    if is_complete(path) and current(index_dir) is not None:
        return path
    return build_index(library, index_dir, grace=grace)


def build_index(library: Library, index_dir: Path | str, grace: float = GRACE,
                wait: bool = True,
                on_built: Callable[[int, float], None] | None = None) -> Path | None:
    """Build ``library``'s generation (unless built), point CURRENT at it, retire others.

    With ``wait=False`` returns None at once when another builder holds the lock.
    ``on_built(documents, seconds)`` is called when this call did the building.
    """
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    target = generation_dir(root, library.generation)
    with _locked(root, wait) as got:
        if not got:
            return None
        if not is_complete(target):
            started = time.perf_counter()
            tmp = Path(tempfile.mkdtemp(dir=root, prefix=".build-"))
            try:
                count = _write(library, tmp)
                (tmp / READY).write_text(library.generation, encoding="utf-8")
                if target.exists():  # an incomplete leftover of a crash
                    shutil.rmtree(target)
                os.rename(tmp, target)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            seconds = time.perf_counter() - started
            log.info("search index %s: %d documents in %.2fs", target.name, count, seconds)
            if on_built is not None:
                on_built(count, seconds)
        (target / RETIRED).unlink(missing_ok=True)
        _point(root, target.name)
        _retire(root, target.name, grace)
    return target


def _write(library: Library, path: Path) -> int:
    ix = index.create_in(str(path), schema())
    writer = ix.writer(limitmb=256)
    vocabulary: Counter[str] = Counter()
    count = 0
    try:
        for item in library.all():
            if item.draft:  # never public; scheduled items are filtered at query time
                continue
            doc = document(library, item)
            writer.add_document(**doc)
            vocabulary.update(set(words(" ".join((doc["title"], doc["summary"], doc["body"])))))
            count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()
    # Spelling suggestions need unstemmed words and how common each is; a file
    # beside the index costs far less to build than a whoosh field would.
    with open(path / VOCABULARY, "w", encoding="utf-8") as handle:
        json.dump(dict(vocabulary.most_common()), handle, ensure_ascii=False)
    return count


def _point(root: Path, name: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".pointer-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(name + "\n")
    os.replace(tmp, root / POINTER)


def _retire(root: Path, keep: str, grace: float) -> None:
    """Mark generations other than ``keep`` retired; remove those retired long enough."""
    now = time.time()
    for path in root.iterdir():
        if path.name == keep or not path.is_dir():
            continue
        if path.name.startswith(".build-"):
            if now - path.stat().st_mtime > grace:  # left by a builder that died
                shutil.rmtree(path, ignore_errors=True)
            continue
        marker = path / RETIRED
        try:
            since = marker.stat().st_mtime
        except FileNotFoundError:
            with contextlib.suppress(OSError):
                marker.touch()
            continue
        if now - since >= grace:
            shutil.rmtree(path, ignore_errors=True)
            log.info("search index %s removed", path.name)


@contextlib.contextmanager
def _locked(root: Path, wait: bool) -> Iterator[bool]:
    with open(root / ".lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
