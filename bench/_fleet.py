"""Several app machines in one benchmark: the office's push to all of them, and one
publication followed on every worker of every machine and through nginx."""
from __future__ import annotations

import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ._live import SURFACES, follow, probe
from ._servers import ROOT
from ._table import Table
from .publish import LIVE_TIMEOUT, _describe, _paths, _publish

PUSH = ROOT / "deploy" / "portal-push"
HOLD = 1.5  # seconds nginx must keep serving a publication after every worker has it


def push(office: Path, trees: list[Path]) -> subprocess.CompletedProcess:
    """The office's tree to every machine, as the office's hook does it."""
    return subprocess.run([str(PUSH), str(office), *map(str, trees)], capture_output=True,
                          text=True, timeout=300)


def through_nginx(port: int, paths: dict, needle: str, started: float,
                  everywhere: threading.Event) -> float | None:
    """Seconds from ``started`` until nginx showed ``needle`` on every surface and kept
    showing it: probes go on until every worker of both machines has it, and HOLD
    seconds more; a probe that misses it after one that showed it starts the count
    again. None if it never settled within LIVE_TIMEOUT."""
    since, settled_at = None, None
    while time.monotonic() - started < LIVE_TIMEOUT:
        _, shown = probe(port, paths, needle)
        now = time.monotonic()
        if shown and all(shown.get(s) for s in SURFACES):
            since = now - started if since is None else since
        else:
            since = None
        if everywhere.is_set():
            settled_at = settled_at or now
            if since is not None and now - settled_at >= HOLD:
                return since
        time.sleep(0.05)
    return None


def publish(n: int, workdir: Path, office: Path, machines: dict, nginx_port: int) -> dict:
    """One publication: written into the office's tree, pushed to both machines, followed
    on every worker of each machine and through nginx."""
    paths, needle = _paths(n), f"Bridge {n} closed"
    everywhere = threading.Event()
    workers = {name: server.workers for name, (server, _) in machines.items()}
    with ThreadPoolExecutor(len(machines) + 1) as pool:
        started = _publish(workdir, office, n)
        watching = {name: pool.submit(follow, server.port, paths, needle, workers[name],
                                      started, LIVE_TIMEOUT)
                    for name, (server, _) in machines.items()}
        nginx = pool.submit(through_nginx, nginx_port, paths, needle, started, everywhere)
        pushed = push(office, [tree for _, tree in machines.values()])
        synced = time.monotonic() - started
        watches = {name: future.result() for name, future in watching.items()}
        everywhere.set()
        via_nginx = nginx.result()
    return {"n": n, "synced": synced, "push": pushed, "watches": watches, "nginx": via_nginx}


def describe(run: dict) -> str:
    """Per machine, bench/publish.py's line: each worker's time on each surface."""
    n = run["n"]
    if run["push"].returncode:
        return f"  publication {n}: portal-push FAILED: {run['push'].stderr.strip()}"
    nginx = "never" if run["nginx"] is None else f"{run['nginx']:.2f} s"
    lines = [f"  publication {n}: pushed to both in {run['synced']:.2f} s; "
             f"through nginx {nginx}"]
    lines += [f"  machine {m}" + _describe(n, watch)[1:] for m, watch in run["watches"].items()]
    return "\n".join(lines)


def publication_rows(table: Table, published: list[dict]) -> int:
    """One row per publication for every worker of both machines, one through nginx;
    how many were lost."""
    lost = 0
    for run in published:
        n, watches = run["n"], run["watches"]
        failed = [(m, pid, s) for m, w in watches.items() for pid, s in w.lagging()]
        if failed or run["push"].returncode:
            lost += 1
            where = ", ".join(f"{m} worker {pid} {s}" for m, pid, s in failed) or "push failed"
            table.add(f"publish-to-live {n}, every worker of a and b", "LOST", where, "",
                      "<= 2 s", False)
        else:
            m, (pid, surface, seconds) = max(((m, w.slowest()) for m, w in watches.items()),
                                             key=lambda pair: pair[1][2])
            table.add(f"publish-to-live {n}, every worker of a and b", f"{seconds:.2f} s",
                      f"slowest {m} worker {pid} {surface}; push {run['synced']:.2f} s", "",
                      "<= 2 s", seconds <= 2)
        seconds = run["nginx"]
        table.add(f"publish-to-live {n}, through nginx",
                  "LOST" if seconds is None else f"{seconds:.2f} s", "-", "",
                  "<= 2 s + 1 s micro-cache", seconds is not None and seconds <= 3)
        lost += seconds is None and not failed
    return lost
