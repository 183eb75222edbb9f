"""The size and digest of every file of a generation, to tell a sound index from a damaged one.

A generation is never written after it is complete, so any difference from
the manifest written just before ``READY`` (a truncated segment, a garbled
table of contents, a missing file) means the copy on disk is damaged and
must be rebuilt, not served.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

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


def write_manifest(path: Path) -> None:
    files = {p.name: [p.stat().st_size, _digest(p)] for p in _listed(path)}
    (path / MANIFEST).write_text(json.dumps(files, sort_keys=True), encoding="utf-8")


def problem(path: Path) -> str | None:
    """What is wrong with the generation in ``path``, or None when it is whole."""
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
            if file.stat().st_size != size:
                return f"{name} has {file.stat().st_size} bytes, not {size}"
            if _digest(file) != digest:
                return f"{name} has changed since it was written"
    except (OSError, ValueError, TypeError) as exc:  # missing, unreadable or garbled
        return f"{type(exc).__name__}: {exc}"
    return None


def verify(path: Path) -> None:
    """Raise :class:`BrokenIndex` unless the generation in ``path`` is whole."""
    found = problem(path)
    if found is not None:
        raise BrokenIndex(f"{path.name}: {found}")
