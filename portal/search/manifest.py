"""The size and digest of every file of a generation, to tell a sound index from a damaged one.

A generation is never written after it is complete, so any difference from
the manifest written just before ``READY`` (a truncated segment, a garbled
table of contents, a missing file) means the copy on disk is damaged and
must be rebuilt, not served.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

from ..atomic import write_atomic

MANIFEST = "MANIFEST"
# Markers and whoosh's lock file change after the build; they are not the index.
UNLISTED = ("READY", "RETIRED", MANIFEST)


class BrokenIndex(Exception):
    """A generation's files do not match its manifest."""


def _listed(path: Path) -> list[Path]:
    return sorted(p for p in path.iterdir() if p.is_file() and p.name not in UNLISTED
                  and not p.name.endswith("WRITELOCK"))


def _digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _stamp(info: os.stat_result) -> tuple[int, int, int, int]:
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


# Files this process has read whole and found to match a manifest: (device, inode,
# size, mtime) -> digest. A generation updated from the previous one shares most of
# its files with it (hard links, see documents.update), and each worker opening it
# would otherwise read every one of them again.
_checked: dict[tuple[int, int, int, int], str] = {}
_checked_lock = threading.Lock()


def write_manifest(path: Path, base: Path | None = None) -> None:
    """The manifest of ``path``; a file that is ``base``'s own (the same inode, linked)
    takes its digest from ``base``'s manifest rather than being read again."""
    known: dict[str, list] = {}
    if base is not None:
        try:
            known = json.loads((base / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
    files = {}
    for file in _listed(path):
        info = file.stat()
        found = known.get(file.name)
        try:
            same = found is not None and found[0] == info.st_size and \
                os.path.samestat(info, (base / file.name).stat())
        except OSError:
            same = False
        files[file.name] = [info.st_size, found[1] if same else _digest(file)]
    write_atomic(path / MANIFEST, json.dumps(files, sort_keys=True))


def problem(path: Path, reuse: bool = False) -> str | None:
    """What is wrong with the generation in ``path``, or None when it is whole.

    ``reuse``: a file this process already found whole, unchanged since (same inode,
    size and time), is not read again."""
    try:
        ready = (path / "READY").read_text(encoding="utf-8").strip()
        if not ready or not path.name.endswith("-" + ready):
            return f"READY names {ready!r}, not this generation"
        files = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(files, dict):
            return f"{MANIFEST} is not a table of files"
        for name, (size, digest) in files.items():
            file = path / name
            if file.parent != path:
                return f"{MANIFEST} names {name!r} outside the generation"
            info = file.stat()
            if info.st_size != size:
                return f"{name} has {info.st_size} bytes, not {size}"
            stamp = _stamp(info)
            if reuse and _checked.get(stamp) == digest:
                continue
            if _digest(file) != digest:
                return f"{name} has changed since it was written"
            with _checked_lock:
                if len(_checked) > 10_000:  # years of publications: start again
                    _checked.clear()
                _checked[stamp] = digest
    except (OSError, ValueError, TypeError) as exc:  # missing, unreadable or garbled
        return f"{type(exc).__name__}: {exc}"
    return None


def verify(path: Path) -> None:
    """Raise :class:`BrokenIndex` unless the generation in ``path`` is whole (files this
    process found whole before, and unchanged since, are not read again)."""
    found = problem(path, reuse=True)
    if found is not None:
        raise BrokenIndex(f"{path.name}: {found}")
