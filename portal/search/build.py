"""Build an index per content generation, and swap to it atomically.

Layout of the index directory::

    CURRENT            name of the newest generation built (written with os.replace)
    v4-<generation>/   one complete whoosh index, never written after READY appears,
                       with the documents' fingerprints, the spelling vocabulary and
                       the MANIFEST of its files' sizes and digests
    .build-*/          an index being built; renamed into place when complete
    .lock              serialises builders, across processes

A served index is never written: a new generation is built beside it (as an
updated copy of the current one when few items changed) and only renamed into
place once complete, so readers (every gunicorn worker) open
either the old one or the new one, and whoosh's write lock is never contended.
Generations no longer current are removed after a grace period, long enough
for workers still answering from them to move on. A generation found damaged
(its files no longer match its manifest, or whoosh cannot open it) is removed
under the lock before it is built again: being READY, it would otherwise count
as built.
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..content import Library
from .documents import update, write
from .manifest import problem, write_manifest

log = logging.getLogger(__name__)

# Bump when analysis or the schema changes: an old index then no longer matches.
VERSION = "v4"
POINTER = "CURRENT"
READY = "READY"
RETIRED = "RETIRED"
GRACE = 120.0


def generation_dir(index_dir: Path | str, generation: str) -> Path:
    return Path(index_dir) / f"{VERSION}-{generation}"


def is_complete(path: Path) -> bool:
    return (path / READY).is_file()


def current(index_dir: Path | str) -> Path | None:
    """The generation CURRENT points at, if it is complete; None when CURRENT is
    missing, unreadable or garbled."""
    try:
        name = (Path(index_dir) / POINTER).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):  # ValueError: bytes that are not UTF-8
        return None
    if not name.startswith(VERSION + "-") or Path(name).name != name:
        return None
    path = Path(index_dir) / name
    return path if is_complete(path) else None


def identity(path: Path) -> tuple[int, int, int] | None:
    """Tells a generation from a later one of the same name (rebuilt after damage).

    Taken from READY, written once per build: a directory's inode number alone is
    reused as soon as the damaged one is removed."""
    try:
        stat = (path / READY).stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino, stat.st_mtime_ns


def ensure_index(library: Library, index_dir: Path | str, grace: float = GRACE) -> Path:
    """The index of ``library``'s generation, built first if there is none or it is damaged."""
    path = generation_dir(index_dir, library.generation)
    if is_complete(path):
        found = problem(path)
        if found is None and current(index_dir) is not None:
            return path
        if found is not None:
            log.error("search index %s is damaged (%s): building it again", path.name, found)
            return build_index(library, index_dir, grace=grace, broken=[(path, identity(path))])
    return build_index(library, index_dir, grace=grace)


def build_index(library: Library, index_dir: Path | str, grace: float = GRACE,
                wait: bool = True,
                on_built: Callable[[int, float], None] | None = None,
                broken: Iterable[tuple[Path, tuple[int, int, int] | None]] = (),
                afresh: bool = True) -> Path | None:
    """Build ``library``'s generation (unless built), point CURRENT at it, retire others.

    With ``wait=False`` returns None at once when another builder holds the lock;
    with ``afresh=False``, also when the generation cannot be had by updating the
    current one (a full build is left to whoever asks with ``afresh``).
    ``on_built(documents, seconds)`` is called when this call did the building.
    ``broken`` lists (path, identity) of generations found damaged: each is
    removed first, unless it has been rebuilt since (its identity changed).
    """
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    target = generation_dir(root, library.generation)
    with _locked(root, wait) as got:
        if not got:
            return None
        for path, was in broken:
            if was is not None and identity(path) == was:
                _discard(root, path)
        if not is_complete(target):
            started = time.perf_counter()
            base = current(root)
            if base is not None and problem(base, reuse=True) is not None:
                base = None  # a damaged generation is no base for the next
            tmp = Path(tempfile.mkdtemp(dir=root, prefix=".build-"))
            try:
                count = None
                if base is not None:
                    try:
                        count = update(library, base, tmp)
                    except Exception:  # whoosh could not read it: write afresh
                        log.exception("search index %s: cannot update it", base.name)
                if count is None and not afresh:
                    return None
                if count is None:
                    shutil.rmtree(tmp)
                    tmp.mkdir()
                    count = write(library, tmp)
                write_manifest(tmp, base)
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


def _discard(root: Path, path: Path) -> None:
    """Take a damaged generation out of service: renamed first, so that no reader
    opens it while it is being removed (readers with it open keep their files)."""
    doomed = Path(tempfile.mkdtemp(dir=root, prefix=".build-"))
    os.rename(path, doomed / path.name)
    shutil.rmtree(doomed, ignore_errors=True)
    log.warning("search index %s was damaged and is removed", path.name)


def _point(root: Path, name: str) -> None:
    if (root / POINTER).is_dir() and not (root / POINTER).is_symlink():
        shutil.rmtree(root / POINTER)  # os.replace cannot replace a directory
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
