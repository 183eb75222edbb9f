"""Idle and slow clients cannot take the site down: gunicorn as `make run` starts it."""
import resource
import selectors
import socket
import subprocess
import sys
import time

from tests.gunicorn import ROOT, Gunicorn, fetch

IDLE = 300      # connect and never send a byte
SLOW = 50       # send one header line every SLOW_EVERY seconds, never finish
SLOW_EVERY = 3.0
SECONDS = 20.0
EVERY = 0.5     # one normal request this often
LIMIT = 1.0     # seconds a normal request may take meanwhile
CONTENT = ROOT / "tests" / "content"


def raise_fd_limit(needed: int) -> None:
    """Enough descriptors for the attack here and in gunicorn (which inherits the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= needed or soft == resource.RLIM_INFINITY


class Crowd:
    """IDLE + SLOW open connections, reopened whenever the server closes one (as an
    attacker would), so the population stays the same for the whole test."""

    def __init__(self, port: int, max_connects: int):
        self.port = port
        self.selector = selectors.DefaultSelector()
        self.slow_due: dict[socket.socket, float] = {}
        self.connects = 0
        self.max_connects = max_connects
        self.closed_by_server = 0

    def open(self, slow: bool) -> None:
        if self.connects >= self.max_connects:
            return
        self.connects += 1
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        except OSError:
            return
        sock.setblocking(False)
        self.selector.register(sock, selectors.EVENT_READ, slow)
        if slow:
            self._send(sock, b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.slow_due[sock] = time.monotonic() + SLOW_EVERY

    def _send(self, sock: socket.socket, data: bytes) -> None:
        try:
            sock.send(data)
        except OSError:
            pass

    def tend(self) -> None:
        """Reopen what the server closed; send the slow ones their next header line."""
        for key, _ in self.selector.select(timeout=0):
            sock, slow = key.fileobj, key.data
            try:
                data = sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:  # closed by the server: come back, as an attacker would
                self.closed_by_server += 1
                self._close(sock)
                self.open(slow)
        now = time.monotonic()
        for sock, due in list(self.slow_due.items()):
            if due <= now:
                self._send(sock, b"X-Slow: %d\r\n" % int(now))
                self.slow_due[sock] = now + SLOW_EVERY

    def _close(self, sock: socket.socket) -> None:
        self.selector.unregister(sock)
        self.slow_due.pop(sock, None)
        sock.close()

    def __len__(self) -> int:
        return len(self.selector.get_map())

    def close(self) -> None:
        for key in list(self.selector.get_map().values()):
            self._close(key.fileobj)
        self.selector.close()


def test_idle_and_slow_clients_do_not_delay_a_normal_request(tmp_path):
    raise_fd_limit(4096)
    server = Gunicorn(tmp_path, CONTENT)
    crowd = None
    latencies: list[float] = []
    failures: list[str] = []
    try:
        server.wait_ready(workers=2)
        for _ in range(8):  # each worker renders the page once before the crowd comes
            assert fetch(server.port, "/en/")[0] == 200
        crowd = Crowd(server.port, max_connects=(IDLE + SLOW) * 20)
        for i in range(IDLE + SLOW):
            crowd.open(slow=i >= IDLE)
        assert len(crowd) == IDLE + SLOW
        start = time.monotonic()
        for _ in range(int(SECONDS / EVERY)):
            tick = time.monotonic()
            crowd.tend()
            try:
                status, _ = fetch(server.port, "/en/", timeout=3)
                latencies.append(time.monotonic() - tick)
                if status != 200:
                    failures.append(f"status {status}")
            except OSError as exc:
                latencies.append(time.monotonic() - tick)
                failures.append(repr(exc))
            crowd.tend()
            time.sleep(max(0.0, EVERY - (time.monotonic() - tick)))
            if time.monotonic() - start > SECONDS + 5:
                break
        open_at_end = len(crowd)
    finally:
        if crowd is not None:
            crowd.close()
        server.stop()
    worst = max(latencies)
    print(f"\n{len(latencies)} normal requests beside {IDLE} idle and {SLOW} slow sockets: "
          f"worst {worst * 1000:.0f} ms, median {sorted(latencies)[len(latencies) // 2] * 1000:.0f} ms; "
          f"{crowd.connects} attacker connections, {crowd.closed_by_server} closed by the server\n"
          f"{[round(x * 1000) for x in latencies]}")
    assert not failures, failures
    assert worst < LIMIT, [round(x, 3) for x in latencies]
    assert open_at_end >= (IDLE + SLOW) * 0.9  # the crowd really was there all along


CPU_BESIDE_LOOP = """
from gevent import monkey
monkey.patch_all()
import threading, time, gevent
from portal.threads import Thread

def burn():
    end = time.perf_counter() + 1.5
    while time.perf_counter() < end:
        sum(range(1000))
    result.append(threading.get_native_id())

result = []
worker = Thread(target=burn, name="burn")
worker.start()
gaps, last = [], time.perf_counter()
while worker.is_alive():
    gevent.sleep(0.01)
    now = time.perf_counter()
    gaps.append(now - last)
    last = now
worker.join(5)
assert result and result[0] != threading.get_native_id(), result
print(max(gaps))
"""


def test_background_work_runs_beside_the_event_loop_not_on_it():
    """The content watcher and the index builder use portal.threads.Thread: under
    gevent it is a real OS thread, so 1.5 s of CPU work leaves the loop answering."""
    out = subprocess.run([sys.executable, "-c", CPU_BESIDE_LOOP], cwd=ROOT, capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert float(out.stdout.split()[-1]) < 0.2, out.stdout
