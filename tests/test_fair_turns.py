"""In a surge every connection gets its turn: a client that keeps a worker busy with
request after request on one connection does not keep another client waiting until it
has finished. Told from the order the worker answered in (its access log), not from
timings."""
from __future__ import annotations

import socket
import time

import pytest

from tests.gunicorn import ROOT, Gunicorn, fetch

CONTENT = ROOT / "tests" / "content"
BUSY = 400  # requests sent at once on the busy connection


@pytest.fixture
def server(tmp_path):
    gunicorn = Gunicorn(tmp_path, CONTENT, workers=1,
                        env={"GUNICORN_ACCESSLOG": str(tmp_path / "access.log")})
    try:
        gunicorn.wait_ready(workers=1)
        assert fetch(gunicorn.port, "/en/")[0] == 200
        yield gunicorn
    finally:
        gunicorn.stop()


def _read_all(sock: socket.socket, responses: int, limit: float) -> bytes:
    """Read until ``responses`` answers have come (counted by their status lines)."""
    data = b""
    deadline = time.monotonic() + limit
    while data.count(b"HTTP/1.1 200") < responses and time.monotonic() < deadline:
        chunk = sock.recv(1 << 16)
        if not chunk:
            break
        data += chunk
    return data


def test_a_busy_connection_does_not_hold_up_another(server, tmp_path):
    busy = socket.create_connection(("127.0.0.1", server.port), timeout=60)
    other = socket.create_connection(("127.0.0.1", server.port), timeout=60)
    try:
        # Every request of the busy client is in the worker's socket before the other
        # client asks: a worker that serves a connection for as long as it has requests
        # waiting would answer all of them first.
        busy.sendall(b"".join(b"GET /en/?busy=%d HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % n
                              for n in range(BUSY)))
        other.sendall(b"GET /en/?other HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert b"HTTP/1.1 200" in _read_all(other, 1, 60)
        assert _read_all(busy, BUSY, 120).count(b"HTTP/1.1 200") == BUSY
    finally:
        busy.close()
        other.close()
    deadline = time.monotonic() + 10
    lines: list[str] = []
    while time.monotonic() < deadline:  # the log is written as requests finish
        lines = [line for line in (tmp_path / "access.log").read_text().splitlines()
                 if "busy=" in line or "?other" in line]
        if len(lines) == BUSY + 1:
            break
        time.sleep(0.1)
    assert len(lines) == BUSY + 1
    answered_before = next(n for n, line in enumerate(lines) if "?other" in line)
    # Answered among the first of the busy client's requests, not after them all.
    assert answered_before < BUSY // 4, answered_before
