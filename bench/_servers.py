"""Servers for the benchmarks, on 127.0.0.1 only, and wrk to load them.

Every server runs in its own session and is registered with a :class:`Servers`
stack, which kills each whole process group on the way out, whatever happened.
"""
from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SBIN_PATH = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"


def tool(name: str) -> str:
    found = shutil.which(name, path=SBIN_PATH)
    if not found:
        raise SystemExit(f"{name} is not installed: `make bench` installs it when run as root "
                         f"(apt-get install nginx-light wrk)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, headers: dict | None = None,
          timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """One GET; the body exactly as sent (not decompressed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class Server:
    def __init__(self, name: str, argv: list[str], port: int, log: Path, env=None, cwd=ROOT):
        self.name, self.port, self.log_path = name, port, log
        self.count = 0  # worker processes, where known
        self._log = log.open("wb")
        self.process = subprocess.Popen(argv, cwd=cwd, env={**os.environ, **(env or {})},
                                        stdin=subprocess.DEVNULL, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self, path: str = "/", timeout: float = 60) -> float:
        """Wait until ``path`` answers 2xx/3xx; seconds it took."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                break
            try:
                if fetch(self.port, path, timeout=2)[0] < 400:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer {path} within {timeout:.0f} s:\n"
                           + self.log_path.read_text(errors="replace")[-3000:])

    def workers(self) -> list[int]:
        """The worker processes serving now (for a gunicorn server started with a number
        of workers: not those it has replaced and is letting finish)."""
        if self.count:
            from ._live import serving
            return serving(self.process.pid, self.count)
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
            except ProcessLookupError:
                pass
        self._log.close()


class Servers:
    """Context manager: every server started through it is stopped on exit, even on
    an exception or SIGTERM/SIGINT/SIGHUP."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.started: list[Server] = []

    def __enter__(self) -> Servers:
        self._previous = {sig: signal.signal(sig, self._interrupt)
                          for sig in (signal.SIGTERM, signal.SIGHUP)}
        return self

    def _interrupt(self, signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    def __exit__(self, *exc) -> None:
        for server in reversed(self.started):
            server.stop()
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def stop(self, server: Server) -> None:
        server.stop()
        self.started.remove(server)

    def gunicorn(self, name: str, app: str, env: dict | None = None, workers: int | None = None,
                 ready: str = "/", timeout: float = 60, port: int | None = None) -> Server:
        """``app`` under the shipped gunicorn.conf.py, bound to ``port`` on loopback (a
        free one if not given)."""
        port = port or free_port()
        settings = {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_LOGLEVEL": "warning",
                    "PYTHONPATH": str(ROOT), **(env or {})}
        if workers:
            settings["GUNICORN_WORKERS"] = str(workers)
        server = Server(name, [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), app],
                        port, self.workdir / f"{name}.log", env=settings)
        server.count = int(settings.get("GUNICORN_WORKERS") or os.cpu_count() or 1)
        self.started.append(server)
        server.wait(ready, timeout)
        return server

    def nginx(self, name: str, config: str, port: int) -> Server:
        path = self.workdir / f"{name}.conf"
        path.write_text(config)
        check = subprocess.run([tool("nginx"), "-t", "-q", "-c", str(path)], capture_output=True,
                               text=True, timeout=30)
        if check.returncode:
            raise RuntimeError(f"nginx rejected {path}:\n{check.stderr}")
        server = Server(name, [tool("nginx"), "-c", str(path), "-g", "daemon off;"], port,
                        self.workdir / f"{name}.log")
        self.started.append(server)
        server.wait("/", 30)
        return server


@dataclass
class WrkResult:
    requests_per_second: float
    requests: int
    errors: int  # socket errors of every kind plus non-2xx/3xx answers
    p50_ms: float
    p99_ms: float
    timeouts: int = 0  # of the errors: requests wrk gave up on after its 2 s timeout


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(port: int, path: str, threads: int, connections: int, seconds: int,
        timeout: int | None = None) -> WrkResult:
    """``timeout``: seconds before wrk gives up on a request (its own default is 2)."""
    argv = [tool("wrk"), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
            *([f"--timeout={timeout}s"] if timeout else []), f"http://127.0.0.1:{port}{path}"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60).stdout
    try:
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
        p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    except AttributeError:
        raise RuntimeError(f"cannot read wrk's output:\n{out}") from None
    errors = timeouts = 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                              r"timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
        timeouts = int(socket_errors.group(4))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        errors += int(non_2xx.group(1))
    return WrkResult(rps, requests, errors, p50, p99, timeouts)


def median_result(results: list[WrkResult]) -> WrkResult:
    return WrkResult(*(statistics.median(getattr(r, f) for r in results)
                       for f in WrkResult.__dataclass_fields__))


def memory(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private clean + dirty) of one process, in MiB, from /proc."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value) / 1024
    return {"rss": fields["Rss"], "pss": fields["Pss"],
            "uss": fields["Private_Clean"] + fields["Private_Dirty"]}
