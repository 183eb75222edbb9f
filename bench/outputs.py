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
import statistics
import tempfile
import time
from pathlib import Path

from bench._servers import Servers
from bench.corpus import write_tree

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
    with tempfile.TemporaryDirectory(prefix="outputs-bench-") as name, Servers(Path(name)) as run:
        work = Path(name)
        content = work / "content"
        count = write_tree(content, DOCUMENTS)
        started = time.monotonic()
        server = run.gunicorn("portal", "wsgi:app", workers=WORKERS, ready="/healthz",
                              timeout=START_TIMEOUT, env={
                                  "PORTAL_CONTENT_DIR": str(content),
                                  "PORTAL_INDEX_DIR": str(work / "index"),
                                  "PORTAL_BUILD_DIR": str(work / "build")})
        port = server.port
        while len(_generations(port, 4)) < WORKERS:  # every worker up and answering
            if time.monotonic() - started > START_TIMEOUT:
                raise SystemExit(f"gunicorn did not start both workers; see {server.log_path}")
            time.sleep(0.5)
        boot = time.monotonic() - started
        for _ in range(20):
            _timed(port, "/en/guides/")  # every worker has rendered a page
        page = sorted(_timed(port, "/en/guides/")[0] for _ in range(REQUESTS))
        sitemap = sorted(_timed(port, "/sitemap.xml")[0] for _ in range(REQUESTS))
        feeds, caps, failed = [], [], []
        for n in range(1, RUNS + 1):
            timed = _publish(port, work, content, n)
            if timed is None:
                failed.append(n)
            else:
                feeds.append(timed[0])
                caps.append(timed[1])
            time.sleep(1)
        _report(count, boot, page, sitemap, feeds, caps, failed)


def _publish(port: int, work: Path, content: Path, n: int) -> tuple[float, float] | None:
    """Publish alert ``n``; once every worker has it, time the first feed and CAP index
    requests. None when it never went live or an output lacked it."""
    before = set(_generations(port).values())
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    source = work / f"levee-{n}.md"
    source.write_text(ALERT.format(n=n, published=(now - dt.timedelta(minutes=1)).isoformat(),
                                   expires=(now + dt.timedelta(hours=6)).isoformat()),
                      encoding="utf-8")
    t0 = time.monotonic()
    shutil.copy(source, content / "en/disclosures" / source.name)
    while time.monotonic() - t0 < LIVE_TIMEOUT:
        seen = _generations(port)
        if len(seen) == WORKERS and not set(seen.values()) & before:
            break
        time.sleep(0.02)
    else:
        return None
    feed_time, _, feed = _timed(port, "/en/feeds/disclosures.atom")
    cap_time, _, cap = _timed(port, "/en/feeds/cap.atom")
    if f"Levee {n} breach".encode() not in feed or f"levee-{n}".encode() not in cap:
        return None
    return feed_time, cap_time


def _report(count, boot, page, sitemap, feeds, caps, failed) -> None:
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


if __name__ == "__main__":
    main()
