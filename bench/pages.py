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
import re
import statistics
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

from .corpus import write_tree
from ._servers import ROOT, Servers, WrkResult, fetch, free_port, median_result, memory, tool, wrk

RUNS = int(os.environ.get("BENCH_RUNS", 3))
SECONDS = int(os.environ.get("BENCH_SECONDS", 10))
SURGE_SECONDS = int(os.environ.get("BENCH_SURGE_SECONDS", 30))
DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", 10_000))
WARM_PAGES = int(os.environ.get("BENCH_WARM_PAGES", 1000))
KB = 1024


# ---------------------------------------------------------------- the table

class Table:
    def __init__(self):
        self.rows: list[tuple[str, ...]] = []

    def add(self, measure: str, ours: str, baseline: str, ratio: str = "", goal: str = "",
            met: bool | None = None) -> None:
        verdict = "" if met is None else ("yes" if met else "NO")
        self.rows.append((measure, ours, baseline, ratio, goal, verdict))

    def print(self) -> None:
        head = ("measure", "ours", "baseline (same run)", "ratio", "goal", "met")
        widths = [max(len(row[i]) for row in [head, *self.rows]) for i in range(len(head))]
        line = "  ".join("-" * w for w in widths)
        print(line)
        print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
        print(line)
        for row in self.rows:
            print("  ".join(c.ljust(w) if i in (0, 2, 4) else c.rjust(w)
                            for i, (c, w) in enumerate(zip(row, widths))))
        print(line, flush=True)


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


def rps(result: WrkResult) -> str:
    return f"{result.requests_per_second:,.0f} req/s"


# ---------------------------------------------------------------- pages and bytes

class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "link" and values.get("rel") == "stylesheet":
            self.stylesheets.append(values["href"])
        if tag == "script" and values.get("type") != "application/ld+json":
            self.scripts.append(values.get("src") or "(inline)")


def guide_paths(port: int) -> list[str]:
    status, _, body = fetch(port, "/sitemap.xml")
    assert status == 200, status
    return [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(rb"<loc>([^<]+)</loc>", body)
            for url in [url.decode()] if "/guides/" in url and not url.endswith("/guides/")]


def heaviest_guide(port: int) -> tuple[str, bytes]:
    pages = []
    for path in guide_paths(port):
        status, _, body = fetch(port, path)
        if status == 200:
            pages.append((len(body), path, body))
    _, path, body = max(pages)
    return path, body


# ---------------------------------------------------------------- nginx

def nginx_config(upstream: int, listen: int, static_port: int, workdir: Path,
                 static_dir: Path, page_root: Path) -> str:
    """deploy/nginx.conf with its machine paths and ports pointed at this run, plus a
    second server that serves the page's bytes as a plain file: the baseline."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    replacements = [
        (r"(?m)^user .*;$", "user root;" if os.geteuid() == 0 else ""),
        (r"(?m)^pid .*;$", f"pid {workdir / 'nginx.pid'};"),
        (r"(?m)^error_log .*;$", f"error_log {workdir / 'nginx-error.log'} warn;"),
        (r"server 127\.0\.0\.1:8000\b", f"server 127.0.0.1:{upstream}"),
        (r"listen 80 default_server;", f"listen 127.0.0.1:{listen} default_server;"),
        (r"proxy_cache_path \S+", f"proxy_cache_path {workdir / 'nginx-cache'}"),
        (r"alias /srv/portal/var/build/static/;", f"alias {static_dir}/;"),
    ]
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text)
        if count != 1:
            raise RuntimeError(f"deploy/nginx.conf changed: {pattern!r} matched {count} times")
    headers = "\n".join(f'        add_header {name} "{value}" always;'
                        for name, value in _page_headers().items())
    baseline = f"""
    server {{
        listen 127.0.0.1:{static_port};
        root {page_root};
        default_type text/html;
{headers}
        location / {{ try_files $uri =404; }}
    }}
"""
    for directive in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        baseline += f"    {directive}_temp_path {workdir / ('tmp-' + directive)};\n"
    cut = text.rstrip().rfind("}")
    return text[:cut] + baseline + "}\n"


def _page_headers() -> dict[str, str]:
    from portal import config
    from portal.headers import SECURITY_HEADERS, cache_control
    return {**SECURITY_HEADERS, "Cache-Control": cache_control(vars(config))}


# ---------------------------------------------------------------- memory

def warm(port: int, paths: list[str], threads: int = 4, limit: float = 600) -> int:
    """First views of ``paths`` from a few keep-alive clients; how many answered 200."""
    done, lock = [0], threading.Lock()
    deadline = time.monotonic() + limit

    def run(mine: list[str]) -> None:
        import http.client
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for path in mine:
            if time.monotonic() > deadline:
                break
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            with lock:
                done[0] += ok
        connection.close()

    workers = [threading.Thread(target=run, args=(paths[n::threads],), daemon=True)
               for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(limit + 30)
    return done[0]


def worker_memory(server, samples: int = 3) -> dict[str, float]:
    """Median over samples a second apart of the mean over workers."""
    taken = []
    for n in range(samples):
        if n:
            time.sleep(1)
        per_worker = [memory(pid) for pid in server.workers()]
        taken.append({key: statistics.mean(m[key] for m in per_worker) for key in per_worker[0]})
    return {key: statistics.median(t[key] for t in taken) for key in taken[0]}


def sitemap_paths(port: int) -> list[str]:
    status, _, body = fetch(port, "/sitemap.xml", timeout=120)
    assert status == 200, status
    return [re.sub(r"^https?://[^/]+", "", url.decode())
            for url in re.findall(rb"<loc>([^<]+)</loc>", body)]


# ---------------------------------------------------------------- the run

def main() -> None:
    tool("nginx"), tool("wrk")
    table = Table()
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as name:
        workdir = Path(name)
        workdir.chmod(0o755)  # nginx workers read the page and static files from here
        with Servers(workdir) as servers:
            _run(servers, workdir, table)
    table.print()


def _run(servers: Servers, workdir: Path, table: Table) -> None:
    build, index = workdir / "build", workdir / "index"
    env = {"PORTAL_BUILD_DIR": str(build), "PORTAL_INDEX_DIR": str(index)}
    started = time.monotonic()
    portal = servers.gunicorn("portal", "wsgi:app", env, ready="/healthz", timeout=300)
    bundled_start = time.monotonic() - started
    path, body = heaviest_guide(portal.port)
    print(f"guide page: {path} ({len(body):,} bytes)", flush=True)
    (workdir / "page.html").write_bytes(body)
    bare = servers.gunicorn("bare", "bench._bare:app", {"BENCH_BODY": str(workdir / "page.html")})
    assert fetch(bare.port, path)[2] == body

    # Cached page under gunicorn, against bare Flask.
    ours_m, base_m, ratio = paired("gunicorn",
                                   lambda: wrk(portal.port, path, 2, 64, SECONDS),
                                   lambda: wrk(bare.port, path, 2, 64, SECONDS))
    table.add("guide page, gunicorn, wrk -c64", rps(ours_m), f"bare Flask {rps(base_m)}",
              f"{ratio:.2f}", ">= 0.9", ratio >= 0.9)

    # nginx micro-cache in front of our gunicorn, against nginx serving the bytes.
    # The page prints its own address, which differs behind nginx: serve those bytes.
    page_root = workdir / "static-root"
    page_file = page_root / path.lstrip("/")
    page_file.parent.mkdir(parents=True)
    listen, static_port = free_port(), free_port()
    nginx = servers.nginx("nginx", nginx_config(portal.port, listen, static_port, workdir,
                                                build / "static", page_root), listen)
    status, _, proxied = fetch(listen, path)
    assert status == 200 and len(proxied) > len(body) / 2, status
    page_file.write_bytes(proxied)
    assert fetch(static_port, path)[2] == proxied
    cache_status = fetch(listen, path)[1].get("X-Cache")
    assert cache_status in ("HIT", "UPDATING", "REVALIDATED"), cache_status
    ours_m, base_m, ratio = paired("nginx", lambda: wrk(listen, path, 2, 64, SECONDS),
                                   lambda: wrk(static_port, path, 2, 64, SECONDS))
    table.add("guide page, nginx micro-cache, wrk -c64", rps(ours_m),
              f"nginx static file {rps(base_m)}", f"{ratio:.2f}", ">= 0.8", ratio >= 0.8)

    # Bytes on the wire for the heaviest guide: HTML and CSS, gzipped by nginx.
    links = Links()
    links.feed(body.decode())
    gz = {"Accept-Encoding": "gzip"}
    html_gz = len(fetch(listen, path, gz)[2])
    css_plain = sum(len(fetch(listen, href)[2]) for href in links.stylesheets)
    css_gz = sum(len(fetch(listen, href, gz)[2]) for href in links.stylesheets)
    wire = html_gz + css_gz
    table.add(f"guide HTML+CSS, gzip ({html_gz / KB:.1f} + {css_gz / KB:.1f} KB)",
              f"{wire / KB:.1f} KB", f"uncompressed {(len(body) + css_plain) / KB:.1f} KB",
              f"{wire / (len(body) + css_plain):.2f}", "<= 14 KB", wire <= 14 * KB)
    table.add("JavaScript needed by a guide page", f"{len(links.scripts)} scripts", "-", "",
              "none", not links.scripts)
    servers.stop(nginx)

    # A surge: 256 connections at once on the cached page, against the bare app.
    ours_m, base_m, ratio = paired("surge",
                                   lambda: wrk(portal.port, path, 2, 256, SURGE_SECONDS),
                                   lambda: wrk(bare.port, path, 2, 256, SURGE_SECONDS))
    label = f"surge {SURGE_SECONDS} s, wrk -c256"
    table.add(f"{label}: errors", f"{ours_m.errors:,.0f} of {ours_m.requests:,.0f}",
              f"bare Flask {base_m.errors:,.0f} of {base_m.requests:,.0f}", "", "0",
              ours_m.errors == 0)
    table.add(f"{label}: throughput", rps(ours_m), f"bare Flask {rps(base_m)}", f"{ratio:.2f}")
    for name in ("p50", "p99"):
        mine, theirs = getattr(ours_m, f"{name}_ms"), getattr(base_m, f"{name}_ms")
        table.add(f"{label}: latency {name}", f"{mine:.1f} ms", f"bare Flask {theirs:.1f} ms",
                  f"{mine / theirs:.2f}" if theirs else "")
    servers.stop(bare)

    # Memory per worker: the bundled content, then a generated tree of DOCUMENTS.
    bundled_pages = [p for p in sitemap_paths(portal.port) if p.count("/") == 3]
    servers.stop(portal)  # a fresh start, so first views render
    portal = servers.gunicorn("portal-again", "wsgi:app", env, ready="/healthz", timeout=300)
    small_rate = _first_views(portal.port, bundled_pages)
    small = worker_memory(portal)
    servers.stop(portal)
    content = workdir / "content-large"
    write_tree(content, DOCUMENTS)
    started = time.monotonic()
    large = servers.gunicorn("portal-large", "wsgi:app",
                             {**env, "PORTAL_CONTENT_DIR": str(content),
                              "PORTAL_INDEX_DIR": str(workdir / "index-large")},
                             ready="/healthz", timeout=900)
    large_start = time.monotonic() - started
    paths = [p for p in sitemap_paths(large.port) if p.count("/") == 3]
    chosen = paths[::max(1, len(paths) // WARM_PAGES)][:WARM_PAGES]
    large_rate = _first_views(large.port, chosen)
    big = worker_memory(large)
    docs = f"{DOCUMENTS:,} docs"
    baseline = f"bundled, {len(bundled_pages)} pages"
    for key, label in (("rss", "RSS"), ("uss", "USS")):
        table.add(f"memory per worker, {label}, {docs}, {len(chosen):,} pages viewed",
                  f"{big[key]:.0f} MiB", f"{baseline}: {small[key]:.0f} MiB",
                  f"{big[key] / small[key]:.1f}")
    table.add(f"start-up (load + index), {docs}", f"{large_start:.0f} s",
              f"{baseline}: {bundled_start:.1f} s", f"{large_start / bundled_start:.0f}")
    table.add(f"first views (uncached render), {docs}", f"{large_rate:,.0f} pages/s",
              f"{baseline}: {small_rate:,.0f} pages/s", f"{large_rate / small_rate:.2f}")


def _first_views(port: int, paths: list[str]) -> float:
    """Pages per second rendering pages never seen, once each kind of page has been
    seen (so templates are compiled in both workers, as they are after a publication)."""
    kinds = {}
    for path in paths:
        kinds.setdefault(path.rsplit("/", 1)[0], path)
    warm(port, [p for p in kinds.values() for _ in range(4)])
    rest = [p for p in paths if p not in set(kinds.values())]
    started = time.monotonic()
    answered = warm(port, rest)
    if answered < len(rest):
        raise RuntimeError(f"only {answered} of {len(rest)} pages answered 200")
    return answered / (time.monotonic() - started)
