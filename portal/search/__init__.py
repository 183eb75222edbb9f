"""Full-text search over the library: English and Chinese, bounded, cached per generation.

The core has no web framework in it: ``build_index`` and ``ensure_index`` write
index generations, :class:`Search` picks the generation that matches the
library being served and answers :class:`Request` objects with
:class:`Results`.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from ..content import Library
from ..threads import Thread
from .build import GRACE, build_index, current, ensure_index, generation_dir, is_complete
from .engine import SearchIndex
from .results import Hit, Request, Results

__all__ = ["GRACE", "Hit", "Request", "Results", "Search", "SearchIndex",
           "build_index", "current", "ensure_index", "generation_dir", "init_app", "is_complete"]

log = logging.getLogger(__name__)


class Search:
    """The index generation answering searches in this process.

    Each process (every gunicorn worker) opens the generation of the library it
    serves. When the library moves to a generation not built yet, a background
    thread builds it (one per process; the directory's file lock makes sure only
    one process really builds, the others then find it complete). The first
    search of the new generation waits up to ``wait`` seconds for it, which is
    enough for an office's content; past that, the previous index answers until
    the new one is ready.
    """

    def __init__(self, index_dir: str | Path, auto_build: bool = True, grace: float = GRACE,
                 wait: float = 1.0, retry: float = 60.0):
        self.index_dir = Path(index_dir)
        self.auto_build = auto_build
        self.grace = grace
        self.wait = wait
        self.retry = retry
        self._open: SearchIndex | None = None
        self._lock = threading.Lock()
        self._builder: Thread | None = None
        self._waited: set[str] = set()
        self._failed: dict[str, float] = {}

    def index_for(self, library: Library) -> SearchIndex | None:
        opened = self._open
        if opened is not None and opened.generation == library.generation:
            return opened
        path = generation_dir(self.index_dir, library.generation)
        if not is_complete(path):
            builder = self._build_soon(library)
            if builder is not None and library.generation not in self._waited:
                self._waited.add(library.generation)
                builder.join(self.wait)
            if not is_complete(path):
                path = current(self.index_dir)
        with self._lock:
            if path is not None and (self._open is None or self._open.name != path.name):
                previous, self._open = self._open, SearchIndex(path)
                log.info("search: opened %s", path.name)
                if previous is not None:
                    previous.close()
            return self._open

    def search(self, library: Library, lang: str, now, request: Request) -> Results | None:
        """None when no index can be opened (never built, or removed)."""
        opened = self.index_for(library)
        return None if opened is None else opened.search(library, lang, now, request)

    def _build_soon(self, library: Library) -> Thread | None:
        """The thread building (or about to build) an index, if any."""
        if not self.auto_build:
            return None
        with self._lock:
            if self._builder is not None and self._builder.is_alive():
                return self._builder
            if time.monotonic() - self._failed.get(library.generation, -self.retry) < self.retry:
                return None
            self._builder = Thread(target=self._build, args=(library,), name="search-index")
            self._builder.start()
            return self._builder

    def _build(self, library: Library) -> None:
        try:
            build_index(library, self.index_dir, grace=self.grace)
        except Exception:  # a failed build leaves the previous index serving
            self._failed[library.generation] = time.monotonic()
            log.exception("search: building the index for %s failed", library.generation)

    def join(self, timeout: float | None = None) -> None:
        """Until a background build, if any, has finished (tests, shutdown)."""
        builder = self._builder
        if builder is not None:
            builder.join(timeout)


def init_app(app) -> None:
    """Attach a :class:`Search` and build the index at start if there is none."""
    index_dir = app.config["INDEX_DIR"]
    search = Search(index_dir, auto_build=app.config.get("SEARCH_AUTO_BUILD", True))
    app.extensions["portal.search"] = search
    library = app.extensions["portal.store"].library
    try:
        ensure_index(library, index_dir)
    except Exception:  # the site serves without search rather than not at all
        log.exception("search: cannot build the index in %s", index_dir)
