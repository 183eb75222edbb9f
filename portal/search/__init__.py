"""Full-text search over the library: English and Chinese, bounded, cached per generation.

The core has no web framework in it: ``build_index`` and ``ensure_index`` write
index generations, :class:`Search` picks the generation that matches the
library being served and answers :class:`Request` objects with
:class:`Results`. ``init_app`` only attaches a :class:`Search`; the index is
built by ``portal index``, by :func:`prepare` when a server starts, or by the
first search that finds none.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from ..content import Library
from ..threads import Thread
from .build import GRACE, build_index, current, ensure_index, generation_dir, identity, \
    is_complete
from .engine import SearchIndex
from .manifest import problem
from .results import Hit, Request, Results, known_docs

__all__ = ["GRACE", "Hit", "Request", "Results", "Search", "SearchIndex",
           "build_index", "current", "ensure_index", "generation_dir", "init_app", "is_complete",
           "prepare"]

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

    Nothing the index directory holds raises out of :meth:`search`: a generation
    that cannot be opened, or whose files no longer match its manifest, is not
    opened again by this process, is removed and rebuilt in the background, and
    searches answer None (the 503 page) or from the previous generation
    meanwhile. A failed build is tried again on a later search, after ``retry``
    seconds, doubling after each further failure up to ``retry_max``.
    """

    def __init__(self, index_dir: str | Path, auto_build: bool = True, grace: float = GRACE,
                 wait: float = 1.0, retry: float = 1.0, retry_max: float = 60.0):
        self.index_dir = Path(index_dir)
        self.auto_build = auto_build
        self.grace = grace
        self.wait = wait
        self.retry = retry
        self.retry_max = retry_max
        self._open: SearchIndex | None = None
        self._lock = threading.Lock()
        self._builder: Thread | None = None
        self._waited: set[str] = set()
        self._broken: set[tuple[int, int, int]] = set()  # identities of damaged generations
        self._sound: dict[tuple[int, int, int], float] = {}  # when found whole after a failure
        self._failures = 0  # builds failed in a row
        self._retry_at: dict[str, float] = {}
        # Per item, what searches need of it (results.Doc), for the library about to be
        # served: worked out as it is loaded (in the gunicorn master, before the workers
        # that inherit it are forked), not by each worker's first search.
        self.known: dict = {}

    def prime(self, library: Library) -> None:
        self.known = known_docs(library, self.known)

    def index_for(self, library: Library) -> SearchIndex | None:
        opened = self._open
        if opened is not None and opened.generation == library.generation:
            return opened
        path = generation_dir(self.index_dir, library.generation)
        if not self._usable(path):
            builder = self._build_soon(library, self._damaged(path))
            if builder is not None and library.generation not in self._waited:
                self._waited.add(library.generation)
                builder.join(self.wait)
            if not self._usable(path):
                path = current(self.index_dir)
                if path is not None and not self._usable(path):
                    self._build_soon(library, self._damaged(path))
                    path = None
        return self._open if path is None else self._switch(library, path)

    def search(self, library: Library, lang: str, now, request: Request) -> Results | None:
        """None when no index can be opened (never built, removed or damaged)."""
        opened = self.index_for(library)
        if opened is None:
            return None
        try:
            return opened.search(library, lang, now, request)
        except Exception:  # the 503 page, and a look at whether the files are to blame
            log.exception("search: %r failed in %s", request.q, opened.name)
            # Not for every failure: a query that trips a bug must not make each
            # request read the whole index again.
            if time.monotonic() - self._sound.get(opened.identity, -self.retry_max) \
                    >= self.retry_max:
                self._build_soon(library, suspect=opened)
            return None

    def warm(self, library: Library) -> Path | None:
        """Build ``library``'s index now unless a sound one is there (at server start).

        Does not open it: a process about to fork must not share whoosh's files."""
        if not self.auto_build:
            return None
        try:
            self.prime(library)
            return ensure_index(library, self.index_dir, grace=self.grace)
        except Exception:  # the site serves without search rather than not at all
            log.exception("search: cannot build the index in %s", self.index_dir)
            return None

    def update(self, library: Library) -> Path | None:
        """Build ``library``'s generation now if updating the current one can (a few
        changed documents); a full build is left to the background, as pages must not
        wait for it. None when not built here."""
        if not self.auto_build:
            return None
        try:
            return build_index(library, self.index_dir, grace=self.grace, wait=False,
                               afresh=False)
        except Exception:  # the workers build it, as they would have anyway
            log.exception("search: cannot update the index in %s", self.index_dir)
            return None

    def join(self, timeout: float | None = None) -> None:
        """Until a background build, if any, has finished (tests, shutdown)."""
        builder = self._builder
        if builder is not None:
            builder.join(timeout)

    def _usable(self, path: Path) -> bool:
        return is_complete(path) and identity(path) not in self._broken

    def _damaged(self, path: Path) -> tuple[Path, tuple[int, int, int]] | None:
        found = identity(path)
        return (path, found) if found is not None and found in self._broken else None

    def _switch(self, library: Library, path: Path) -> SearchIndex | None:
        """The open index of ``path``, opened now if need be; the previous one when it
        cannot be opened."""
        with self._lock:
            if self._open is not None and self._open.name == path.name:
                return self._open
            was = identity(path)
            try:
                fresh = SearchIndex(path, known=self._open.known if self._open is not None
                                    else self.known)
            except Exception:
                log.exception("search: %s cannot be opened", path.name)
                fresh = None
                if was is not None:
                    self._broken.add(was)
            else:
                previous, self._open = self._open, fresh
                log.info("search: opened %s", path.name)
        if fresh is None:
            self._build_soon(library, (path, was) if was is not None else None)
            return self._open
        if previous is not None:
            previous.close()
        return fresh

    def _build_soon(self, library: Library,
                    broken: tuple[Path, tuple[int, int, int]] | None = None,
                    suspect: SearchIndex | None = None) -> Thread | None:
        """The thread building (or about to build) an index, if any."""
        if not self.auto_build:
            return None
        with self._lock:
            if self._builder is not None and self._builder.is_alive():
                return self._builder
            if time.monotonic() < self._retry_at.get(library.generation, 0.0):
                return None
            self._builder = Thread(target=self._build, args=(library, broken, suspect),
                                   name="search-index")
            self._builder.start()
            return self._builder

    def _build(self, library: Library, broken: tuple[Path, tuple[int, int, int]] | None,
               suspect: SearchIndex | None) -> None:
        if suspect is not None:
            found = problem(suspect.path) if suspect.identity == identity(suspect.path) \
                else "removed"
            if found is None:  # the files are whole: a rebuild would change nothing
                self._sound[suspect.identity] = time.monotonic()
                return
            log.error("search: %s is damaged (%s)", suspect.name, found)
            self._drop(suspect)
            broken = (suspect.path, suspect.identity) if suspect.identity else None
        try:
            build_index(library, self.index_dir, grace=self.grace,
                        broken=[broken] if broken is not None else ())
        except Exception:  # the previous index, if any, keeps serving
            self._failures += 1
            delay = min(self.retry_max, self.retry * 2 ** (self._failures - 1))
            self._retry_at[library.generation] = time.monotonic() + delay
            log.exception("search: building the index for %s failed; trying again in %gs",
                          library.generation, delay)
        else:
            self._failures = 0
            self._retry_at.pop(library.generation, None)

    def _drop(self, index: SearchIndex) -> None:
        """Stop answering from ``index``, and never open its files again."""
        if index.identity is not None:
            self._broken.add(index.identity)
        with self._lock:
            if self._open is not index:
                return
            self._open = None
        index.close()


def init_app(app) -> None:
    """Attach a :class:`Search`; building the index is left to :func:`prepare`, to
    ``portal index`` and to the first search."""
    search = app.extensions["portal.search"] = Search(
        app.config["INDEX_DIR"], auto_build=app.config["SEARCH_AUTO_BUILD"])
    store = app.extensions["portal.store"]
    store.before_swap.append(search.prime)
    # The gunicorn master brings the index up to a change before forking the workers
    # with it: they open it at once instead of one building it while the others wait.
    store.for_forks.append(search.update)


def prepare(app) -> Path | None:
    """Build the index of the library ``app`` serves, unless a sound one is there.

    For server start-up (before gunicorn forks its workers), so that the first
    searches need not wait. The path of the generation, or None when it could
    not be built (searches then try again themselves)."""
    return app.extensions["portal.search"].warm(app.extensions["portal.store"].library)
