"""Publish-to-live: seconds from saving a disclosure to it answering everywhere.

A 10,000-document tree served by gunicorn with the shipped gunicorn.conf.py;
a new disclosure is copied in and the clock runs until its page, a search for
it, and the Atom and RSS feeds all show it on repeated requests (gunicorn
spreads them over its workers). Three runs; the median is the figure.
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

from bench.corpus import ROOT, write_tree

DOCUMENTS = 10_000
RUNS = 3
START_TIMEOUT = 600  # rendering 10,000 documents and indexing them takes minutes
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
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


def _live(base: str, n: int) -> bool:
    checks = (f"/en/disclosures/bridge-closed-{n}", f"/en/search?q=word{n}marker",
              "/en/feeds/disclosures.atom", "/en/feeds/disclosures.rss")
    for _ in range(4):
        for path in checks:
            status, body = _get(base + path)
            if status != 200 or f"Bridge {n} closed" not in body:
                return False
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="publish-bench-"))
    content = work / "content"
    count = write_tree(content, DOCUMENTS)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PORTAL_CONTENT_DIR": str(content), "PORTAL_INDEX_DIR": str(work / "index"),
           "PORTAL_BUILD_DIR": str(work / "build"), "GUNICORN_BIND": f"127.0.0.1:{port}",
           "PORTAL_BASE_URL": base}
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
        for _ in range(16):
            _get(base + "/en/")  # every worker starts watching
        figures = []
        for n in range(1, RUNS + 1):
            source = work / f"bridge-closed-{n}.md"
            # Published a minute ago: the newest entry, so it heads every feed.
            published = (dt.datetime.now().astimezone() - dt.timedelta(minutes=1)).isoformat(
                timespec="seconds")
            source.write_text(DISCLOSURE.format(n=n, published=published), encoding="utf-8")
            t0 = time.monotonic()
            shutil.copy(source, content / "en/disclosures" / source.name)
            while not _live(base, n) and time.monotonic() - t0 < LIVE_TIMEOUT:
                time.sleep(0.05)
            figures.append(time.monotonic() - t0 if _live(base, n) else float("inf"))
            time.sleep(1)
        median = statistics.median(figures)
        print(f"publish-to-live at {count} documents ({os.cpu_count()} cores, shipped gunicorn "
              f"config; start-up {boot:.0f} s)")
        print(f"  runs: {', '.join(f'{f:.2f} s' for f in figures)}")
        print(f"  median: {median:.2f} s   goal: <= 2 s   ratio to goal: {median / 2:.2f}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
