"""Run a function in the calling thread and interrupt it when it passes a deadline.

One watchdog thread per process holds the deadlines of every thread inside
:func:`call`. When one passes, it raises an exception in that thread with
``PyThreadState_SetAsyncExc``; the interpreter delivers it at the next bytecode
boundary, so the work stops where it is, in whatever thread it runs. A call
costs a lock and a dict entry, no thread or process of its own. The limit: a
single call into C (one long regular-expression match) is interrupted only
when it returns to Python.

The time counted is the CPU time of the calling thread, not the clock on the
wall: a deadline says how much work a text may cost, and a thread that waits
(for the interpreter lock while other threads build an index, for a core on a
busy machine, stopped by the scheduler) has not worked. Counting the wall
clock made an ordinary file fail "within 1 s" on a loaded server, and that
file then stayed unpublished. Past ``WALL`` times the timeout on the wall
clock, the call is stopped all the same.
"""
from __future__ import annotations

import _thread
import ctypes
import os
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Raise again this long after the first try, should a __del__ or a bare
# `except:` in the interrupted code have swallowed it.
RETRY = 0.1
# However starved the thread, the call ends after this many times its timeout.
WALL = 30


class DeadlineExceeded(Exception):
    """The function ran past its deadline and was stopped."""


class _Interrupt(BaseException):
    """BaseException, so that `except Exception` in the interrupted code lets it through."""


_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
_set_async_exc.restype = ctypes.c_int


def _original(name: str):
    """``_thread.<name>`` as the interpreter has it, also in a gevent worker: the
    watchdog must be a real thread with real locks (a greenlet could never stop the
    work it watches, and a real lock held around a greenlet's start deadlocks), and
    an interrupt needs the OS thread's id, not a greenlet's."""
    try:
        from gevent import monkey
    except ImportError:
        return getattr(_thread, name)
    return monkey.get_original("_thread", name)


_start_thread, _allocate_lock, _get_ident = (
    _original(name) for name in ("start_new_thread", "allocate_lock", "get_ident"))


def _cpu_clock(tid: int):
    """A function giving the CPU seconds thread ``tid`` has used, or None (no such clock
    here: the wall clock is used instead)."""
    try:
        clock = time.pthread_getcpuclockid(tid)
        time.clock_gettime(clock)
    except (AttributeError, OSError, OverflowError):
        return None
    return lambda: time.clock_gettime(clock)


class _Due:
    """One armed call: when to look next, and how much work it may do."""
    __slots__ = ("at", "timeout", "cpu", "start", "wall_limit")

    def __init__(self, tid: int, timeout: float):
        now = time.monotonic()
        self.timeout, self.cpu = timeout, _cpu_clock(tid)
        self.start = self.cpu() if self.cpu is not None else now
        self.at, self.wall_limit = now + timeout, now + timeout * WALL

    def passed(self, now: float) -> bool:
        """True when the call has used its time; else moves ``at`` to the next look."""
        if self.cpu is None or now >= self.wall_limit:
            return True
        left = self.timeout - (self.cpu() - self.start)
        if left <= 0.001:
            return True
        self.at = min(now + left, self.wall_limit)
        return False


class _Watchdog:
    def __init__(self) -> None:
        self._reset()
        # A forked child has no watchdog thread and maybe a lock held by a
        # thread that no longer exists: start afresh there.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._lock = _allocate_lock()
        self._wake = _allocate_lock()  # released to wake the watchdog early
        self._wake.acquire()
        self._due: dict[int, _Due] = {}
        self._fired: set[int] = set()
        self._wake_at = float("inf")
        self._started = False

    def arm(self, tid: int, timeout: float) -> None:
        due = _Due(tid, timeout)
        deadline = due.at
        with self._lock:
            if tid in self._due:
                raise RuntimeError("deadline.call() does not nest within one thread")
            self._due[tid] = due
            if not self._started:
                self._started = True
                _start_thread(self._watch, (self._lock, self._wake, self._due, self._fired))
            elif deadline < self._wake_at and self._wake.locked():
                self._wake.release()  # otherwise it wakes early enough already

    def disarm(self, tid: int) -> None:
        """After this returns no interrupt is pending or will come for `tid`."""
        with self._lock:
            self._due.pop(tid, None)
            if tid in self._fired:
                self._fired.discard(tid)
                _set_async_exc(tid, ctypes.py_object())  # withdraw one not yet delivered

    def _watch(self, lock, wake, due: dict[int, _Due], fired: set[int]) -> None:
        while True:
            with lock:
                now = time.monotonic()
                for tid, entry in due.items():
                    if entry.at <= now and (tid in fired or entry.passed(now)):
                        _set_async_exc(tid, ctypes.py_object(_Interrupt))
                        fired.add(tid)
                        entry.at = now + RETRY
                self._wake_at = min((entry.at for entry in due.values()), default=float("inf"))
                wait = -1 if self._wake_at == float("inf") else max(self._wake_at - now, 0)
            wake.acquire(timeout=wait)


_watchdog = _Watchdog()


def call(fn: Callable[[], T], timeout: float | None) -> T:
    """fn(), or DeadlineExceeded once it has worked `timeout` seconds of this thread's
    CPU time, or waited WALL times that (None: no limit)."""
    if timeout is None:
        return fn()
    tid = _get_ident()
    try:
        _watchdog.arm(tid, timeout)
        try:
            return fn()
        finally:
            _watchdog.disarm(tid)
    except _Interrupt:
        while True:  # a repeat may land while we disarm; disarm until one succeeds
            try:
                _watchdog.disarm(tid)
                break
            except _Interrupt:
                pass
        raise DeadlineExceeded(f"stopped after {timeout:g} s") from None
