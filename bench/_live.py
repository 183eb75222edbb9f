"""Which worker serves a publication on which surface: one keep-alive connection is
one worker, and /healthz on it names the worker's pid.

The workers that must show it are the ones serving: on a change the gunicorn master
forks new workers and stops the old ones, so a worker that has been replaced is not
waited for, and one forked since must show it too."""
from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from pathlib import Path

SURFACES = ("page", "search", "feed")


def probe(port: int, paths: dict[str, tuple[str, ...]], needle: str,
          timeout: float = 10) -> tuple[int | None, dict[str, bool]]:
    """(worker pid, {surface: shows needle}) from one connection, so one worker."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        pid = json.loads(response.read()).get("pid")
        shown = {}
        for surface, urls in paths.items():
            shown[surface] = True
            for path in urls:
                if response.will_close:  # a worker stopping: what follows is another's
                    return None, {}
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read().decode()
                shown[surface] = shown[surface] and response.status == 200 and needle in body
        return pid, shown
    except (OSError, ValueError, http.client.HTTPException):
        return None, {}
    finally:
        connection.close()


def serving(master: int, count: int) -> list[int]:
    """The workers of gunicorn master ``master`` that serve: its ``count`` youngest
    children (gunicorn stops the oldest beyond its number of workers)."""
    try:
        children = [int(p) for p in
                    Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []
    started = {}
    for pid in children:
        try:  # field 22 of /proc/PID/stat, after the parenthesised name: start time
            started[pid] = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        except (OSError, IndexError, ValueError):
            pass  # gone meanwhile
    return sorted(started, key=lambda pid: (started[pid], pid))[-count:]


class Watch:
    """When each worker first showed a publication on each surface."""

    def __init__(self, workers: Callable[[], list[int]], started: float):
        self.current, self.started = workers, started
        self.workers: list[int] = []  # every worker seen serving while it was followed
        self.live: dict[tuple[int, str], float] = {}
        self._serving = self._look()

    def _look(self) -> list[int]:
        found = self.current()
        self.workers += [pid for pid in found if pid not in self.workers]
        return found

    def see(self, pid: int | None, shown: dict[str, bool]) -> None:
        if pid is None:
            return
        self._serving = self._look()
        for surface, ok in shown.items():
            if ok:
                self.live.setdefault((pid, surface), time.monotonic() - self.started)

    def done(self) -> bool:
        return bool(self._serving) and all((pid, s) in self.live for pid in self._serving
                                           for s in SURFACES)

    def lagging(self) -> list[tuple[int, str]]:
        return [(pid, s) for pid in self._serving for s in SURFACES
                if (pid, s) not in self.live]

    def seconds(self) -> float:
        """Until the last worker showed it on its last surface (inf if never)."""
        return float("inf") if not self.done() else max(self.live.values())

    def slowest(self) -> tuple[int, str, float] | None:
        if not self.live:
            return None
        (pid, surface), seconds = max(self.live.items(), key=lambda pair: pair[1])
        return pid, surface, seconds


def follow(port: int, paths: dict[str, tuple[str, ...]], needle: str,
           workers: Callable[[], list[int]], started: float, limit: float,
           watches: list | None = None) -> Watch:
    """Probe until every serving worker (``workers()``) shows ``needle`` on every
    surface, or ``limit`` passes."""
    watch = Watch(workers, started)
    while not watch.done() and time.monotonic() - started < limit:
        watch.see(*probe(port, paths, needle))
        time.sleep(0.02)
    return watch
