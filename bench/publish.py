"""Publish-to-live: seconds from saving a disclosure to it answering on every worker.

A 10,000-document tree served by gunicorn with the shipped gunicorn.conf.py. A
new disclosure is copied in and the clock runs until every worker shows it on
every surface: its page, a search for it, and the Atom and RSS feeds (one
keep-alive connection is one worker; /healthz on it names the worker). Three
runs one after the other, then a burst of four publications 1 s apart. Each
publication's figure is its slowest worker and surface; one that some worker
never shows within 60 s is LOST, printed as such with the worker and surface,
and makes the benchmark fail. Lost ones are never averaged into the median.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench._live import SURFACES, follow, serving
from bench.corpus import ROOT, write_tree

DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", 10_000))
RUNS = 3
START_TIMEOUT = 1200  # a cold start at 10,000 documents takes minutes on a busy machine
LIVE_TIMEOUT = 60
DISCLOSURE = """---
title: Bridge {n} closed for inspection
summary: The bridge is closed while engineers inspect it after the flood.
type: announcement
issuer: emergency-office
published: {published}
hazards: [flood]
---
Bridge {n} is closed. Word{n}marker.
"""


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _paths(n: int) -> dict[str, tuple[str, ...]]:
    return {"page": (f"/en/disclosures/bridge-closed-{n}",),
            "search": (f"/en/search?q=word{n}marker",),
            "feed": ("/en/feeds/disclosures.atom", "/en/feeds/disclosures.rss")}


def _publish(work: Path, content: Path, n: int) -> float:
    source = work / f"bridge-closed-{n}.md"
    # Published a minute ago: the newest entry, so it heads every feed.
    published = (dt.datetime.now().astimezone() - dt.timedelta(minutes=1)).isoformat(
        timespec="seconds")
    source.write_text(DISCLOSURE.format(n=n, published=published), encoding="utf-8")
    started = time.monotonic()
    shutil.copy(source, content / "en/disclosures" / source.name)
    return started


def _describe(n: int, watch) -> str:
    if not watch.done():
        lagging = ", ".join(f"worker {pid} {surface}" for pid, surface in watch.lagging())
        return (f"  publication {n}: LOST - never live within {LIVE_TIMEOUT} s on: {lagging}")
    pid, surface, seconds = watch.slowest()
    per = "; ".join(f"{p}: " + " ".join(f"{s} {watch.live[p, s]:.2f}" for s in SURFACES
                                        if (p, s) in watch.live)
                    for p in watch.workers)
    return f"  publication {n}: {seconds:.2f} s (slowest: worker {pid} {surface})   [{per}]"


def run(documents: int = DOCUMENTS, runs: int = RUNS, burst: int = 4) -> dict:
    """Start a server on a tree of ``documents``; the figures of each publication."""
    work = Path(tempfile.mkdtemp(prefix="publish-bench-"))
    content = work / "content"
    count = write_tree(content, documents)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PORTAL_CONTENT_DIR": str(content), "PORTAL_INDEX_DIR": str(work / "index"),
           "PORTAL_BUILD_DIR": str(work / "build"), "GUNICORN_BIND": f"127.0.0.1:{port}",
           "PORTAL_BASE_URL": base, "GUNICORN_LOGLEVEL": "warning"}
    log = (work / "gunicorn.log").open("wb")
    started = time.monotonic()
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c",
                               "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=log)
    try:
        while _get(base + "/healthz")[0] != 200:
            if time.monotonic() - started > START_TIMEOUT or server.poll() is not None:
                raise SystemExit(f"gunicorn did not start; see {work / 'gunicorn.log'}")
            time.sleep(0.5)
        boot = time.monotonic() - started
        _get(base + "/en/search?q=flood")  # wait for the first index
        procs = int(env.get("GUNICORN_WORKERS") or os.cpu_count() or 1)

        def workers() -> list[int]:
            return serving(server.pid, procs)
        sequential, bursts = [], []
        for n in range(1, runs + 1):
            t0 = _publish(work, content, n)
            sequential.append((n, follow(port, _paths(n), f"Bridge {n} closed", workers, t0,
                                         LIVE_TIMEOUT)))
            time.sleep(1)
        # A burst: publications 1 s apart, each followed from its own start.
        starts = {}
        for n in range(runs + 1, runs + 1 + burst):
            starts[n] = _publish(work, content, n)
            time.sleep(1)
        for n, t0 in starts.items():
            bursts.append((n, follow(port, _paths(n), f"Bridge {n} closed", workers, t0,
                                     LIVE_TIMEOUT)))
        return {"documents": count, "boot": boot, "workers": procs,
                "sequential": sequential, "burst": bursts}
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


def report(figures: dict) -> bool:
    """Print the figures; False when a publication was lost."""
    print(f"publish-to-live at {figures['documents']} documents ({os.cpu_count()} cores, "
          f"{figures['workers']} workers, shipped gunicorn config; start-up "
          f"{figures['boot']:.0f} s; load average {os.getloadavg()[0]:.2f})")
    lost = 0
    for title, runs in (("one after the other", figures["sequential"]),
                        (f"{len(figures['burst'])} more, 1 s apart", figures["burst"])):
        print(f" {title}:")
        for n, watch in runs:
            print(_describe(n, watch))
            lost += not watch.done()
        live = [w.seconds() for _, w in runs if w.done()]
        if live:
            print(f"  median of those live: {statistics.median(live):.2f} s   worst: "
                  f"{max(live):.2f} s   goal: <= 2 s on every worker")
    if lost:
        print(f"FAILED: {lost} publication(s) never went live on every worker within "
              f"{LIVE_TIMEOUT} s")
    return not lost


def main() -> None:
    if not report(run()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
