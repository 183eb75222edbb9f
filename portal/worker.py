"""The gunicorn worker: gevent, bounded socket waits, and error pages with our headers.

A connection costs a greenlet, not a thread, so idle and slow clients cannot use
up the workers. gunicorn answers what never reaches the app itself (a request
line or headers too long, a malformed request, a crash); those answers carry the
same security headers as the app's, a charset, and nothing of the request.
"""
from __future__ import annotations

import html
import os
import socket

import gevent

from gunicorn import util
from gevent.server import StreamServer
from gunicorn.workers import ggevent
from gunicorn.workers.ggevent import GeventWorker

from .headers import SECURITY_HEADERS

PAGE = ('<!doctype html>\n<html lang="en">\n<meta charset="utf-8">\n<title>{status}</title>\n'
        '<h1>{status}</h1>\n<p>The server cannot answer this request.</p>\n</html>\n')


def error_answer(status_int: int, reason: str) -> bytes:
    status = f"{status_int} {reason}"
    body = PAGE.format(status=html.escape(status)).encode()
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
               ("Cache-Control", "no-store"), ("Connection", "close"),
               *SECURITY_HEADERS.items()]
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{n}: {v}\r\n" for n, v in headers) + "\r\n"
    return head.encode("latin-1") + body


def write_error(sock, status_int: int, reason: str, mesg: str) -> None:
    # gunicorn's message quotes the offending request back; we do not.
    util.write_nonblock(sock, error_answer(status_int, reason))


# Connections a worker takes from the listening socket at each look. gunicorn takes one
# when there are several workers (to spread connections between them), but a look
# comes once per turn of a busy event loop: when a surge opened hundreds of
# connections at once, the last ones waited seconds to be taken, and timed out.
ACCEPT = int(os.environ.get("PORTAL_ACCEPT_BATCH", 16))


class _Server(StreamServer):
    _max_accept = ACCEPT
    running: list[_Server] = []  # this worker's servers, to stop accepting at once

    def start(self):
        super().start()
        _Server.running.append(self)

    @property
    def max_accept(self) -> int:
        return self._max_accept

    @max_accept.setter
    def max_accept(self, value: int) -> None:
        self._max_accept = max(value, ACCEPT)


class Worker(GeventWorker):
    def patch(self):
        # Sockets, select and sleep cooperate with the event loop; threads stay real
        # threads. The content watcher, the index builder, the output warmer and the
        # Markdown deadline are real threads that share locks with request handlers:
        # gevent's patched locks are not safe across threads, real ones are, and the
        # sections they guard are short.
        from gevent import monkey
        monkey.patch_all(thread=False)
        sockets = []
        for listener in self.sockets:
            sockets.append(socket.socket(listener.FAMILY, socket.SOCK_STREAM,
                                         fileno=listener.sock.detach()))
        self.sockets = sockets

    def handle(self, listener, client, addr):
        # gunicorn bounds the wait for a request's line and headers by `keepalive`;
        # this bounds every other wait on the socket (a body that never arrives, a
        # client that never reads the answer). The base class would block forever.
        client.settimeout(self.cfg.timeout)
        try:
            super(GeventWorker, self).handle(listener, client, addr)
        finally:
            self._kept.discard(client)

    def handle_exit(self, sig, frame):
        # Told to stop (replaced by a worker forked after a content change, say): stop
        # taking connections now, not at the next turn of gunicorn's one-second loop,
        # and end the kept-alive connections waiting for a next request, whose next
        # request would otherwise be answered with the content this worker was
        # replaced for (a client asks again on a new connection, as after any idle
        # close). Requests being answered finish, and so does the first request of a
        # connection just taken; their connections then close.
        super().handle_exit(sig, frame)
        gevent.spawn(self._stop_now)

    def _stop_now(self):
        for server in _Server.running:
            server.stop_accepting()  # closing the socket here reset connections just taken
        for client in list(self._kept - self._busy):
            try:
                client.shutdown(socket.SHUT_RD)  # its reader sees the end and closes it
            except OSError:
                pass

    def handle_request(self, listener_name, req, sock, addr):
        # A keep-alive client whose next request is already waiting would otherwise be
        # served again and again without the worker looking at anyone else: the event
        # loop switches only when a socket would block. Under a surge that left some
        # connections unanswered for seconds while others got sub-millisecond answers.
        # Yielding first puts this connection behind every other one that is ready.
        gevent.sleep(0)
        self._busy.add(sock)
        try:
            return super().handle_request(listener_name, req, sock, addr)
        finally:
            self._busy.discard(sock)
            self._kept.add(sock)  # answered once: kept alive, or about to close

    def run(self):
        ggevent.StreamServer = _Server  # what gunicorn's run() builds its servers with
        super().run()

    def init_process(self):
        # gunicorn's handle_error writes its answers through util.write_error, and
        # nothing else calls it: replacing it in this worker's process is the hook.
        util.write_error = write_error
        # Connections answered at least once (kept alive), and those with a request
        # being answered.
        self._kept, self._busy = set(), set()
        super().init_process()
