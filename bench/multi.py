"""Two app machines behind nginx, set up as docs/operations.md says, on 127.0.0.1.

Two instances ("machines" a and b), each a gunicorn master with the shipped
gunicorn.conf.py and two workers, its own content tree, BUILD_DIR, INDEX_DIR and
watcher, behind one nginx running deploy/nginx.conf with deploy/nginx-upstream.conf's
upstream block pointed at their ports (PORTAL_PROXY_FIX=1 behind it). The office's
tree is a third folder; deploy/portal-push copies it to both machines with
deploy/portal-sync, as the office's git hook does.

- publish-to-live across both machines: a disclosure written into the office's tree
  and pushed; the clock runs until every worker of both machines shows it on its page,
  in search and in the feeds (bench/_live.py's probe, each machine directly), and until
  nginx serves it on every surface and keeps doing so. BENCH_MULTI_RUNS publications
  (default 3); one that some worker never shows within 60 s is LOST and the bench fails;
- the headers through nginx: the app's Cache-Control passed on, and the same ETag from
  both machines (so a revalidation against either is a 304);
- a surge through nginx: the cached guide page, wrk -c256 for BENCH_SURGE_SECONDS,
  against two bare Flask instances returning the same bytes behind the same nginx
  configuration. One loopback client stands for a crowd of addresses here, so the
  per-address connection cap (limit_conn, 200) is raised for both runs alike;
- failover: wrk -c32 on /healthz (never cached, so every request reaches a machine)
  through nginx for BENCH_FAILOVER_SECONDS (default 9), with a 10 s request timeout so
  that a slow answer on a busy machine is not taken for a failure: once with both
  machines up; once with machine b stopped a third of the way in (SIGTERM to its
  master, as `systemctl stop portal` does: 0 errors is the goal); then b is started
  again on its port, and killed a third of the way into a third run (SIGKILL to master
  and workers, as a machine losing power). The errors clients saw through nginx: after a
  kill only an answer that had started on its way when the machine died can fail, since
  nginx cannot send half an answer again.

Corpus size: BENCH_MULTI_DOCUMENTS, else BENCH_DOCUMENTS (default 10,000).
"""
from __future__ import annotations

import os
import signal
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ._fleet import describe, publication_rows, publish, push
from ._nginx import nginx_config
from ._servers import Servers, fetch, free_port, tool, wrk
from ._site import heaviest_guide
from ._table import Table, rps
from .corpus import write_tree
from .goals import start, until_searchable

DOCUMENTS = int(os.environ.get("BENCH_MULTI_DOCUMENTS",
                               os.environ.get("BENCH_DOCUMENTS", 10_000)))
RUNS = int(os.environ.get("BENCH_MULTI_RUNS", 3))
SURGE_SECONDS = int(os.environ.get("BENCH_SURGE_SECONDS", 30))
FAILOVER_SECONDS = int(os.environ.get("BENCH_FAILOVER_SECONDS", 9))
MACHINES = ("a", "b")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def crowd(config: str) -> str:
    """One loopback client stands for many addresses: lift the per-address cap."""
    text = config.replace("limit_conn portal_per_ip 200;", "limit_conn portal_per_ip 4096;")
    if text == config:
        raise RuntimeError("deploy/nginx.conf changed: no `limit_conn portal_per_ip 200;`")
    return text


def stopped_under_load(victim, nginx_port: int, sig: int):
    """wrk on /healthz through nginx; ``sig`` sent to ``victim`` a third of the way in:
    SIGTERM to its master (`systemctl stop portal`: gunicorn finishes what it holds), or
    SIGKILL to master and workers at once (the machine losing power)."""
    with ThreadPoolExecutor(1) as pool:
        load_run = pool.submit(wrk, nginx_port, "/healthz", 2, 32, FAILOVER_SECONDS, 10)
        time.sleep(FAILOVER_SECONDS / 3)
        if sig == signal.SIGKILL:
            os.killpg(victim.process.pid, sig)
        else:
            victim.process.send_signal(sig)
        victim.process.wait(timeout=60)
        result = load_run.result()
    try:
        fetch(victim.port, "/healthz", timeout=2)
        gone = False
    except OSError:
        gone = True
    return result, gone


def failover(servers: Servers, victim, env: dict, nginx_port: int) -> dict:
    """Both machines up (the control); ``victim`` stopped under load; started again on its
    port (a restart with unchanged content) and back in nginx's rotation; killed under
    load."""
    found = {"control": wrk(nginx_port, "/healthz", 2, 32, FAILOVER_SECONDS, timeout=10)}
    found["stop"] = stopped_under_load(victim, nginx_port, signal.SIGTERM)
    servers.stop(victim)
    started = time.monotonic()
    again = servers.gunicorn("machine-b-again", "wsgi:app", env, workers=2, ready="/healthz",
                             timeout=1800, port=victim.port)
    until_searchable(again)
    found["restart"] = time.monotonic() - started
    time.sleep(6)  # fail_timeout: nginx tries the machine again
    found["kill"] = stopped_under_load(again, nginx_port, signal.SIGKILL)
    servers.stop(again)
    return found


def main() -> None:
    tool("nginx"), tool("wrk"), tool("rsync")
    print(f"load average at the start: {load()} ({os.cpu_count()} cores)", flush=True)
    table = Table()
    with tempfile.TemporaryDirectory(prefix="portal-multi-") as name:
        workdir = Path(name)
        workdir.chmod(0o755)  # nginx workers read static files from here
        office = workdir / "office"
        count = write_tree(office, DOCUMENTS)
        trees = {m: workdir / m / "content" for m in MACHINES}
        started = time.monotonic()
        first = push(office, list(trees.values()))
        if first.returncode:
            raise RuntimeError(f"portal-push failed:\n{first.stderr}")
        print(f"{count:,} documents copied to {len(trees)} machines in "
              f"{time.monotonic() - started:.1f} s", flush=True)
        listen, static_port = free_port(), free_port()
        with Servers(workdir) as servers:
            envs = {}

            def machine(m: str):
                env = envs[m] = {"PORTAL_CONTENT_DIR": str(trees[m]),
                       "PORTAL_BUILD_DIR": str(workdir / m / "build"),
                       "PORTAL_INDEX_DIR": str(workdir / m / "index"),
                       "PORTAL_DATABASE_URL": f"sqlite:///{workdir / m / 'portal.db'}",
                       "PORTAL_SECRET_KEY": "the same on every machine",
                       "PORTAL_BASE_URL": f"http://127.0.0.1:{listen}",
                       "PORTAL_PROXY_FIX": "1"}
                return start(servers, f"machine-{m}", env)

            with ThreadPoolExecutor(len(MACHINES)) as pool:
                machines = dict(zip(MACHINES, pool.map(machine, MACHINES)))
            for m, (server, seconds) in machines.items():
                print(f"machine {m}: port {server.port}, workers {server.workers()}, "
                      f"searchable after {seconds:.1f} s", flush=True)
            ports = [server.port for server, _ in machines.values()]
            (workdir / "page-root").mkdir()
            nginx = servers.nginx("nginx", crowd(nginx_config(
                ports, listen, static_port, workdir, workdir / "a" / "build" / "static",
                workdir / "page-root")), listen)
            serving = {m: (server, trees[m]) for m, (server, _) in machines.items()}

            published = []
            for n in range(1, RUNS + 1):
                published.append(publish(n, workdir, office, serving, nginx.port))
                print(describe(published[-1]), flush=True)
                time.sleep(1)

            a, b = (machines[m][0] for m in MACHINES)
            path, _ = heaviest_guide(a.port, keep=lambda p: "/generated-" not in p)
            header_rows(table, a, b, nginx.port, path)
            status, _, body = fetch(nginx.port, path)
            assert status == 200, status
            (workdir / "page.html").write_bytes(body)
            bare_dir = workdir / "nginx-bare"
            bare_dir.mkdir()
            bare = [servers.gunicorn(f"bare-{m}", "bench._bare:app",
                                     {"BENCH_BODY": str(workdir / "page.html")}, workers=2)
                    for m in MACHINES]
            bare_listen = free_port()
            bare_nginx = servers.nginx("nginx-bare", crowd(nginx_config(
                [s.port for s in bare], bare_listen, free_port(), bare_dir,
                workdir / "a" / "build" / "static", workdir / "page-root")), bare_listen)
            fetch(nginx.port, path), fetch(bare_listen, path)  # both caches hold the page
            print(f"surge through nginx: {path}, -c256 {SURGE_SECONDS} s each", flush=True)
            ours = wrk(nginx.port, path, 2, 256, SURGE_SECONDS)
            base = wrk(bare_listen, path, 2, 256, SURGE_SECONDS)
            servers.stop(bare_nginx)
            for server in bare:
                servers.stop(server)

            print(f"failover: machine b stopped, started again, then killed, each time "
                  f"{FAILOVER_SECONDS / 3:.0f} s into {FAILOVER_SECONDS} s of wrk -c32 /healthz",
                  flush=True)
            over = failover(servers, b, envs["b"], nginx.port)
            after = fetch(nginx.port, path)[0]
            servers.stop(nginx)

    lost = publication_rows(table, published)
    label = f"surge through nginx, -c256 {SURGE_SECONDS} s"
    table.add(f"{label}: errors", f"{ours.errors:,} of {ours.requests:,}",
              f"bare Flask x2 {base.errors:,} of {base.requests:,}", "", "0",
              ours.errors == 0)
    table.add(f"{label}: throughput", rps(ours), f"bare Flask x2 {rps(base)}",
              f"{ours.requests_per_second / base.requests_per_second:.2f}")
    for p in ("p50", "p99"):
        mine, theirs = getattr(ours, f"{p}_ms"), getattr(base, f"{p}_ms")
        table.add(f"{label}: latency {p}", f"{mine:.1f} ms", f"bare Flask x2 {theirs:.1f} ms",
                  f"{mine / theirs:.2f}" if theirs else "", "<= 1.0" if p == "p99" else "",
                  mine <= theirs if p == "p99" else None)
    control = over["control"]
    label = f"wrk -c32 {FAILOVER_SECONDS} s /healthz through nginx"
    table.add(f"{label}, both machines up", f"{control.errors:,} errors of {control.requests:,}",
              "-", "", "0 errors", control.errors == 0)
    for key, what, goal in (("stop", "b stopped (SIGTERM)", "0 errors"),
                            ("kill", "b killed (SIGKILL)", "answers cut mid-way only")):
        result, gone = over[key]
        table.add(f"{label}, {what} a third in",
                  f"{result.errors:,} errors ({result.timeouts:,} timeouts) of "
                  f"{result.requests:,}", "b refuses direct requests" if gone else
                  "b STILL ANSWERS", "", goal,
                  (result.errors == 0 if key == "stop" else None) if gone else False)
    table.add("machine b started again (unchanged content), until searchable",
              f"{over['restart']:.1f} s", "-", "")
    table.add("guide page through nginx, b down", f"HTTP {after}", "-", "", "200", after == 200)
    print(f"{count:,} documents, 2 machines x 2 workers, {os.cpu_count()} cores")
    table.print()
    print(f"load average at the end: {load()}")
    if lost:
        raise SystemExit(f"FAILED: {lost} publication(s) never went live everywhere")


def header_rows(table: Table, a, b, nginx_port: int, path: str) -> None:
    """The app's Cache-Control passed on by nginx; the same ETag from both machines."""
    _, direct, _ = fetch(a.port, path)
    _, proxied, _ = fetch(nginx_port, path)
    _, other, _ = fetch(b.port, path)
    print(f"{path}: Cache-Control from machine a {direct.get('Cache-Control')!r}, through "
          f"nginx {proxied.get('Cache-Control')!r}; ETag from a {direct.get('ETag')}, "
          f"from b {other.get('ETag')}", flush=True)
    same = proxied.get("Cache-Control") == direct.get("Cache-Control")
    table.add("Cache-Control through nginx", "the app's" if same else "CHANGED", "-", "",
              "the app's", same)
    tags = direct.get("ETag"), other.get("ETag")
    equal = tags[0] is not None and tags[0] == tags[1]
    table.add("ETag of a page, machine a against b", "equal" if equal else "DIFFERENT", "-", "",
              "equal", equal)


