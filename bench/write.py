"""Reports written under load: 50 concurrent submitters for 30 s against gunicorn with the
shipped gunicorn.conf.py, on SQLite (the default) and on a throwaway PostgreSQL.

Each submitter is one resident after another: it opens the form (GET, for the CSRF token
and start time, on its own cookies) and sends it (POST); only the POST is timed. Every
answer with a reference code is a receipt. Afterwards the rows stored are counted:
receipts issued must equal rows stored (nothing acknowledged is lost). The rate limit is
raised for the run (every submitter is 127.0.0.1) and the minimum fill time set to 0.
BENCH_WRITE_SECONDS and BENCH_WRITE_SUBMITTERS change the run.
"""
from __future__ import annotations

import http.client
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench._servers import ROOT, Servers

SECONDS = float(os.environ.get("BENCH_WRITE_SECONDS", 30))
SUBMITTERS = int(os.environ.get("BENCH_WRITE_SUBMITTERS", 50))
TOKEN = re.compile(r'name="(csrf_token|started)" type="hidden" value="([^"]*)"'
                   r'|type="hidden" name="(csrf_token|started)" value="([^"]*)"')
CODE = re.compile(r'class="report-code"><strong>([0-9A-Z-]+)</strong>')


def submitter(port: int, until: float, results: dict, lock: threading.Lock) -> None:
    receipts, latencies, errors = [], [], 0
    while time.monotonic() < until:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", "/en/report")
            response = connection.getresponse()
            page = response.read().decode()
            cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
            tokens = {m[0] or m[2]: m[1] or m[3] for m in TOKEN.findall(page)}
            body = urlencode({"text": f"bench rumour {time.monotonic_ns()}", "place": "wechat",
                              "seen": "today", **tokens})
            started = time.perf_counter()
            connection.request("POST", "/en/report", body=body, headers={
                "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            answer = response.read().decode()
            latencies.append(time.perf_counter() - started)
            found = CODE.search(answer)
            if response.status == 200 and found:
                receipts.append(found.group(1))
            else:
                errors += 1
        except OSError:
            errors += 1
        finally:
            connection.close()
    with lock:
        results["receipts"] += receipts
        results["latencies"] += latencies
        results["errors"] += errors


def rows(url: str) -> set[str]:
    from sqlalchemy import create_engine, select

    from portal.db import resolve_url
    from portal.reports.codes import grouped
    from portal.reports.models import Report
    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as connection:
            return {grouped(code) for code in connection.scalars(select(Report.code))}
    finally:
        engine.dispose()


def run(name: str, url: str, work: Path, servers: Servers) -> None:
    env = {"PORTAL_DATABASE_URL": url, "PORTAL_REPORTS_PER_ADDRESS": str(10 ** 9),
           "PORTAL_REPORT_MIN_SECONDS": "0", "PORTAL_INDEX_DIR": str(work / f"index-{name}"),
           "PORTAL_BUILD_DIR": str(work / f"build-{name}")}
    server = servers.gunicorn(f"portal-{name}", "wsgi:app", env=env, ready="/en/report")
    results = {"receipts": [], "latencies": [], "errors": 0}
    lock = threading.Lock()
    until = time.monotonic() + SECONDS
    threads = [threading.Thread(target=submitter, args=(server.port, until, results, lock))
               for _ in range(SUBMITTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SECONDS + 120)
    servers.stop(server)
    stored = rows(url)
    receipts = set(results["receipts"])
    latencies = sorted(results["latencies"])
    p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan")
    lost = receipts - stored
    print(f"  {name:<10} {len(receipts) / SECONDS:8.1f} reports/s   p50 {p50:7.1f} ms   "
          f"p99 {p99:7.1f} ms   receipts {len(receipts)}   rows stored {len(stored)}   "
          f"errors {results['errors']}   "
          f"{'nothing lost' if not lost and len(receipts) == len(stored) else f'LOST {len(lost)}'}",
          flush=True)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.postgres import PostgresServer, pg_bin
    print(f"write: {SUBMITTERS} submitters for {SECONDS:.0f} s, gunicorn with the shipped config "
          f"({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="write-bench-") as name, Servers(Path(name)) as servers:
        work = Path(name)
        run("sqlite", f"sqlite:///{work}/reports.db", work, servers)
        if pg_bin() is None:
            print("  postgresql: not installed (`make bench-deps` installs it as root)")
            return
        postgres = PostgresServer(pg_bin())
        try:
            postgres.start()
            run("postgresql", postgres.create_database(), work, servers)
        finally:
            postgres.remove()


if __name__ == "__main__":
    main()
