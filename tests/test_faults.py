"""Faults under load against real gunicorn with the shipped settings, on 127.0.0.1 only.

A worker killed with SIGKILL, content changed under the server, the search index rebuilt:
requests keep flowing through all of it, and fail only while a worker is actually gone.
"""
from __future__ import annotations

import http.client
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

import pytest

from tests.gunicorn import BIN, ROOT, Gunicorn, fetch

URLS = ["/en/guides/flood-safety", "/en/", "/zh/guides/flood-safety", "/en/disclosures/",
        "/en/feeds/disclosures.atom", "/static-check"]


@pytest.fixture
def server(tmp_path, content_dir):
    gunicorn = Gunicorn(tmp_path, content_dir)
    try:
        gunicorn.wait_ready(workers=2)
        for _ in range(20):  # every worker answers once, so each one's content watcher runs
            fetch(gunicorn.port, "/en/")
        yield gunicorn
    finally:
        gunicorn.stop()


@dataclass
class Result:
    started: float
    ended: float
    path: str
    status: int | None
    body: bytes = b""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 500


@dataclass
class Load:
    """A few client threads requesting ``paths`` round-robin until stopped (at most ``limit`` s)."""
    port: int
    paths: list[str]
    threads: int = 4
    limit: float = 30.0
    results: list[Result] = field(default_factory=list)

    def __enter__(self) -> Load:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True)
                         for n in range(self.threads)]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(10)

    def _run(self, n: int) -> None:
        deadline = time.monotonic() + self.limit
        i = n
        while not self._stop.is_set() and time.monotonic() < deadline:
            path = self.paths[i % len(self.paths)]
            i += 1
            started = time.monotonic()
            try:
                status, body = fetch(self.port, path, timeout=5)
                result = Result(started, time.monotonic(), path, status, body)
            except (OSError, http.client.HTTPException) as exc:
                result = Result(started, time.monotonic(), path, None, error=repr(exc))
            with self._lock:
                self.results.append(result)

    def since(self, moment: float) -> list[Result]:
        with self._lock:
            return [r for r in self.results if r.started >= moment]

    def failures(self) -> list[Result]:
        with self._lock:
            return [r for r in self.results if not r.ok]


def static_url(port: int) -> str:
    status, body = fetch(port, "/en/")
    assert status == 200
    start = body.index(b"/static/css/")
    return body[start:body.index(b'"', start)].decode()


def wait_for(condition, timeout: float, step: float = 0.05) -> float:
    """Poll until ``condition()`` is true; the moment it was, or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(step)
    raise AssertionError(f"not within {timeout} s")


def test_a_killed_worker_costs_only_its_own_requests_and_is_replaced(server):
    paths = [p if p != "/static-check" else static_url(server.port) for p in URLS]
    before = server.workers()
    with Load(server.port, paths) as load:
        wait_for(lambda: len(load.since(0)) > 100, timeout=10)
        victim = before[0]
        killed = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        respawned = wait_for(lambda: len(server.workers()) == 2 and victim not in server.workers(),
                             timeout=15)
        wait_for(lambda: len(load.since(respawned + 1.0)) > 200, timeout=15)
    after = [r for r in load.since(respawned) if r.started > respawned + 0.05]
    assert after and all(r.ok for r in after), [r for r in after if not r.ok][:3]
    for failure in load.failures():
        # Only requests the dead worker already held, or that reached it before the master noticed.
        assert killed - 5.0 <= failure.started <= respawned, failure
    assert len(load.failures()) <= load.threads, load.failures()
    # The replacement serves: both workers answer again (each opens its own connections).
    assert set(server.workers()) - set(before)


def test_content_changes_while_requests_flow_cause_no_errors(server, content_dir):
    guide = content_dir / "en" / "guides" / "flood-safety.md"
    new = content_dir / "en" / "disclosures" / "bridge-closed.md"
    paths = ["/en/guides/flood-safety", "/en/", "/en/disclosures/", "/en/feeds/disclosures.atom",
             "/en/disclosures/shelters-open", "/zh/"]
    with Load(server.port, paths) as load:
        wait_for(lambda: len(load.since(0)) > 50, timeout=10)
        guide.write_text(guide.read_text().replace("Staying safe in a flood", "Flood safety now"))
        new.write_text((content_dir / "en" / "disclosures" / "shelters-open.md").read_text()
                       .replace("title:", "title: Bridge closed —", 1))
        changed = time.monotonic()

        def everywhere() -> bool:
            answers = [fetch(server.port, "/en/guides/flood-safety") for _ in range(6)]
            return all(status == 200 and b"Flood safety now" in body for status, body in answers)

        visible = wait_for(everywhere, timeout=10, step=0.1)
        wait_for(lambda: len(load.since(visible + 1.0)) > 50, timeout=10)
    assert load.failures() == []
    assert visible - changed < 5
    # Once every worker has the new content (new workers, forked by the master with it),
    # no cached copy of the old page comes back.
    late = [r for r in load.since(visible + 1.0) if r.path == "/en/guides/flood-safety"]
    assert late and all(b"Flood safety now" in r.body for r in late)
    assert fetch(server.port, "/en/disclosures/bridge-closed")[0] == 200


def test_an_index_rebuild_while_searches_flow_causes_no_errors(server, content_dir):
    guide = content_dir / "en" / "guides" / "flood-rescue.md"
    paths = ["/en/search?q=flood", "/en/search?q=floodwater", "/en/guides/flood-safety",
             "/en/search?q=rescue&page=2", "/en/search?q=kayak"]
    with Load(server.port, paths) as load:
        wait_for(lambda: len(load.since(0)) > 30, timeout=10)
        guide.write_text(guide.read_text() + "\n\nA kayak or a rubber ring helps.\n")
        index = subprocess.run([str(BIN / "portal"), "index"], cwd=ROOT, env=server.env,
                               capture_output=True, text=True, timeout=60)
        assert index.returncode == 0, index.stderr
        built = time.monotonic()

        def found() -> bool:
            answers = [fetch(server.port, "/en/search?q=kayak") for _ in range(6)]
            return all(status == 200 and b"flood-rescue" in body for status, body in answers)

        wait_for(found, timeout=10, step=0.1)
        wait_for(lambda: len(load.since(built + 0.5)) > 30, timeout=10)
    assert load.failures() == []
    assert all(r.status == 200 for r in load.results), {r.status for r in load.results}
