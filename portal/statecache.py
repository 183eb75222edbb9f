"""Values computed once per content state: pages, feeds, CAP documents, search answers.

Everything public is a function of the content state (:meth:`Library.state`)
and the request, so one cache shape serves them all. It keeps the values of the
few most recent states (a new library's outputs are built while requests of the
old one are still being answered; neither evicts the other), bounded by count
and by bytes, least recently used out first. A value is computed once per key
even when many threads ask at once: the others wait for the first, so a surge
right after a change never builds the same feed twenty times.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
WAIT = 30.0  # seconds to wait for another thread's computation before doing it too


class StateCache(Generic[V]):
    def __init__(self, max_entries: int = 4096, max_bytes: int | None = None,
                 size: Callable[[V], int] = lambda value: 0, states: int = 2):
        self.max_entries, self.max_bytes, self._size = max_entries, max_bytes, size
        self.max_states = states
        self.bytes = 0
        self._states: OrderedDict[Hashable, None] = OrderedDict()  # oldest first
        self._values: OrderedDict[tuple, V] = OrderedDict()  # (state, key), LRU order
        self._pending: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._values)

    def peek(self, state: Hashable, key: Hashable) -> V | None:
        """The stored value, or None; never computes."""
        with self._lock:
            value = self._values.get((state, key))
            if value is not None:
                self._values.move_to_end((state, key))
            return value

    def put(self, state: Hashable, key: Hashable, value: V) -> None:
        size = self._size(value)
        if self.max_bytes is not None and size > self.max_bytes:
            return
        with self._lock:
            if state not in self._states:
                self._states[state] = None
                while len(self._states) > self.max_states:
                    self._drop(next(iter(self._states)))
            old = self._values.pop((state, key), None)
            if old is not None:
                self.bytes -= self._size(old)
            self._values[(state, key)] = value
            self.bytes += size
            while len(self._values) > self.max_entries or (
                    self.max_bytes is not None and self.bytes > self.max_bytes):
                _, evicted = self._values.popitem(last=False)
                self.bytes -= self._size(evicted)

    def get(self, state: Hashable, key: Hashable, compute: Callable[[], V]) -> V:
        """The value for ``key`` in ``state``, computed by the first caller only."""
        full = (state, key)
        with self._lock:
            if full in self._values:
                self._values.move_to_end(full)
                self.hits += 1
                return self._values[full]
            self.misses += 1
            pending = self._pending.get(full)
            mine = pending is None
            if mine:
                pending = self._pending[full] = threading.Event()
        if not mine:
            pending.wait(WAIT)
            value = self.peek(state, key)
            if value is not None:
                return value
            return compute()  # the first caller failed or took too long: our own copy
        try:
            value = compute()
            self.put(state, key, value)
            return value
        finally:
            with self._lock:
                self._pending.pop(full, None)
            pending.set()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._states.clear()
            self.bytes = 0

    def _drop(self, state: Hashable) -> None:
        del self._states[state]
        for full in [f for f in self._values if f[0] == state]:
            self.bytes -= self._size(self._values.pop(full))
