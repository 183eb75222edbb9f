"""The last start-up's library on disk, so a restart with unchanged files parses nothing.

After the first load of a process, what it knew of each file (stat stamp, content
hash, the item, its warnings, failures) is written to one file under BUILD_DIR.
The next start reads it back and loads with it as the previous library: files
whose stamp is unchanged (and old enough to be trusted, see the loader) are
taken as they are, the others are read, parsed and rendered as always. The
file names what produced it (this code, the renderer, the footnote titles, the
image hosts, the languages); anything else is a miss, so a new release or a
new catalogue simply loads afresh. A snapshot that cannot be read is a miss,
never an error. It is written by this process only, atomically, beside the
other files the server keeps for itself under BUILD_DIR.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path
from types import MappingProxyType

from .library import Library

log = logging.getLogger(__name__)
FORMAT = b"portal-snapshot-1\n"


@functools.cache
def code_version() -> str:
    """A hash of the code that turns files into items (the core and every kind)."""
    from ..content import rendercache
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(rendercache.renderer_version().encode())
    for path in sorted([*package.glob("content/*.py"), *package.glob("kinds/**/*.py")]):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:24]


def key(**inputs) -> str:
    return hashlib.sha256(repr((code_version(), sorted(inputs.items()))).encode()).hexdigest()


class Snapshot:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    def read(self, expected_key: str, kinds) -> Library | None:
        try:
            with open(self.path, "rb") as handle:
                if handle.readline() != FORMAT or handle.readline().strip().decode() != \
                        expected_key:
                    return None
                state = pickle.load(handle)
            return Library(state["site"], [source.item for source in state["sources"].values()],
                           state["problems"], kinds=kinds, generation=state["generation"],
                           sources=MappingProxyType(state["sources"]),
                           site_digest=state["site_digest"], default_lang=state["default_lang"],
                           failed=MappingProxyType(state["failed"]),
                           fingerprint=state["fingerprint"], languages=state["languages"])
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - a damaged or foreign file is only a miss
            log.warning("cannot use the start-up snapshot %s; loading afresh", self.path,
                        exc_info=True)
            return None

    def write(self, library: Library, expected_key: str) -> None:
        state = {"site": library.site, "sources": dict(library.sources),
                 "failed": dict(library.failed), "problems": library.problems,
                 "generation": library.generation, "site_digest": library.site_digest,
                 "default_lang": library.default_lang, "fingerprint": library.fingerprint,
                 "languages": library.languages}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".snapshot-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(FORMAT + expected_key.encode() + b"\n")
                    pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except Exception:  # noqa: BLE001 - costs the next start its head start, nothing else
            log.warning("cannot write the start-up snapshot %s", self.path, exc_info=True)
