"""One watcher per machine, against real gunicorn: every worker still publishes within
seconds, two publications 1 s apart both go live everywhere, and when the watching
worker dies another takes over, while its replacement catches up."""
import http.client
import json
import os
import re
import signal
import time

import pytest

from tests.gunicorn import Gunicorn

DOC = """---
title: Bridge {n} closed for inspection
summary: The bridge is closed while engineers inspect it.
type: announcement
issuer: emergency-office
published: 2026-11-01T09:00:00+08:00
hazards: [flood]
---
Bridge {n} is closed. Word{n}marker.
"""
LIMIT = 8.0  # seconds: the goal is 2 s; a loaded 2-core test machine needs room


def probe(port: int, n: int) -> tuple[int | None, bool]:
    """(worker pid, whether its page, search and feed show publication n): one keep-alive
    connection is one worker."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/healthz")
        pid = json.loads(connection.getresponse().read())["pid"]
        shown = True
        for path in (f"/en/disclosures/bridge-closed-{n}", f"/en/search?q=word{n}marker",
                     "/en/feeds/disclosures.atom"):
            connection.request("GET", path)
            response = connection.getresponse()
            shown = response.read().decode().count(f"Bridge {n} closed") > 0 and \
                response.status == 200 and shown
        return pid, shown
    except (OSError, ValueError, http.client.HTTPException):
        return None, False
    finally:
        connection.close()


def live_everywhere(server: Gunicorn, n: int, since: float, limit: float = LIMIT) -> dict:
    """{pid: seconds until it showed n} for every worker; fails naming those that did not."""
    live: dict[int, float] = {}
    while time.monotonic() - since < limit:
        pid, shown = probe(server.port, n)
        if pid is not None and shown:
            live.setdefault(pid, time.monotonic() - since)
        if set(server.workers()) <= set(live):
            return live
        time.sleep(0.05)
    missing = set(server.workers()) - set(live)
    raise AssertionError(f"publication {n} not live within {limit} s on workers {missing} "
                         f"(live: {live})\n" + server.log_path.read_text()[-3000:])


def leaders(server: Gunicorn) -> list[int]:
    return [int(pid) for pid in re.findall(r"for this machine \(pid (\d+)\)",
                                           server.log_path.read_text())]


@pytest.fixture(params=["events", "poll"])
def server(request, tmp_path, content_dir):
    gunicorn = Gunicorn(tmp_path, content_dir, workers=3, env={
        "PORTAL_RELOAD_MODE": request.param, "GUNICORN_LOGLEVEL": "info"})
    try:
        gunicorn.wait_ready(workers=3)
        yield gunicorn
    finally:
        gunicorn.stop()


def publish(content, n: int) -> float:
    started = time.monotonic()
    (content / f"en/disclosures/bridge-closed-{n}.md").write_text(DOC.format(n=n))
    return started


def test_two_publications_a_second_apart_both_go_live_on_every_worker(server, content_dir):
    first = publish(content_dir, 1)
    time.sleep(1)
    second = publish(content_dir, 2)
    live_everywhere(server, 1, first)
    live_everywhere(server, 2, second)
    deadline = time.monotonic() + 10
    while len(leaders(server)) < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(leaders(server)) == 1, "one worker watches the tree for the machine"


def test_when_the_watching_worker_dies_another_watches_and_its_replacement_catches_up(
        server, content_dir):
    deadline = time.monotonic() + 10
    while not leaders(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    [leader] = leaders(server)
    before = set(server.workers())
    os.kill(leader, signal.SIGKILL)
    # A change while there is no leader, before gunicorn has replaced it.
    started = publish(content_dir, 3)
    deadline = time.monotonic() + 20
    while (len(server.workers()) != 3 or leader in server.workers()) and \
            time.monotonic() < deadline:
        time.sleep(0.1)
    newcomer = set(server.workers()) - before
    assert newcomer, "gunicorn replaced the killed worker"
    live = live_everywhere(server, 3, started, limit=LIMIT + 10)
    assert newcomer <= set(live)
    assert len(leaders(server)) == 2 and leaders(server)[1] != leader
    # And the new leader publishes what comes next, on every worker.
    live_everywhere(server, 4, publish(content_dir, 4))
