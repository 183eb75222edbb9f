"""The content tree as the loader sees it: which files are content, and their bytes.

Only languages the site serves and folders of known kinds count; strays are
noted, links out of the tree and files that are not regular are refused, never
followed or opened blocking. The watcher fingerprints the same walk.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat as stat_
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from babel import Locale, UnknownLocaleError

from .errors import ContentError
from .kind import Registry
from .site import SITE_FILE

LANGUAGE_DIR = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]+)?")


EXTENSION = ".md"
# A guide is a few KB; a file this big is a mistake (a pasted log, an image saved as .md).


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
    """Files first, then folders, each sorted, top down. One ``stat`` per file: the
    realpath check (a few system calls per path) is needed only for links, since a
    folder is entered only when it is inside the tree and links to folders are not
    followed."""
    try:
        with os.scandir(base) as listing:
            found = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return
    dirs = []
    for entry in found:
        name, path = entry.name, entry.path
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            shown = path[len(root) + 1:].replace(os.sep, "/") + "/"
            if name.startswith("."):
                continue  # hidden folders (editor backups): not content
            if not _inside(path, real_root):
                notes.append(ContentError(shown, 1, "", "points outside the content "
                                          "directory; ignored"))
            elif name.endswith(EXTENSION):
                notes.append(ContentError(shown, 1, "", "is a folder, not a content file; "
                                          "ignored", "warning"))
            elif not entry.is_symlink():  # as os.walk: links to folders are not entered
                dirs.append(path)
            continue
        if not name.endswith(EXTENSION) or name.startswith("."):
            continue
        rel = path[len(root) + 1:].replace(os.sep, "/")
        # Before stat: a dangling link out of the tree is reported, not skipped.
        if entry.is_symlink() and not _inside(path, real_root):
            yield Entry(path, rel, None, "is a link to a file outside the content "
                        "directory; not published")
            continue
        try:
            info = entry.stat()
        except OSError:
            continue  # removed while we were listing, or a dangling link
        if not stat_.S_ISREG(info.st_mode):
            yield Entry(path, rel, None, "is not a regular file; skipped")
        else:
            yield Entry(path, rel, (info.st_mtime_ns, info.st_size))
    for path in dirs:
        yield from _walk_kind(root, real_root, path, notes)


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


def read_bytes(entry: Entry) -> bytes:
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


def _inside(path: str, real_root: str) -> bool:
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root + os.sep)


def _listdir(path: str) -> list[str]:
    try:
        return sorted(os.listdir(path))
    except OSError:
        return []
