"""Live content: every worker notices changed files and swaps in a new library.

Each process polls the tree's stat data (names, sizes, modification times)
every RELOAD_INTERVAL seconds. Polling was chosen over inotify because it
works the same on every filesystem an office might publish to (network shares,
bind mounts, synced folders), needs no coordination between gunicorn workers,
and costs a few milliseconds per scan even at 10,000 files. A change is acted on
only once two scans RELOAD_SETTLE seconds apart agree, so a file an editor
saves in two steps is never published half-written.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import time

from flask import Flask

from .store import ContentStore

log = logging.getLogger(__name__)


def fingerprint(root: str) -> str:
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".md", ".yml")):
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                digest.update(f"{path}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
    return digest.hexdigest()


class Watcher:
    def __init__(self, store: ContentStore, interval: float, settle: float):
        self.store, self.interval, self.settle = store, interval, settle
        self.pid: int | None = None
        self.lock = threading.Lock()
        self.seen = fingerprint(store.content_dir)

    def ensure_running(self) -> None:
        """Start the polling thread in this process (threads do not survive a fork)."""
        if self.pid == os.getpid():
            return
        with self.lock:
            if self.pid != os.getpid():
                self.pid = os.getpid()
                threading.Thread(target=self._run, name="content-watcher", daemon=True).start()

    def check(self) -> bool:
        """One poll: reload if the tree changed and has settled. True if reloaded."""
        current = fingerprint(self.store.content_dir)
        if current == self.seen:
            return False
        time.sleep(self.settle)
        settled = fingerprint(self.store.content_dir)
        if settled != current:
            return False  # still being written; look again next time
        self.store.reload()
        self.seen = settled
        return True

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            try:
                self.check()
            except Exception:  # a bad tree must never stop the watching
                log.exception("content reload failed; still serving the last good content")


def init_app(app: Flask) -> None:
    interval = float(app.config["RELOAD_INTERVAL"])
    if interval <= 0:
        return
    watcher = Watcher(app.extensions["portal.store"], interval, float(app.config["RELOAD_SETTLE"]))
    app.extensions["portal.watcher"] = watcher
    app.before_request(watcher.ensure_running)
