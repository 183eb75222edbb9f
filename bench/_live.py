"""Which worker serves a publication on which surface: one keep-alive connection is
one worker, and /healthz on it names the worker's pid."""
from __future__ import annotations

import http.client
import json
import time

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
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read().decode()
                shown[surface] = shown[surface] and response.status == 200 and needle in body
        return pid, shown
    except (OSError, ValueError, http.client.HTTPException):
        return None, {}
    finally:
        connection.close()


class Watch:
    """When each worker first showed a publication on each surface."""

    def __init__(self, workers: list[int], started: float):
        self.workers, self.started = list(workers), started
        self.live: dict[tuple[int, str], float] = {}

    def see(self, pid: int | None, shown: dict[str, bool]) -> None:
        if pid is None:
            return
        if pid not in self.workers:
            self.workers.append(pid)  # a respawned worker: it must show it too
        for surface, ok in shown.items():
            if ok:
                self.live.setdefault((pid, surface), time.monotonic() - self.started)

    def done(self) -> bool:
        return all((pid, s) in self.live for pid in self.workers for s in SURFACES)

    def lagging(self) -> list[tuple[int, str]]:
        return [(pid, s) for pid in self.workers for s in SURFACES if (pid, s) not in self.live]

    def seconds(self) -> float:
        """Until the last worker showed it on its last surface (inf if never)."""
        return float("inf") if not self.done() else max(self.live.values())

    def slowest(self) -> tuple[int, str, float] | None:
        if not self.live:
            return None
        (pid, surface), seconds = max(self.live.items(), key=lambda pair: pair[1])
        return pid, surface, seconds


def follow(port: int, paths: dict[str, tuple[str, ...]], needle: str, workers: list[int],
           started: float, limit: float, watches: list | None = None) -> Watch:
    """Probe until every worker shows ``needle`` on every surface, or ``limit`` passes."""
    watch = Watch(workers, started)
    while not watch.done() and time.monotonic() - started < limit:
        watch.see(*probe(port, paths, needle))
        time.sleep(0.02)
    return watch
