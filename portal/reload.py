"""Live content: one watcher per machine notices changed files; every worker swaps in a
new library.

The workers of a machine elect one leader with a lock file under BUILD_DIR
(the lock dies with its holder, so when the leader is recycled or killed the
next worker to try takes over and looks at the whole tree at once). The
leader watches the content tree; when a change has settled it says so in a
small state file beside the lock, and every worker, the leader too, loads the
new tree itself, at the same time. A follower's cost while nothing changes is
one ``stat`` of that file every ``FOLLOW`` seconds.

How the leader watches, RELOAD_MODE:

- ``events`` (the default): kernel change events (inotify, portal/inotify.py),
  which cost nothing while nothing changes, and a full look at the tree every
  RELOAD_SCAN seconds all the same, so that a change the events did not bring
  (a network share written from another machine, a watch the kernel refused)
  is published within that time rather than never. Without inotify the
  leader polls.
- ``poll``: the tree's names, sizes and modification times are compared every
  RELOAD_INTERVAL seconds; that behaves the same on every filesystem.

Either way a change is acted on only once the tree has been still for
RELOAD_SETTLE seconds, so a file an editor saves in two steps is never
published half-written; and the loader only re-reads files whose stat changed
(or that changed too recently for their stamp to be trusted: the library says
so, and the leader looks again once they have settled). Where BUILD_DIR cannot
hold the lock, every process watches for itself.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
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

    def ensure_running(self) -> None:
        """Start watching in this process (threads do not survive a fork)."""
        if self.pid == os.getpid():
            return
        with self.lock:
            if self.pid != os.getpid():
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
        self._announce()
        self.store.reload()
        return True

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
        # Leading from now on: what changed before (or while the last leader died) first.
        self._safely(self.check)
        if self.mode == "events" and self._start_observer():
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
                self._announce()
                self._safely(self.store.reload)
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
