"""Outputs at 10,000 documents: the sitemap, and the first feed and CAP index request
after a content change, against a cached page of the same server as the anchor.

A generated tree served by gunicorn with the shipped gunicorn.conf.py. The sitemap
is asked BENCH_OUTPUT_REQUESTS times (p50 and p95). Then, BENCH_RUNS times, a new
disclosure is published; once every worker reports the new generation on /healthz,
the next request for the Atom feed of everything and for the CAP index is timed
(the first after the change, so nothing but the server's own preparation could
have built them), and its body must show the new entry. Goal: each under 20 ms.
"""
from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import ROOT, write_tree

DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", 10_000))
RUNS = int(os.environ.get("BENCH_RUNS", 3))
REQUESTS = int(os.environ.get("BENCH_OUTPUT_REQUESTS", 200))
WORKERS = 2
START_TIMEOUT = 900
LIVE_TIMEOUT = 60
ALERT = """---
title: Levee {n} breach warning
summary: Water may pass the levee tonight.
type: alert
issuer: emergency-office
published: {published}
hazards: [flood]
severity: severe
urgency: immediate
certainty: likely
area: Riverside
expires: {expires}
areas: [whole-district]
instructions: [Move to higher ground now.]
---
Move to higher ground now.
"""


def _timed(port: int, path: str) -> tuple[float, int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return time.perf_counter() - started, response.status, body
    finally:
        connection.close()


def _health(port: int) -> dict:
    try:
        return json.loads(_timed(port, "/healthz")[2])
    except (OSError, ValueError):
        return {}


def _generations(port: int, tries: int = 12) -> dict[int, str]:
    """pid -> generation, for the workers that answered ``tries`` health checks."""
    seen = {}
    for _ in range(tries):
        body = _health(port)
        if body:
            seen[body["pid"]] = body["generation"]
    return seen


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="outputs-bench-"))
    content = work / "content"
    count = write_tree(content, DOCUMENTS)
    with __import__("socket").socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PORTAL_CONTENT_DIR": str(content),
           "PORTAL_INDEX_DIR": str(work / "index"), "PORTAL_BUILD_DIR": str(work / "build"),
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(WORKERS),
           "PORTAL_BASE_URL": f"http://127.0.0.1:{port}"}
    log = (work / "gunicorn.log").open("wb")
    started = time.monotonic()
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c",
                               "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=log)
    try:
        while len(_generations(port, 4)) < WORKERS:
            if time.monotonic() - started > START_TIMEOUT or server.poll() is not None:
                raise SystemExit(f"gunicorn did not start; see {work / 'gunicorn.log'}")
            time.sleep(0.5)
        boot = time.monotonic() - started
        for _ in range(20):
            _timed(port, "/en/guides/")  # every worker has rendered a page
        page = sorted(_timed(port, "/en/guides/")[0] for _ in range(REQUESTS))
        sitemap = sorted(_timed(port, "/sitemap.xml")[0] for _ in range(REQUESTS))
        feeds, caps, failed = [], [], []
        for n in range(1, RUNS + 1):
            before = set(_generations(port).values())
            now = dt.datetime.now().astimezone().replace(microsecond=0)
            text = ALERT.format(n=n, published=(now - dt.timedelta(minutes=1)).isoformat(),
                                expires=(now + dt.timedelta(hours=6)).isoformat())
            source = work / f"levee-{n}.md"
            source.write_text(text, encoding="utf-8")
            t0 = time.monotonic()
            shutil.copy(source, content / "en/disclosures" / source.name)
            while time.monotonic() - t0 < LIVE_TIMEOUT:
                seen = _generations(port)
                if len(seen) == WORKERS and not set(seen.values()) & before:
                    break
                time.sleep(0.02)
            else:
                failed.append(n)
                continue
            feed_time, _, feed = _timed(port, "/en/feeds/disclosures.atom")
            cap_time, _, cap = _timed(port, "/en/feeds/cap.atom")
            if f"Levee {n} breach".encode() not in feed or f"levee-{n}".encode() not in cap:
                failed.append(n)
            feeds.append(feed_time)
            caps.append(cap_time)
            time.sleep(1)

        def ms(value: float) -> str:
            return f"{value * 1000:.1f} ms"
        anchor = statistics.median(page)
        print(f"outputs at {count} documents ({os.cpu_count()} cores, {WORKERS} workers, shipped "
              f"gunicorn config; start-up {boot:.0f} s)")
        print(f"  cached page p50 (anchor): {ms(anchor)}")
        print(f"  /sitemap.xml p50 {ms(statistics.median(sitemap))}, "
              f"p95 {ms(sitemap[int(len(sitemap) * 0.95)])}   goal: < 20 ms   "
              f"ratio to the cached page: {statistics.median(sitemap) / anchor:.1f}")
        for name, values in (("first feed request after a change", feeds),
                             ("first CAP index request after a change", caps)):
            if values:
                print(f"  {name}: runs {', '.join(ms(v) for v in values)}; median "
                      f"{ms(statistics.median(values))}   goal: < 20 ms")
        if failed:
            print(f"  FAILED: publication(s) {failed} not live on every worker within "
                  f"{LIVE_TIMEOUT} s, or the output lacked the new entry")
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
