"""Kernel file events (Linux inotify) for the content watcher, with nothing of gevent in it.

watchdog's observer threads block in ``select.poll`` and ``queue`` calls; in a gevent
worker those are gevent's once the worker has monkey-patched them, and from a real
thread they end in ``LoopExit`` ("this operation would block forever"): the thread
dies and no event comes again. Which way it went depended on whether the thread
reached its first call before the worker patched, so now and then one worker of
three missed every change. Here the only blocking call is ``os.read`` on the
inotify descriptor, which gevent never patches, in a real thread.
"""
from __future__ import annotations

import ctypes
import os
import struct
import threading
from collections.abc import Callable

IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF, IN_Q_OVERFLOW, IN_IGNORED, IN_ISDIR = 0x400, 0x800, 0x4000, 0x8000, \
    0x40000000
MASK = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE
        | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF)
IN_CLOEXEC = 0o2000000
HEADER = struct.Struct("iIII")


class Unavailable(OSError):
    pass


def _libc():
    # The interpreter's own symbols: find_library would run ldconfig in a subprocess,
    # which a patched process cannot do from a real thread.
    libc = ctypes.CDLL(None, use_errno=True)
    for name in ("inotify_init1", "inotify_add_watch"):
        if not hasattr(libc, name):
            raise Unavailable(f"no {name} here")
    return libc


class Watch:
    """Calls ``changed()`` from a real thread whenever something under ``root`` that
    ``wanted(name)`` accepts (or any folder) is created, written, moved or removed."""

    def __init__(self, root: str, changed: Callable[[], None], wanted: Callable[[str], bool]):
        self.root, self.changed, self.wanted = root, changed, wanted
        self._libc = _libc()
        self.fd = self._libc.inotify_init1(IN_CLOEXEC)
        if self.fd < 0:
            raise Unavailable(ctypes.get_errno(), "inotify_init1 failed")
        self._dirs: dict[int, str] = {}
        self._add_tree(root)

    def _add(self, path: str) -> None:
        wd = self._libc.inotify_add_watch(self.fd, os.fsencode(path), MASK)
        if wd < 0:
            error = ctypes.get_errno()
            if path == self.root:
                raise Unavailable(error, f"cannot watch {path}: {os.strerror(error)}")
            return  # gone already, or too many watches: the full look still sees it
        self._dirs[wd] = path

    def _add_tree(self, top: str) -> None:
        self._add(top)
        for folder, dirs, _ in os.walk(top):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in dirs:
                self._add(os.path.join(folder, name))

    def start(self) -> None:
        from gevent import monkey
        start = monkey.get_original("_thread", "start_new_thread") \
            if monkey.is_module_patched("threading") else None
        if start is not None:
            start(self._run, ())
        else:
            threading.Thread(target=self._run, name="content-events", daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 64 * 1024)
            except InterruptedError:
                continue
            except OSError:
                return
            offset, relevant = 0, False
            while offset + HEADER.size <= len(data):
                wd, mask, _, length = HEADER.unpack_from(data, offset)
                name = data[offset + HEADER.size: offset + HEADER.size + length].rstrip(b"\0")
                offset += HEADER.size + length
                text = os.fsdecode(name)
                if mask & IN_Q_OVERFLOW:
                    relevant = True
                    continue
                if mask & IN_IGNORED:
                    self._dirs.pop(wd, None)
                    continue
                if mask & IN_ISDIR:
                    relevant = True
                    if mask & (IN_CREATE | IN_MOVED_TO) and wd in self._dirs:
                        self._add_tree(os.path.join(self._dirs[wd], text))
                elif mask & (IN_DELETE_SELF | IN_MOVE_SELF) or self.wanted(text):
                    relevant = True
            if relevant:
                self.changed()
