"""Run a function in the calling thread and interrupt it when it passes a deadline.

One watchdog thread per process holds the deadlines of every thread inside
:func:`call`. When one passes, it raises an exception in that thread with
``PyThreadState_SetAsyncExc``; the interpreter delivers it at the next bytecode
boundary, so the work stops where it is, in whatever thread it runs. A call
costs a lock and a dict entry, no thread or process of its own. The limit: a
single call into C (one long regular-expression match) is interrupted only
when it returns to Python.
"""
from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Raise again this long after the first try, should a __del__ or a bare
# `except:` in the interrupted code have swallowed it.
RETRY = 0.1


class DeadlineExceeded(Exception):
    """The function ran past its deadline and was stopped."""


class _Interrupt(BaseException):
    """BaseException, so that `except Exception` in the interrupted code lets it through."""


_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
_set_async_exc.restype = ctypes.c_int


class _Watchdog:
    def __init__(self) -> None:
        self._reset()
        # A forked child has no watchdog thread and maybe a lock held by a
        # thread that no longer exists: start afresh there.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._due: dict[int, float] = {}
        self._fired: set[int] = set()
        self._wake_at = float("inf")
        self._thread: threading.Thread | None = None

    def arm(self, tid: int, deadline: float) -> None:
        with self._cond:
            if tid in self._due:
                raise RuntimeError("deadline.call() does not nest within one thread")
            self._due[tid] = deadline
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, args=(self._cond,),
                                                name="deadline-watchdog", daemon=True)
                self._thread.start()
            elif deadline < self._wake_at:
                self._cond.notify()  # otherwise it wakes early enough already

    def disarm(self, tid: int) -> None:
        """After this returns no interrupt is pending or will come for `tid`."""
        with self._cond:
            self._due.pop(tid, None)
            if tid in self._fired:
                self._fired.discard(tid)
                _set_async_exc(tid, ctypes.py_object())  # withdraw one not yet delivered

    def _watch(self, cond: threading.Condition) -> None:
        with cond:
            while True:
                now = time.monotonic()
                for tid, due in self._due.items():
                    if due <= now:
                        _set_async_exc(tid, ctypes.py_object(_Interrupt))
                        self._fired.add(tid)
                        self._due[tid] = now + RETRY
                self._wake_at = min(self._due.values(), default=float("inf"))
                cond.wait(None if self._wake_at == float("inf") else self._wake_at - now)


_watchdog = _Watchdog()


def call(fn: Callable[[], T], timeout: float | None) -> T:
    """fn(), or DeadlineExceeded once it has run `timeout` seconds (None: no limit)."""
    if timeout is None:
        return fn()
    tid = threading.get_ident()
    try:
        _watchdog.arm(tid, time.monotonic() + timeout)
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
