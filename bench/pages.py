"""Pages under load: our gunicorn and nginx set-ups against baselines measured in the same run.

Prints one table. Every throughput figure is the median of BENCH_RUNS wrk runs
(default 3), each alternating with its baseline so both see the same machine.

- cached guide page under the shipped gunicorn.conf.py, against a bare Flask app
  returning the same bytes under the same settings (goal >= 0.9);
- deploy/nginx.conf's micro-cache in front of that gunicorn, against nginx serving
  the same bytes as a static file (goal >= 0.8);
- the heaviest guide page's HTML + CSS as nginx sends them gzipped (goal <= 14 KB,
  one TCP initial window) and the JavaScript it needs (goal: none);
- a surge, 256 connections for BENCH_SURGE_SECONDS (default 30), against the bare app;
- memory per worker (RSS and USS from /proc) with a generated tree of
  BENCH_DOCUMENTS (default 10,000) documents, after BENCH_WARM_PAGES first views,
  against the same server on the bundled content.

Everything listens on 127.0.0.1 and is stopped at the end, whatever happens.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from ._nginx import nginx_config
from ._servers import Servers, WrkResult, fetch, free_port, median_result, tool, wrk
from ._site import Links, first_views, heaviest_guide, sitemap_paths, worker_memory
from ._table import Table, rps
from .corpus import write_tree

RUNS = int(os.environ.get("BENCH_RUNS", 3))
SECONDS = int(os.environ.get("BENCH_SECONDS", 10))
SURGE_SECONDS = int(os.environ.get("BENCH_SURGE_SECONDS", 30))
DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", 10_000))
WARM_PAGES = int(os.environ.get("BENCH_WARM_PAGES", 1000))
KB = 1024


def paired(what: str, ours, baseline) -> tuple[WrkResult, WrkResult, float]:
    """RUNS pairs of runs, the order swapped every pair so that neither side always
    runs first; the medians of each side and the ratio of the medians."""
    mine, theirs = [], []
    for n in range(RUNS):
        if n % 2:
            b, a = baseline(), ours()
        else:
            a, b = ours(), baseline()
        mine.append(a)
        theirs.append(b)
        print(f"  {what}, run {n + 1}: {a.requests_per_second:,.0f} against "
              f"{b.requests_per_second:,.0f} req/s", flush=True)
    ours_m, base_m = median_result(mine), median_result(theirs)
    return ours_m, base_m, ours_m.requests_per_second / base_m.requests_per_second


def main() -> None:
    tool("nginx"), tool("wrk")
    table = Table()
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as name:
        workdir = Path(name)
        workdir.chmod(0o755)  # nginx workers read the page and static files from here
        with Servers(workdir) as servers:
            env = {"PORTAL_BUILD_DIR": str(workdir / "build"),
                   "PORTAL_INDEX_DIR": str(workdir / "index")}
            started = time.monotonic()
            portal = servers.gunicorn("portal", "wsgi:app", env, ready="/healthz", timeout=300)
            bundled_start = time.monotonic() - started
            path, body = heaviest_guide(portal.port)
            print(f"guide page: {path} ({len(body):,} bytes)", flush=True)
            (workdir / "page.html").write_bytes(body)
            bare = servers.gunicorn("bare", "bench._bare:app",
                                    {"BENCH_BODY": str(workdir / "page.html")})
            assert fetch(bare.port, path)[2] == body
            gunicorn_rows(table, portal.port, bare.port, path)
            nginx_rows(table, servers, workdir, portal.port, path, body)
            surge_rows(table, portal.port, bare.port, path)
            servers.stop(bare)
            servers.stop(portal)
            memory_rows(table, servers, workdir, env, bundled_start)
    table.print()


def gunicorn_rows(table: Table, portal: int, bare: int, path: str) -> None:
    """The cached page under gunicorn, against bare Flask returning the same bytes."""
    ours, base, ratio = paired("gunicorn", lambda: wrk(portal, path, 2, 64, SECONDS),
                               lambda: wrk(bare, path, 2, 64, SECONDS))
    table.add("guide page, gunicorn, wrk -c64", rps(ours), f"bare Flask {rps(base)}",
              f"{ratio:.2f}", ">= 0.9", ratio >= 0.9)


def nginx_rows(table: Table, servers: Servers, workdir: Path, upstream: int, path: str,
               body: bytes) -> None:
    """deploy/nginx.conf in front of our gunicorn, against nginx serving the bytes; then
    the page's HTML and CSS as nginx sends them gzipped, and the scripts it needs."""
    page_root = workdir / "static-root"
    page_file = page_root / path.lstrip("/")
    page_file.parent.mkdir(parents=True)
    listen, static_port = free_port(), free_port()
    nginx = servers.nginx("nginx", nginx_config(upstream, listen, static_port, workdir,
                                                workdir / "build" / "static", page_root), listen)
    # The page prints its own address, which differs behind nginx: serve those bytes.
    status, _, proxied = fetch(listen, path)
    assert status == 200 and len(proxied) > len(body) / 2, status
    page_file.write_bytes(proxied)
    assert fetch(static_port, path)[2] == proxied
    cache_status = fetch(listen, path)[1].get("X-Cache")
    assert cache_status in ("HIT", "UPDATING", "REVALIDATED"), cache_status
    ours, base, ratio = paired("nginx", lambda: wrk(listen, path, 2, 64, SECONDS),
                               lambda: wrk(static_port, path, 2, 64, SECONDS))
    table.add("guide page, nginx micro-cache, wrk -c64", rps(ours),
              f"nginx static file {rps(base)}", f"{ratio:.2f}", ">= 0.8", ratio >= 0.8)

    links = Links()
    links.feed(proxied.decode())
    gz = {"Accept-Encoding": "gzip"}
    html_gz = len(fetch(listen, path, gz)[2])
    css_plain = sum(len(fetch(listen, href)[2]) for href in links.stylesheets)
    css_gz = sum(len(fetch(listen, href, gz)[2]) for href in links.stylesheets)
    wire, plain = html_gz + css_gz, len(proxied) + css_plain
    table.add(f"guide HTML+CSS, gzip ({html_gz / KB:.1f} + {css_gz / KB:.1f} KB)",
              f"{wire / KB:.1f} KB", f"uncompressed {plain / KB:.1f} KB",
              f"{wire / plain:.2f}", "<= 14 KB", wire <= 14 * KB)
    table.add("JavaScript needed by a guide page", f"{len(links.scripts)} scripts", "-", "",
              "none", not links.scripts)
    servers.stop(nginx)


def surge_rows(table: Table, portal: int, bare: int, path: str) -> None:
    """256 connections at once on the cached page, against the bare app."""
    ours, base, ratio = paired("surge", lambda: wrk(portal, path, 2, 256, SURGE_SECONDS),
                               lambda: wrk(bare, path, 2, 256, SURGE_SECONDS))
    label = f"surge {SURGE_SECONDS} s, wrk -c256"
    table.add(f"{label}: errors", f"{ours.errors:,.0f} of {ours.requests:,.0f}",
              f"bare Flask {base.errors:,.0f} of {base.requests:,.0f}", "", "0",
              ours.errors == 0)
    table.add(f"{label}: throughput", rps(ours), f"bare Flask {rps(base)}", f"{ratio:.2f}")
    for name in ("p50", "p99"):
        mine, theirs = getattr(ours, f"{name}_ms"), getattr(base, f"{name}_ms")
        table.add(f"{label}: latency {name}", f"{mine:.1f} ms", f"bare Flask {theirs:.1f} ms",
                  f"{mine / theirs:.2f}" if theirs else "")


def memory_rows(table: Table, servers: Servers, workdir: Path, env: dict,
                bundled_start: float) -> None:
    """Memory per worker, start-up and first views: a generated tree of DOCUMENTS
    documents against the bundled content, each on a fresh server."""
    small_server = servers.gunicorn("portal-small", "wsgi:app", env, ready="/healthz",
                                    timeout=300)
    bundled = [p for p in sitemap_paths(small_server.port) if p.count("/") == 3]
    small_rate = first_views(small_server.port, bundled)
    small = worker_memory(small_server)
    servers.stop(small_server)

    content = workdir / "content-large"
    write_tree(content, DOCUMENTS)
    started = time.monotonic()
    large_server = servers.gunicorn("portal-large", "wsgi:app",
                                    {**env, "PORTAL_CONTENT_DIR": str(content),
                                     "PORTAL_INDEX_DIR": str(workdir / "index-large")},
                                    ready="/healthz", timeout=900)
    large_start = time.monotonic() - started
    paths = [p for p in sitemap_paths(large_server.port) if p.count("/") == 3]
    chosen = paths[::max(1, len(paths) // WARM_PAGES)][:WARM_PAGES]
    large_rate = first_views(large_server.port, chosen)
    large = worker_memory(large_server)
    servers.stop(large_server)

    docs, baseline = f"{DOCUMENTS:,} docs", f"bundled, {len(bundled)} pages"
    for key, label in (("rss", "RSS"), ("uss", "USS")):
        table.add(f"memory per worker, {label}, {docs}, {len(chosen):,} pages viewed",
                  f"{large[key]:.0f} MiB", f"{baseline}: {small[key]:.0f} MiB",
                  f"{large[key] / small[key]:.1f}")
    table.add(f"start-up (load + index), {docs}", f"{large_start:.0f} s",
              f"{baseline}: {bundled_start:.1f} s", f"{large_start / bundled_start:.0f}")
    table.add(f"first views (uncached render), {docs}", f"{large_rate:,.0f} pages/s",
              f"{baseline}: {small_rate:,.0f} pages/s", f"{large_rate / small_rate:.2f}")
