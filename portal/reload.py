"""Live content: one watcher per machine notices changed files and the new library is
served by every worker.

Under gunicorn with the app preloaded (the shipped settings) the master watches
(:meth:`Watcher.run_in_master`, from the ``when_ready`` hook). It loads each
settled change once and sends itself ``HUP``: gunicorn forks new workers, which
inherit the new library and share its pages with the master and each other, and
stops the old ones. A worker never loads content then, and holds no private copy
of it; while the master loads, it forks nothing (an at-fork hook waits for the
load), so a respawned worker always starts from a whole library. What listeners of
the store do per change (warming outputs, pinging hubs) each new worker does once.

Otherwise the workers of a machine elect one leader with a lock file under
BUILD_DIR (the lock dies with its holder, so when the leader is recycled or killed
the next worker to try takes over and looks at the whole tree at once). The
leader watches the content tree; when a change has settled it says so in a small
state file beside the lock, and every worker, the leader too, loads the new tree
itself, at the same time. A follower's cost while nothing changes is one ``stat``
of that file every ``FOLLOW`` seconds.

How the master or the leader watches, RELOAD_MODE:

- ``events`` (the default): kernel change events (inotify, portal/inotify.py),
  which cost nothing while nothing changes, and a full look at the tree every
  RELOAD_SCAN seconds all the same, so that a change the events did not bring
  (a network share written from another machine, a watch the kernel refused)
  is published within that time rather than never. Without inotify it polls.
- ``poll``: the tree's names, sizes and modification times are compared every
  RELOAD_INTERVAL seconds; that behaves the same on every filesystem.

Either way a change is acted on only once the tree has been still for
RELOAD_SETTLE seconds, so a file an editor saves in two steps is never
published half-written; and the loader only re-reads files whose stat changed
(or that changed too recently for their stamp to be trusted: the library says
so, and the watcher looks again once they have settled). Where BUILD_DIR cannot
hold the lock, every process watches for itself.
"""
from __future__ import annotations

import fcntl
import gc
import hashlib
import logging
import os
import signal
import tempfile
import threading
import time
from pathlib import Path

from flask import Flask

from .content.loader import UNSETTLED, fingerprint as tree_fingerprint, walk
from .store import ContentStore
from .threads import Thread

log = logging.getLogger(__name__)
WATCHED = (".md", ".yml")
FOLLOW = 0.1  # seconds between a follower's looks at the leader's state file


def fingerprint(store: ContentStore) -> str:
    """The tree as the loader would list it now (the same walk, the same hash)."""
    root = store.content_dir.rstrip(os.sep) or os.sep
    notes: list = []
    return tree_fingerprint(root, walk(root, store.kinds, store.languages(), notes), notes)


class Watcher:
    def __init__(self, store: ContentStore, interval: float, settle: float, mode: str = "poll",
                 coordination_dir: str | Path | None = None, scan: float = 30.0):
        self.store, self.interval, self.settle, self.mode = store, interval, settle, mode
        self.scan = scan
        self.pid: int | None = None
        self.lock = threading.Lock()
        self.changed = threading.Event()
        self.role = "none"  # "leader", "follower", or "alone" (no lock to be had)
        name = hashlib.sha256(os.path.realpath(store.content_dir).encode()).hexdigest()[:16]
        base = Path(coordination_dir) if coordination_dir else None
        self._lock_path = base / f"{name}.lock" if base else None
        self._state_path = base / f"{name}.state" if base else None
        self._lock_file = None
        self._seen = None
        self.master: int | None = None  # the pid of the master watching for its workers
        self._forking = threading.RLock()

    def ensure_running(self) -> None:
        """Start watching in this process (threads do not survive a fork)."""
        if self.pid == os.getpid():
            return
        with self.lock:
            if self.pid != os.getpid() and self.master is not None:
                # Forked by the master that watches: what it loaded is current (it
                # forks nothing while loading), and it forks new workers for each change.
                self.pid, self.role = os.getpid(), "forked"
                self.store.run_pending()
            elif self.pid != os.getpid():
                self.pid = os.getpid()
                self._lock_file, self.role = None, "none"
                # Read before catching up: a change announced meanwhile is loaded again.
                self._seen = self._state()
                # A worker forked now (a respawn, a recycle) holds the master's start-up
                # content: catch up before serving, with the last good versions on disk,
                # so it serves the same state as the workers that saw every change.
                self._safely(self.store.reload)
                Thread(target=self._run, name="content-watcher").start()

    def check(self) -> bool:
        """One full look: reload if the tree changed and has settled. True if reloaded."""
        current = fingerprint(self.store)
        if current == self.store.library.fingerprint:
            return False
        time.sleep(self.settle)
        settled = fingerprint(self.store)
        if settled != current:
            return False  # still being written; look again next time
        self._apply()
        return True

    def _apply(self) -> None:
        """Publish the settled tree: a leader tells its followers and loads it; the
        master loads it and has gunicorn replace its workers with ones forked now."""
        if self.role != "master":
            self._announce()
            self.store.reload()
            return
        with self._forking:  # no worker is forked from a half-built library
            before = self.store.library
            after = self.store.reload()
            if after is not before:
                # Built here once, what each worker would otherwise build for itself.
                self.store.prepare_forks(after)
                # What the new workers inherit, the collector of none of them walks.
                gc.freeze()
        if after is not before:
            log.info("content loaded in the master; forking new workers (pid %d)",
                     os.getpid())
            os.kill(os.getpid(), signal.SIGHUP)

    # -- watching in the gunicorn master --------------------------------------------------

    def run_in_master(self) -> None:
        """Watch from this process (the gunicorn master, app preloaded), for every worker
        it forks: one load per change for the machine, then workers forked with it
        share it (copy-on-write) instead of each loading and holding its own copy."""
        if self.master is not None:
            return
        self.master = self.pid = os.getpid()
        self.role = "master"
        self.store.defer_listeners = True
        os.register_at_fork(before=self._forking.acquire,
                            after_in_parent=self._forked, after_in_child=self._forking.release)
        log.info("watching %s for this machine (pid %d)", self.store.content_dir, os.getpid())
        # From what changed while the master was starting.
        Thread(target=self._watch, name="content-watcher").start()

    def _forked(self) -> None:
        if threading.current_thread() is threading.main_thread():  # gunicorn forking a
            self.store.handed_over()  # worker, not a pool of the loader's
        self._forking.release()

    # -- leader election and the state file ---------------------------------------------

    def _lead(self) -> bool:
        """True once this process leads (or must watch alone)."""
        if self.role in ("leader", "alone"):
            return True
        if self._lock_path is None:
            self.role = "alone"
            return True
        try:
            if self._lock_file is None:
                self._lock_path.parent.mkdir(parents=True, exist_ok=True)
                self._lock_file = open(self._lock_path, "a+b")
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.role = "follower"
            return False
        except OSError:
            log.warning("cannot lock %s: this process watches the content itself",
                        self._lock_path, exc_info=True)
            self.role = "alone"
            return True
        log.info("watching %s for this machine (pid %d)", self.store.content_dir, os.getpid())
        self.role = "leader"
        return True

    def _state(self):
        if self._state_path is None:
            return None
        try:
            info = os.stat(self._state_path)
        except OSError:
            return None
        return info.st_ino, info.st_mtime_ns, info.st_size

    def _announce(self) -> None:
        """Tell the followers to load the tree now."""
        if self._state_path is None or self.role == "alone":
            return
        try:
            fd, tmp = tempfile.mkstemp(dir=self._state_path.parent, prefix=".state-")
            with os.fdopen(fd, "w") as handle:
                handle.write(f"{time.time_ns()} {os.getpid()}\n")
            os.replace(tmp, self._state_path)
            self._seen = self._state()
        except OSError:
            log.warning("cannot write %s; other workers will not reload", self._state_path,
                        exc_info=True)

    # -- the loops -----------------------------------------------------------------------

    def _run(self) -> None:
        while not self._lead():  # a try costs one flock call: the leader may have gone
            self._safely(self._follow)
            time.sleep(FOLLOW)
        self._watch()  # from what changed before (or while the last leader died)

    def _watch(self) -> None:
        """Watch for good. The events are asked for before the first full look: a file
        written between that look and the watch being set would bring no event, and
        wait for the periodic look (RELOAD_SCAN seconds) instead of seconds."""
        observing = self.mode == "events" and self._start_observer()
        self._safely(self.check)
        if observing:
            self._lead_events()
        else:
            self._lead_poll()

    def _follow(self) -> None:
        state = self._state()
        if state != self._seen:
            self._seen = state
            self.store.reload()

    def _lead_poll(self) -> None:
        while True:
            time.sleep(self.interval)
            self._safely(self.check)

    def _lead_events(self) -> None:
        last_scan = time.monotonic()
        while True:
            unsettled = self.store.library.fingerprint.endswith(UNSETTLED)
            wait = self.interval if unsettled else max(0.0, self.scan - (time.monotonic() - last_scan))
            if self.changed.wait(wait):
                # Debounce: wait until the tree has been still for `settle` seconds.
                while self.changed.is_set():
                    self.changed.clear()
                    time.sleep(self.settle)
                self._safely(self._apply)
                continue
            self._safely(self.check)  # files just written, or the periodic full look
            if not unsettled:
                last_scan = time.monotonic()

    def _start_observer(self) -> bool:
        try:
            from .inotify import Watch
            Watch(self.store.content_dir, self.changed.set,
                  lambda name: name.endswith(WATCHED) and not name.startswith(".")).start()
            return True
        except Exception:  # no inotify here (or too few watches): fall back to polling
            log.warning("file events unavailable; polling %s every %ss",
                        self.store.content_dir, self.interval, exc_info=True)
            return False

    @staticmethod
    def _safely(step) -> None:
        try:
            step()
        except Exception:  # a bad tree must never stop the watching
            log.exception("content reload failed; still serving the last good content")


def start_watching(app: Flask) -> None:
    """Start watching in this process now (gunicorn's post_fork hook calls this)."""
    watcher = app.extensions.get("portal.watcher")
    if watcher is not None:
        watcher.ensure_running()


def watch_in_master(app: Flask) -> None:
    """Watch from the gunicorn master for all its workers (its when_ready hook)."""
    watcher = app.extensions.get("portal.watcher")
    if watcher is not None:
        watcher.run_in_master()


def init_app(app: Flask) -> None:
    interval = float(app.config["RELOAD_INTERVAL"])
    if interval <= 0:
        return
    watcher = Watcher(app.extensions["portal.store"], interval, float(app.config["RELOAD_SETTLE"]),
                      app.config["RELOAD_MODE"],
                      coordination_dir=Path(app.config["BUILD_DIR"]) / "watch",
                      scan=float(app.config["RELOAD_SCAN"]))
    app.extensions["portal.watcher"] = watcher
    app.before_request(watcher.ensure_running)
