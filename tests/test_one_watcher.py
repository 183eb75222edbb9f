"""One watcher per machine, against real gunicorn: the master watches the content, loads
each change once and has gunicorn replace its workers with ones forked after the change
(sharing what it loaded). Every worker still publishes within seconds, two publications
1 s apart both go live everywhere, the replaced workers end, and a worker killed at any
time is replaced by one serving the latest content.
"""
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
        response = connection.getresponse()
        pid = json.loads(response.read())["pid"]
        shown = True
        for path in (f"/en/disclosures/bridge-closed-{n}", f"/en/search?q=word{n}marker",
                     "/en/feeds/disclosures.atom"):
            if response.will_close:  # a replaced worker finishing: the rest is another's
                return None, False
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
    assert leaders(server) == [server.process.pid], "the master watches the tree for the machine"
    # The workers it replaced finish and end: three worker processes again.
    deadline = time.monotonic() + 20
    while len(server.children()) != 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(server.children()) == 3, server.children()


def test_a_killed_worker_is_replaced_by_one_serving_the_latest_change(server, content_dir):
    live_everywhere(server, 3, publish(content_dir, 3))
    victim = server.workers()[0]
    os.kill(victim, signal.SIGKILL)
    # A change while the killed worker is not replaced yet.
    started = publish(content_dir, 4)
    deadline = time.monotonic() + 20
    while (len(server.workers()) != 3 or victim in server.workers()) and \
            time.monotonic() < deadline:
        time.sleep(0.1)
    assert victim not in server.workers() and len(server.workers()) == 3
    live = live_everywhere(server, 4, started, limit=LIMIT + 10)
    assert set(server.workers()) <= set(live)
    # Both earlier publications stay on every worker, and the next one goes live too.
    live_everywhere(server, 3, time.monotonic())
    live_everywhere(server, 5, publish(content_dir, 5))
    assert leaders(server) == [server.process.pid]


def test_a_connection_kept_open_on_a_replaced_worker_gets_the_new_content(server, content_dir):
    # A reader's browser keeps its connection open between pages (keepalive, 5 s). The
    # worker it is open to is replaced after a change: its next page is the new one, not
    # one more from the content the worker was replaced for.
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", "/healthz")
        old = json.loads(connection.getresponse().read())["pid"]
        live_everywhere(server, 6, publish(content_dir, 6))
        assert old not in server.workers()
        path = "/en/disclosures/bridge-closed-6"
        connection.request("GET", path)  # within keepalive
        try:
            response = connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError):
            # Closed by the worker while idle: a browser asks again on a new connection
            # (RFC 9110 9.2.2), which a current worker answers.
            connection.close()
            connection.request("GET", path)
            response = connection.getresponse()
        assert response.status == 200 and "Bridge 6 closed" in response.read().decode()
    finally:
        connection.close()
