"""Read many new files on every core at once: a cold start, a first ``portal index``.

Parsing and rendering a file is pure work on its bytes (about 5 ms of Markdown
and sanitising a file), so a tree of 10,000 new files is split into chunks that
forked processes read, each returning what :func:`read_item` made of its files
(items pickle; their rendered bodies also land in the render cache, which the
processes share on disk). The loader then uses a result only when the bytes it
read itself have the same digest, so a file changed meanwhile is simply read
again, and a chunk that fails in its process (or a pool that cannot start) is
read in the loader as always: this only ever saves time, it decides nothing.

Only processes that are not gevent-patched fork a pool (the gunicorn master at
start-up, the command line): a worker's reload after a change reads the few
changed files itself.
"""
from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from .reader import read_item
from .tree import Entry, read_bytes

log = logging.getLogger(__name__)

# Fewer new files than this are read in the loader itself: a pool costs a fork per core.
MINIMUM = 200
CHUNK = 100

# What the forked processes read with; set just before the pool forks them.
_job: tuple | None = None


def processes() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def gevent_patched() -> bool:
    """A gevent worker: no pools forked from here."""
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_anything_patched()


def _read_chunk(entries: list[Entry]) -> list[tuple]:
    site, kinds, render = _job
    done = []
    for entry in entries:
        try:
            data = read_bytes(entry)
        except Exception:  # noqa: BLE001 - the loader reads it again and says why
            continue
        item, problems = read_item(entry.rel, data, site, kinds, render)
        done.append((entry.rel, hashlib.sha256(data).hexdigest(), item, problems))
    return done


def read_many(entries: list[Entry], site, kinds, render) -> dict[str, tuple]:
    """``{rel: (digest, item, problems)}`` for as many of ``entries`` as could be read
    in parallel; empty when too few to be worth a pool, or no pool can be had."""
    count = processes()
    if len(entries) < MINIMUM or count < 2 or gevent_patched():
        return {}
    global _job
    chunks = [entries[i:i + CHUNK] for i in range(0, len(entries), CHUNK)]
    found: dict[str, tuple] = {}
    _job = (site, kinds, render)
    try:
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
            for done in pool.map(_read_chunk, chunks):
                for rel, digest, item, problems in done:
                    found[rel] = (digest, item, problems)
    except Exception:  # noqa: BLE001 - a lost process or no fork: read them here instead
        log.warning("reading %d files in parallel failed; reading them one by one",
                    len(entries), exc_info=True)
    finally:
        _job = None
    return found
