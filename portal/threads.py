"""Background work on a real OS thread, also inside a gevent worker.

gevent's monkey-patching makes ``threading.Thread`` a greenlet on the worker's
event loop. CPU-heavy work there (a content reload, an index build) would freeze
every connection of the worker until it finished; on a real thread it shares the
CPU with the loop, which the interpreter switches to every few milliseconds.
"""
from __future__ import annotations

import threading


def _patched() -> bool:
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("threading")


def _gevent_threadpool():
    """gevent's pool of real threads, if this process is monkey-patched and this is
    the loop's thread (asking for a hub elsewhere would make one for that thread)."""
    if not _patched() or not _on_the_loop_thread():
        return None
    import gevent
    return gevent.get_hub().threadpool


def _on_the_loop_thread() -> bool:
    from gevent import monkey
    get_ident = monkey.get_original("_thread", "get_ident")
    main = monkey.get_original("threading", "main_thread")()
    return get_ident() == main.ident


class Thread:
    """The part of ``threading.Thread`` we use (start, is_alive, join), always a real
    thread; joining from a greenlet waits cooperatively. Always a daemon."""

    def __init__(self, target, args: tuple = (), name: str | None = None, daemon: bool = True):
        self.target, self.args, self.name = target, args, name
        self._thread: threading.Thread | None = None
        self._result = None  # gevent's AsyncResult for the same work

    def start(self) -> None:
        pool = _gevent_threadpool()
        if pool is None and _patched():
            # Asked from a real thread (the content watcher): gevent's pool belongs to
            # the loop's thread, so start a real thread the way gevent documents.
            from gevent import monkey
            start_new_thread = monkey.get_original("_thread", "start_new_thread")
            done = monkey.get_original("_thread", "allocate_lock")()
            done.acquire()

            def run():
                try:
                    self.target(*self.args)
                finally:
                    done.release()
            self._done = done
            start_new_thread(run, ())
        elif pool is None:
            self._thread = threading.Thread(target=self.target, args=self.args, name=self.name,
                                            daemon=True)
            self._thread.start()
        else:
            self._result = pool.spawn(self.target, *self.args)

    def is_alive(self) -> bool:
        if getattr(self, "_done", None) is not None:
            return self._done.locked()
        if self._thread is not None:
            return self._thread.is_alive()
        return self._result is not None and not self._result.ready()

    def join(self, timeout: float | None = None) -> None:
        if getattr(self, "_done", None) is not None:
            if self._done.acquire(timeout=-1 if timeout is None else timeout):
                self._done.release()
            return
        if self._thread is not None:
            self._thread.join(timeout)
        elif self._result is not None:
            self._result.wait(timeout)
