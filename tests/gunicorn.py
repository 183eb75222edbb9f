"""Real gunicorn with the shipped settings on a free 127.0.0.1 port, for tests."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench._live import serving

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Gunicorn:
    """gunicorn -c gunicorn.conf.py wsgi:app on a free loopback port, in its own session."""

    def __init__(self, tmp: Path, content: Path, workers: int = 2, env: dict | None = None):
        self.port = free_port()
        self.count = workers
        self.log_path = tmp / "gunicorn.log"
        self.index_dir = tmp / "index"
        self.env = {**os.environ, "PORTAL_CONTENT_DIR": str(content),
                    "PORTAL_INDEX_DIR": str(self.index_dir), "PORTAL_BUILD_DIR": str(tmp / "build"),
                    "PORTAL_BASE_URL": f"http://127.0.0.1:{self.port}",
                    "GUNICORN_WORKERS": str(workers), "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                    "GUNICORN_LOGLEVEL": "warning", **(env or {})}
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=self.env,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log,
            start_new_session=True)

    def wait_ready(self, workers: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if fetch(self.port, "/healthz", 1)[0] == 200 and len(self.workers()) == workers:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("gunicorn did not start:\n" + self.log_path.read_text())

    def workers(self) -> list[int]:
        """The workers serving now: not those replaced after a change and finishing."""
        return serving(self.process.pid, self.count)

    def children(self) -> list[int]:
        """Every worker process, also those finishing."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self._log.close()
