"""What reading pages show from the database, kept in memory and refreshed in the
background, so no page a resident reads ever waits for the database or fails with it.

A request only looks at the snapshot; when it is older than ``DATABASE_REFRESH``
seconds, the request starts one refresh on a real thread and answers at once with the
values it has. When the database is down the last known values stay, and the report
form says it cannot take reports online. The refresh also runs the daily purge, which
one worker of all claims through a marker in the database.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from ..threads import Thread
from . import service, upkeep

log = logging.getLogger(__name__)
SWEEP_EVERY = dt.timedelta(minutes=10)


class Snapshot:
    def __init__(self, database, clock: Callable, interval: float):
        self.database, self.clock, self.interval = database, clock, interval
        self.counts: dict[str, int] = {}
        self.board: list[service.BoardClaim] = []
        self.available: bool | None = None  # None: not asked yet
        self.version = 0  # changes when what pages show changes (the page cache keys on it)
        self.refreshed = float("-inf")
        self._lock = threading.Lock()
        self._running = False
        self._thread: Thread | None = None

    def state(self) -> int:
        """What pages depend on, asked on every request: starts a refresh when due."""
        if time.monotonic() - self.refreshed >= self.interval and not self._running:
            self.start()
        return self.version

    def start(self) -> None:
        with self._lock:
            if self._running:
                return
            self._running = True
            self._thread = Thread(target=self._run, name="report-snapshot")
            self._thread.start()

    def join(self, timeout: float = 10.0) -> None:
        """Until a refresh under way, if any, is done (before the engine is disposed)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        try:
            self.refresh()
        finally:
            self._running = False

    def refresh(self) -> bool:
        """Read counts and board now (and purge once a day); False if the database failed."""
        now = self.clock()
        try:
            with self.database.session() as session:
                counts, board = service.counts(session), service.board(session)
            with self.database.session() as session:
                if upkeep.claim_daily(session, "sweep", now, SWEEP_EVERY):
                    upkeep.sweep(session, now)
            with self.database.session() as session:
                if upkeep.claim_daily(session, "purge", now):
                    deleted = upkeep.purge(session, now)
                    log.info("daily purge: %s", deleted)
        except Exception as exc:  # noqa: BLE001 - keep the last known values
            if self.available is not False:
                log.warning("the database is unavailable (%s: %s); pages keep the last "
                            "known report counts", type(exc).__name__, exc)
            self.mark_unavailable()
            return False
        finally:
            self.refreshed = time.monotonic()
        changed = (counts, board) != (self.counts, self.board) or self.available is False
        self.counts, self.board, self.available = counts, board, True
        if changed:
            self.version += 1
        return True

    def ping(self) -> bool:
        """Can reports be taken now? Asked by the form page only (bounded by the
        database's connect and statement timeouts), never by reading pages."""
        try:
            # A plain read on the driver's connection: no transaction, so on SQLite no
            # write lock (sessions there begin IMMEDIATE). The table says it is migrated.
            connection = self.database.engine.raw_connection()
            try:
                connection.cursor().execute("SELECT 1 FROM markers LIMIT 1")
            finally:
                connection.close()
        except Exception:  # noqa: BLE001
            self.mark_unavailable()
            return False
        if self.available is False:
            self.expire()  # back: read counts and board again at the next request
        return True

    def mark_unavailable(self) -> None:
        if self.available is not False:
            self.available = False
            self.version += 1

    def expire(self) -> None:
        """Refresh at the next request (after a change made by this process)."""
        self.refreshed = float("-inf")
