"""The last good version of every content file, on disk, shared by all processes.

A gunicorn worker started after a file broke (a respawn, a routine
``max_requests`` recycle, a restart) has no memory of the version that was
published before; it finds it here, so every worker serves the same state.
One file per content file, named by a hash of its path, holding the content
digest and the bytes, replaced atomically.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class LastGood:
    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self._known: dict[str, str] = {}  # rel -> digest this process knows is stored

    def _path(self, rel: str) -> Path:
        return self.directory / (hashlib.sha256(rel.encode()).hexdigest()[:32] + ".md")

    def get(self, rel: str) -> tuple[str, bytes] | None:
        """(digest, bytes) of the last good version of ``rel``, if one was stored."""
        try:
            data = self._path(rel).read_bytes()
        except OSError:
            return None
        digest, sep, body = data.partition(b"\n")
        if not sep or hashlib.sha256(body).hexdigest() != digest.decode("ascii", "replace"):
            return None  # torn or tampered: not a version we can vouch for
        return digest.decode("ascii"), body

    def put(self, rel: str, digest: str, data: bytes) -> None:
        if self._known.get(rel) == digest:
            return
        path = self._path(rel)
        try:
            with open(path, "rb") as handle:
                if handle.readline().strip() == digest.encode():
                    self._known[rel] = digest
                    return
        except OSError:
            pass
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(digest.encode() + b"\n" + data)
            os.replace(tmp, path)
            self._known[rel] = digest
        except OSError:
            pass  # a read-only disk costs the fallback, never the publication
