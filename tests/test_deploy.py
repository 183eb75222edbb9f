"""Several app machines: the shipped two-machine nginx upstream and the content copy
(deploy/portal-sync, portal-push) that every machine's watcher publishes from."""
from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from bench._nginx import nginx_config, with_upstream
from bench._servers import Servers, fetch, free_port
from tests.test_protocol import nginx_test

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None,
                                 reason="rsync is not installed (`make bench-deps` installs it)")


def test_nginx_accepts_the_two_machine_upstream(tmp_path):
    conf = with_upstream((DEPLOY / "nginx.conf").read_text(), [8001, 8002])
    assert conf.count("upstream portal {") == 1
    assert "server 127.0.0.1:8001 max_fails=" in conf and "server 127.0.0.1:8002 max_fails=" in conf
    result = nginx_test(tmp_path, conf)
    assert result.returncode == 0, result.stderr


def test_nginx_accepts_the_upstream_file_as_shipped(tmp_path):
    """The upstream block exactly as an operator pastes it, machine addresses and all."""
    text = (DEPLOY / "nginx.conf").read_text()
    start = text.index("    upstream portal {")
    end = text.index("}\n", start) + 2
    conf = text[:start] + (DEPLOY / "nginx-upstream.conf").read_text() + text[end:]
    result = nginx_test(tmp_path, conf)
    assert result.returncode == 0, result.stderr


class _Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<!doctype html><title>up</title>up"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "public, max-age=60, stale-if-error=86400")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.skipif(shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin")
                    is None, reason="nginx is not installed")
def test_a_machine_that_is_down_costs_visitors_nothing(tmp_path):
    """One of the two machines refuses connections: every request through nginx is
    answered by the other, with the app's own Cache-Control."""
    live = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    threading.Thread(target=live.serve_forever, daemon=True).start()
    dead = free_port()  # nothing listens there
    listen = free_port()
    tmp_path.chmod(0o755)
    try:
        with Servers(tmp_path) as servers:
            config = nginx_config([dead, live.server_address[1]], listen, free_port(), tmp_path,
                                  tmp_path / "static", tmp_path / "root")
            servers.nginx("nginx", config, listen)
            answers = [fetch(listen, f"/en/guides/page-{n}") for n in range(12)]
            health = [fetch(listen, "/healthz")[0] for _ in range(6)]
    finally:
        live.shutdown()
        live.server_close()
    assert [status for status, _, _ in answers] == [200] * 12
    assert health == [200] * 6
    assert {headers["Cache-Control"] for _, headers, _ in answers} == {
        "public, max-age=60, stale-if-error=86400"}


def _tree(root: Path) -> dict[str, bytes]:
    """What the portal's loader sees: every file not under a hidden name."""
    seen = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("."):
                path = Path(folder, name)
                seen[path.relative_to(root).as_posix()] = path.read_bytes()
    return seen


def _write(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@needs_rsync
def test_a_half_copied_tree_is_never_visible(tmp_path):
    """While the copy is under way (a large file still arriving), the machine's tree is
    exactly the old one; afterwards exactly the new one, deletions included."""
    office, machine = tmp_path / "office", tmp_path / "machine"
    old = {"site.yml": b"name: old\n", "en/guides/kept.md": b"kept\n",
           "en/guides/gone.md": b"to be removed\n", "en/guides/changed.md": b"first\n"}
    _write(office, old)
    subprocess.run([DEPLOY / "portal-sync", office, machine], check=True, timeout=60)
    assert _tree(machine) == old

    big = os.urandom(768 * 1024).hex().encode()  # 1.5 MB at 300 kB/s: about 5 s
    (office / "en/guides/gone.md").unlink()
    _write(office, {"site.yml": b"name: new\n", "en/guides/changed.md": b"second\n",
                    "en/disclosures/a-new.md": b"new\n", "en/guides/z-large.md": big})
    new = _tree(office)
    sync = subprocess.Popen([DEPLOY / "portal-sync", office, machine],
                            env={**os.environ, "PORTAL_SYNC_RSYNC_OPTIONS": "--bwlimit=300"})
    try:
        during = None
        deadline = time.monotonic() + 60
        while during is None and sync.poll() is None and time.monotonic() < deadline:
            partial = [p for p in (machine / "en/guides").iterdir()
                       if p.name.startswith(".z-large.md.") and p.stat().st_size < len(big) / 2]
            if partial:
                during = _tree(machine)  # the large file is half there, hidden
            time.sleep(0.01)
        assert sync.wait(timeout=120) == 0
    finally:
        if sync.poll() is None:
            sync.kill()
    assert during is not None, "the copy ended before it could be seen under way"
    assert during == old
    assert _tree(machine) == new
    assert not list(machine.rglob(".*")), "rsync's hidden staging left behind"


@needs_rsync
def test_office_hidden_files_are_neither_copied_nor_deleted(tmp_path):
    office, machine = tmp_path / "office", tmp_path / "machine"
    _write(office, {"site.yml": b"x\n", ".git/HEAD": b"ref\n", "en/.draft.md.swp": b"swap\n"})
    _write(machine, {".keep": b"mine\n"})
    subprocess.run([DEPLOY / "portal-sync", office, machine], check=True, timeout=60)
    assert _tree(machine) == {"site.yml": b"x\n"}
    assert (machine / ".keep").read_bytes() == b"mine\n"
    assert not (machine / ".git").exists()


@needs_rsync
def test_two_saves_in_one_second_are_two_changes(tmp_path):
    """Same size, same second: the second save still reaches the machine."""
    office, machine = tmp_path / "office", tmp_path / "machine"
    _write(office, {"en/guides/a.md": b"version 1\n"})
    subprocess.run([DEPLOY / "portal-sync", office, machine], check=True, timeout=60)
    stamp = (office / "en/guides/a.md").stat().st_mtime_ns
    _write(office, {"en/guides/a.md": b"version 2\n"})
    os.utime(office / "en/guides/a.md", ns=(stamp + 1000, stamp + 1000))  # same second
    subprocess.run([DEPLOY / "portal-sync", office, machine], check=True, timeout=60)
    assert (machine / "en/guides/a.md").read_bytes() == b"version 2\n"


@needs_rsync
def test_push_to_every_machine_from_git(tmp_path):
    """The office's repository, a push, and the hook: both machines get the pushed tree,
    files removed in the commit removed, nothing of git copied."""
    bare, work = tmp_path / "content.git", tmp_path / "work"
    machines = [tmp_path / "app1", tmp_path / "app2"]
    git = ["git", "-c", "user.name=Office", "-c", "user.email=office@example.org"]
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", bare], check=True)
    hook = bare / "hooks" / "post-receive"
    shutil.copy(DEPLOY / "git-post-receive", hook)
    for key, value in (("portal.branch", "main"), ("portal.checkout", tmp_path / "checkout"),
                       ("portal.machines", " ".join(map(str, machines))),
                       ("portal.deploy", DEPLOY)):
        subprocess.run(["git", "-C", bare, "config", key, str(value)], check=True)
    subprocess.run(["git", "clone", "--quiet", bare, work], check=True, capture_output=True)
    _write(work, {"site.yml": b"x\n", "en/guides/a.md": b"a\n", "en/guides/b.md": b"b\n"})
    subprocess.run([*git, "-C", work, "add", "-A"], check=True)
    subprocess.run([*git, "-C", work, "commit", "--quiet", "-m", "first"], check=True)
    subprocess.run([*git, "-C", work, "push", "--quiet", "origin", "main"], check=True,
                   timeout=60)
    assert [_tree(m) for m in machines] == [_tree(tmp_path / "checkout")] * 2
    assert _tree(machines[0])["en/guides/b.md"] == b"b\n"

    (work / "en/guides/b.md").unlink()
    _write(work, {"en/guides/a.md": b"a, corrected\n"})
    subprocess.run([*git, "-C", work, "commit", "--quiet", "-am", "second"], check=True)
    subprocess.run([*git, "-C", work, "push", "--quiet", "origin", "main"], check=True,
                   timeout=60)
    expected = {"site.yml": b"x\n", "en/guides/a.md": b"a, corrected\n"}
    assert [_tree(m) for m in machines] == [expected, expected]
    assert not any((m / ".git").exists() for m in machines)


@needs_rsync
def test_push_says_which_machine_it_could_not_reach(tmp_path):
    office = tmp_path / "office"
    _write(office, {"site.yml": b"x\n"})
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    result = subprocess.run([DEPLOY / "portal-push", office, tmp_path / "ok", blocked],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"{blocked} is not up to date" in result.stderr
    assert _tree(tmp_path / "ok") == {"site.yml": b"x\n"}


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_units_are_valid(tmp_path):
    """The units as shipped, with /srv/portal pointed at this checkout: systemd accepts
    every setting and finds every command they run."""
    units = []
    for unit in ("portal.service", "portal-sync.service", "portal-sync.timer"):
        text = (DEPLOY / "systemd" / unit).read_text().replace("/srv/portal", str(ROOT))
        (tmp_path / unit).write_text(text)
        units.append(f"./{unit}")
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    problems = [line for line in result.stderr.splitlines()
                if ".venv/bin/gunicorn" not in line]  # a checkout may have no .venv
    assert not problems, result.stderr
