"""Rendered bodies kept on disk, so a restart with unchanged content renders nothing.

Rendering Markdown is most of the work of loading a tree (about 5 ms a file, so
nearly a minute at 10,000 files); the result depends only on the body, on what
the renderer is (its code and the Markdown and sanitiser libraries' versions)
and on what the site feeds into it: the footnote back-link title from the
translation catalogue, the hosts images may load from, and the phone numbers
that become ``tel:`` links. The key is a hash of all of that, so any change to
any of them simply misses. One small JSON file per key, written atomically
(every worker and a restart share them); a file that cannot be read or does
not parse is a miss, never an error. Bodies that fail to render are not kept.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path

from .model import TocEntry

# Bump to drop every kept rendering (the code's own hash changes with it anyway).
VERSION = "1"


@functools.cache
def renderer_version() -> str:
    """What the output of rendering depends on besides its inputs: this code."""
    from .. import markup, markup_policy
    digest = hashlib.sha256(VERSION.encode())
    for module in (markup, markup_policy):
        digest.update(Path(module.__file__).read_bytes())
    for package in ("markdown", "nh3", "lxml"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return digest.hexdigest()[:16]


class RenderCache:
    def __init__(self, directory: str | Path):
        self.directory = Path(directory) / renderer_version()
        self.hits = self.misses = 0

    @staticmethod
    def key(body: str, title: str, image_hosts, phones) -> str:
        digest = hashlib.sha256()
        for part in (title, "\n".join(sorted(image_hosts)), "\n".join(sorted(phones))):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(body.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key[2:]}.json"

    def get(self, key: str):
        """(html, toc, problems), or None."""
        try:
            data = json.loads(self._path(key).read_bytes())
            found = (str(data["html"]), tuple(TocEntry(int(level), str(id_), str(name))
                                               for level, id_, name in data["toc"]),
                     tuple((int(line), str(message)) for line, message in data["problems"]))
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        return found

    def put(self, key: str, html: str, toc, problems) -> None:
        path = self._path(key)
        data = json.dumps({"html": html, "toc": [[t.level, t.id, t.name] for t in toc],
                           "problems": [list(p) for p in problems]}, ensure_ascii=False)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only or full disk costs the next start its head start, nothing else
