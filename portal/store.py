"""Holds the current :class:`Library` for the app and knows what time it is."""
from __future__ import annotations

import hashlib
import os

import datetime as dt
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from babel.support import Translations
from flask import Flask, current_app

from .content import LastGood, Library, Registry, load
from .content.rendercache import RenderCache
from .content.snapshot import Snapshot, key as snapshot_key

log = logging.getLogger(__name__)


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ContentStore:
    """The one place the web layer gets content from.

    Readers take ``store.library`` once per request and use that snapshot;
    ``reload()`` builds a new library and swaps the reference, so a request
    never sees half of one state and half of another. The first load happens
    on first use (serving preloads it), so commands that never read content
    (``portal --help``) never pay for it.
    """

    def __init__(self, content_dir: str, kinds: Registry, translations_dir: str,
                 default_lang: str, clock: Callable[[], dt.datetime] = system_clock,
                 last_good_dir: str | None = None, image_hosts: frozenset[str] = frozenset()):
        self.content_dir = content_dir
        self.kinds = kinds
        self.translations_dir = translations_dir
        self.default_lang = default_lang
        self.clock = clock
        self.image_hosts = image_hosts
        self.last_good = LastGood(last_good_dir) if last_good_dir else None
        # Rendered bodies beside the last good versions: a restart renders nothing new.
        self.render_cache = RenderCache(Path(last_good_dir).with_name("render")) \
            if last_good_dir else None
        # What the last start-up loaded: a restart with unchanged files parses nothing.
        self.snapshot = Snapshot(Path(last_good_dir).with_name("snapshot") / (
            hashlib.sha256(os.path.realpath(content_dir).encode()).hexdigest()[:16] + ".pickle")
        ) if last_good_dir else None
        # Problems already logged on this machine, one marker file each: every worker
        # loads the same change, and a problem is one log line, not one per worker.
        self._reported_dir = Path(last_good_dir).with_name("reported") if last_good_dir else None
        self._reported: set[str] = set()
        self._backlink_titles: dict[str, str] = {}
        self._languages: tuple[str, ...] | None = None
        self._library: Library | None = None
        self._lock = threading.Lock()
        self.listeners: list[Callable[[Library, Library], None]] = []
        self.before_swap: list[Callable[[Library], None]] = []
        # In a process that only loads content for the processes it forks (the gunicorn
        # master), listeners are not called here but by each forked process, once:
        # their work (warming outputs, rebuilding files) belongs to whoever serves.
        self.defer_listeners = False
        # Work on a new library whose results every process should have, done by the
        # loading process itself when it forks the serving ones (the gunicorn master,
        # before it forks workers with the change): they then share it, not redo it.
        self.for_forks: list[Callable[[Library], None]] = []
        self.pending: tuple[Library, Library] | None = None
        self._handed = False

    @property
    def library(self) -> Library:
        library = self._library
        if library is None:
            with self._lock:
                if self._library is None:
                    self._library = self._load(None)
                library = self._library
        return library

    def subscribe(self, listener: Callable[[Library, Library], None]) -> None:
        """Call ``listener(old, new)`` after each reload that changed the content."""
        self.listeners.append(listener)

    def reload(self) -> Library:
        with self._lock:
            old = self._library
            library = self._load(old)
            if old is not None and library.generation == old.generation \
                    and library.problems == old.problems:
                # Nothing served changed (a file touched, one checked again after it
                # settled): keep the library and what it has worked out, with the
                # stamps and fingerprint of this look at the tree.
                old.restamp(library)
                return old
            if old is None or library.generation != old.generation:
                _each(self.before_swap, "preparing", library)  # ready when it is visible
            self._library = library
        if old is not None and library.generation != old.generation:
            log.info("content generation %s -> %s (%d items)",
                     old.generation, library.generation, len(library))
            if self.defer_listeners:
                # From what the processes forked last were given, however many reloads
                # came since: they are told of every change once.
                first = self.pending[0] if self.pending is not None and not self._handed \
                    else old
                self.pending, self._handed = (first, library), False
            else:
                self._tell(old, library)
        return library

    def prepare_forks(self, library: Library) -> None:
        _each(self.for_forks, "preparing for the workers", library)

    def handed_over(self) -> None:
        """A process was just forked from this one with the pending change."""
        self._handed = True

    def run_pending(self) -> None:
        """In a process forked after reloads whose listeners were deferred: call them,
        beside serving (a listener may wait on the network)."""
        pending, self.pending = self.pending, None
        self.defer_listeners = False
        if pending is not None:
            from .threads import Thread
            Thread(target=self._tell, args=pending, name="content-listeners").start()

    def _tell(self, old: Library, new: Library) -> None:
        _each(self.listeners, "content listener", old, new)

    def now(self) -> dt.datetime:
        return self.clock()

    def languages(self) -> tuple[str, ...]:
        """The default language and every language with a catalogue. Read once: the
        watcher asks on every poll, and a new catalogue needs a restart to be served."""
        if self._languages is None:
            found = {self.default_lang}
            root = Path(self.translations_dir)
            if root.is_dir():
                found.update(p.parent.parent.name
                             for p in root.glob("*/LC_MESSAGES/messages.po"))
            self._languages = tuple(sorted(found))
        return self._languages

    def _load(self, previous: Library | None) -> Library:
        started = previous is None and self.snapshot is not None
        if started:
            expected = self._snapshot_key()
            previous = self.snapshot.read(expected, self.kinds)
        library = self._load_after(previous)
        if started and (previous is None or previous.fingerprint != library.fingerprint
                        or previous.generation != library.generation):
            self.snapshot.write(library, expected)
        return library

    def _snapshot_key(self) -> str:
        return snapshot_key(content=os.path.realpath(self.content_dir),
                            languages=self.languages(), default_lang=self.default_lang,
                            image_hosts=tuple(sorted(self.image_hosts)),
                            titles=tuple(self._backlink_title(lang) for lang in self.languages()))

    def _load_after(self, previous: Library | None) -> Library:
        library = load(self.content_dir, self.kinds, previous,
                       backlink_title=self._backlink_title, default_lang=self.default_lang,
                       last_good=self.last_good, languages=self.languages(),
                       image_hosts=self.image_hosts, render_cache=self.render_cache)
        self._report(library)
        return library

    def _report(self, library: Library) -> None:
        """Log each error once per machine, and again only when the file changes."""
        for problem in library.errors:
            failure = library.failed.get(problem.path)
            digest = failure.digest if failure is not None else library.site_digest
            key = hashlib.sha256(f"{problem}\0{digest}".encode()).hexdigest()[:32]
            if key in self._reported:
                continue
            self._reported.add(key)
            if self._reported_dir is not None:
                try:
                    self._reported_dir.mkdir(parents=True, exist_ok=True)
                    os.close(os.open(self._reported_dir / key, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                except FileExistsError:
                    continue  # another worker said it
                except OSError:
                    pass  # cannot tell: say it rather than lose it
            log.error("%s", problem)

    def _backlink_title(self, lang: str) -> str:
        # Asked once per rendered file: read each language's catalogue only once.
        if lang not in self._backlink_titles:
            translations = Translations.load(self.translations_dir, [lang])
            self._backlink_titles[lang] = translations.gettext("Back to footnote {} in the text")
        return self._backlink_titles[lang]


def _each(calls: list[Callable], what: str, *args) -> None:
    """Call each of ``calls`` with ``args``; a failure is logged and never stops
    publishing (a failed warm-up costs only the head start)."""
    for call in calls:
        try:
            call(*args)
        except Exception:
            log.exception("%s %r failed", what, call)


def init_app(app: Flask, kinds: Registry) -> None:
    config = app.config
    app.extensions["portal.kinds"] = kinds
    app.extensions["portal.store"] = ContentStore(
        config["CONTENT_DIR"], kinds, config["TRANSLATIONS_DIR"], config["DEFAULT_LANG"],
        clock=config.get("CLOCK") or system_clock,
        last_good_dir=str(Path(config["BUILD_DIR"]) / "last-good"),
        image_hosts=frozenset(config["IMAGE_HOSTS"]),
    )


def get_store() -> ContentStore:
    return current_app.extensions["portal.store"]
