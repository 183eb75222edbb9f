"""Values computed once per content state: pages, feeds, CAP documents, the sitemap.

Everything public is a function of the content state (:meth:`Library.state`) and
the request, so one cache shape serves them all: entries of one state only (a
new state empties it), bounded by count and by bytes, least recently used out
first. A value is computed once per key even when many threads ask at once:
the others wait for the first, so a surge right after a change never builds
the same feed twenty times.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class StateCache(Generic[V]):
    def __init__(self, max_entries: int = 4096, max_bytes: int | None = None,
                 size: Callable[[V], int] = lambda value: 0):
        self.max_entries, self.max_bytes, self._size = max_entries, max_bytes, size
        self.state: Hashable = None
        self.bytes = 0
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._pending: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def peek(self, state: Hashable, key: Hashable) -> V | None:
        """The stored value, or None; never computes."""
        with self._lock:
            if state != self.state:
                return None
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, state: Hashable, key: Hashable, value: V) -> None:
        size = self._size(value)
        if self.max_bytes is not None and size > self.max_bytes:
            return
        with self._lock:
            self._switch(state)
            old = self._values.pop(key, None)
            if old is not None:
                self.bytes -= self._size(old)
            self._values[key] = value
            self.bytes += size
            while len(self._values) > self.max_entries or (
                    self.max_bytes is not None and self.bytes > self.max_bytes):
                _, evicted = self._values.popitem(last=False)
                self.bytes -= self._size(evicted)

    def get(self, state: Hashable, key: Hashable, compute: Callable[[], V]) -> V:
        """The value for ``key`` in ``state``, computed by the first caller only."""
        while True:
            with self._lock:
                if state == self.state and key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]
                pending = self._pending.get((state, key))
                if pending is None:
                    pending = self._pending[(state, key)] = threading.Event()
                    break
            pending.wait(30)  # another thread computes it; bounded, then try ourselves
            with self._lock:
                if self._pending.get((state, key)) is pending and not pending.is_set():
                    del self._pending[(state, key)]
        try:
            value = compute()
            self.put(state, key, value)
            return value
        finally:
            with self._lock:
                self._pending.pop((state, key), None)
            pending.set()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self.state, self.bytes = None, 0

    def _switch(self, state: Hashable) -> None:
        if state != self.state:
            self._values.clear()
            self.state, self.bytes = state, 0
