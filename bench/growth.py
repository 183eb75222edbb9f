"""How cost grows with the archive: one row per corpus size, so each figure's growth
reads down its column.

For each size in BENCH_GROWTH_SIZES (default "1000,10000,30000"; e.g. "500,2000" for a
quick run), on a generated tree (bench/corpus.py), with goals.py's and publish.py's
own measuring functions:

- cold start: nothing under BUILD_DIR or INDEX_DIR, until the first search answers;
  beside it Hugo building the same documents;
- restart with unchanged content (the same BUILD_DIR and INDEX_DIR), until the first
  search answers;
- USS per worker (2 workers) after one content change;
- publish-to-live: BENCH_GROWTH_RUNS publications (default 2), each followed until
  every worker shows it on its page, in search and in the feeds; the slowest, with
  the worker and surface. A publication some worker never shows is LOST and the
  bench fails;
- uncached search p50 (bench/search.py on a generated corpus of the same size),
  beside SQLite FTS5 on the same documents.

A 30,000-document cold start takes many minutes on a small machine.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from . import search
from ._live import follow
from ._servers import Servers
from ._site import worker_memory
from ._table import Grid
from .corpus import write_tree
from .goals import hugo_build, start
from .publish import LIVE_TIMEOUT, _paths, _publish

SIZES = tuple(int(size) for size in
              os.environ.get("BENCH_GROWTH_SIZES", "1000,10000,30000").split(",") if size.strip())
RUNS = int(os.environ.get("BENCH_GROWTH_RUNS", 2))


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def measure(size: int) -> dict:
    """Every figure of one row."""
    with tempfile.TemporaryDirectory(prefix=f"portal-growth-{size}-") as name:
        workdir = Path(name)
        content = workdir / "content"
        count = write_tree(content, size)
        hugo = hugo_build(content, workdir)
        env = {"PORTAL_CONTENT_DIR": str(content), "PORTAL_BUILD_DIR": str(workdir / "build"),
               "PORTAL_INDEX_DIR": str(workdir / "index")}
        with Servers(workdir) as servers:
            server, cold = start(servers, f"cold-{size}", env)
            print(f"  {count:,} documents: cold start {cold:.1f} s (Hugo {hugo:.2f} s)",
                  flush=True)
            watches = []
            for n in range(1, RUNS + 1):
                watches.append(follow(server.port, _paths(n), f"Bridge {n} closed",
                                      server.workers, _publish(workdir, content, n),
                                      LIVE_TIMEOUT))
                time.sleep(1)
            time.sleep(2)
            memory = worker_memory(server)
            servers.stop(server)
            server, restart = start(servers, f"restart-{size}", env)
            servers.stop(server)
            print(f"  {count:,} documents: restart {restart:.1f} s, USS "
                  f"{memory['uss']:.0f} MiB", flush=True)
    found = search.measure(size)
    return {"count": count, "cold": cold, "restart": restart, "hugo": hugo, "memory": memory,
            "watches": watches, "search": search.pct(found["cold"], 50),
            "fts": search.pct(found["fts"], 50)}


def live(watches: list) -> tuple[str, bool]:
    """The slowest publication, its worker and surface; or which were lost."""
    lost = [(n, w) for n, w in enumerate(watches, 1) if not w.done()]
    if lost:
        return "LOST: " + "; ".join(
            f"publication {n} on " + ", ".join(f"worker {pid} {s}" for pid, s in w.lagging())
            for n, w in lost), False
    pid, surface, seconds = max((w.slowest() for w in watches), key=lambda s: s[2])
    return f"{seconds:.2f} s (worker {pid} {surface})", True


def main() -> None:
    print(f"load average at the start: {load()} ({os.cpu_count()} cores); sizes "
          f"{', '.join(f'{s:,}' for s in SIZES)}", flush=True)
    grid = Grid("documents", "cold start", "Hugo build", "restart, unchanged",
                "USS/worker after a change", f"publish-to-live, worst of {RUNS}",
                "search p50, uncached", "FTS5 p50")
    failed = False
    for size in SIZES:
        row = measure(size)
        published, ok = live(row["watches"])
        failed |= not ok
        grid.add(f"{row['count']:,}", f"{row['cold']:.1f} s", f"{row['hugo']:.2f} s",
                 f"{row['restart']:.1f} s", f"{row['memory']['uss']:.0f} MiB", published,
                 f"{row['search']:.2f} ms", f"{row['fts']:.2f} ms")
        print(f"  load average after {size:,}: {load()}", flush=True)
    grid.print()
    print(f"2 workers per server; publish-to-live goal <= 2 s on every worker; "
          f"load average at the end: {load()}")
    if failed:
        raise SystemExit("FAILED: a publication never went live on every worker")
