"""Feeds, CAP documents, the sitemap: built once per content state, never per request.

Views ask :func:`cached` for an output; the first request of a state builds it
(others asking at the same moment wait for that build), and answer with
:func:`serve`. When content changes,
the outputs a surge asks for first (``urgent`` warmers: the CAP index, the main
feed) are built before the new library becomes visible, so the first request
after a change finds them ready; the rest are built on a background thread
right after the swap.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from flask import Flask, Response, current_app, g

from .statecache import StateCache
from .threads import Thread
from .views.common import library, now

log = logging.getLogger(__name__)
T = TypeVar("T")


def cached(key: Hashable, build: Callable[[], T]) -> T:
    """The output ``key`` of the content state this request sees."""
    cache: StateCache = current_app.extensions["portal.outputs"]
    return cache.get(library().state(now()), key, build)


def serve(body: bytes, mimetype: str, name: Hashable | None = None, *,
          etag: str | None = None) -> Response:
    """Output bytes as a response with a strong ETag (the bytes' digest unless given)
    and, for a ``name``d output, the :func:`last_modified` of these bytes. Cache-Control,
    and 304 to a request whose condition matches, are headers.py's, as for every page."""
    etag = etag or hashlib.sha256(body).hexdigest()[:32]
    response = current_app.response_class(body, mimetype=mimetype)
    response.set_etag(etag)
    if name is not None:
        response.last_modified = last_modified(name, etag)
    return response


def warmer(app: Flask, warm: Callable[[], None], urgent: bool = False) -> None:
    """Register ``warm()``: called per language with g.lang, g.library and g.now set;
    ``urgent`` ones before a new library is swapped in, the others just after."""
    app.extensions.setdefault("portal.warmers", []).append((warm, urgent))


def warm(app: Flask, new_library, which: tuple[bool, ...] = (True, False)) -> None:
    """Build the registered outputs of ``new_library`` now, language by language."""
    store = app.extensions["portal.store"]
    for lang in new_library.languages:
        with app.app_context():
            g.lang, g.library, g.now = lang, new_library, store.now()
            for build, urgent in app.extensions.get("portal.warmers", ()):
                if urgent not in which:
                    continue
                try:
                    build()
                except Exception:  # a failed warm-up costs only the head start
                    log.exception("building outputs with %r failed", build)


def init_app(app: Flask) -> None:
    app.extensions["portal.outputs"] = StateCache(max_entries=8192)
    app.extensions.setdefault("portal.warmers", [])
    store = app.extensions["portal.store"]
    store.before_swap.append(lambda new: warm(app, new, which=(True,)))
    store.subscribe(lambda old, new: Thread(
        target=warm, args=(app, new, (False,)), name="outputs").start())
    # In the gunicorn master, before the workers are forked with the change: theirs
    # find everything built (and only check their caches).
    store.for_forks.append(lambda new: warm(app, new, (False,)))


def last_modified(name: Hashable, etag: str) -> dt.datetime:
    """A Last-Modified that moves whenever the bytes of output ``name`` do.

    A feed's newest ``updated`` does not: an entry's text can change without it, and
    a client sending only If-Modified-Since would be told nothing changed. So the
    time is when these bytes (by ETag) were first served here, and always at least
    a second after the previous bytes' time, kept under BUILD_DIR so every worker
    and a restart give the same answer."""
    known = current_app.extensions.setdefault("portal.last-modified", {})
    try:
        return known[name, etag]
    except KeyError:
        pass
    key = hashlib.sha256(repr(name).encode()).hexdigest()[:32]
    path = Path(current_app.config["BUILD_DIR"]) / "last-modified" / key
    when = current_app.extensions["portal.store"].now().replace(microsecond=0)
    try:
        seen_etag, seen_at = path.read_text().split()
        seen = dt.datetime.fromisoformat(seen_at)
    except (OSError, ValueError):
        seen_etag, seen = None, None
    if seen_etag == etag and seen is not None:
        when = seen
    else:
        if seen is not None and when <= seen:
            when = seen + dt.timedelta(seconds=1)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f"{key}.{os.getpid()}.tmp")
            temporary.write_text(f"{etag} {when.isoformat()}")
            os.replace(temporary, path)
        except OSError:
            log.warning("cannot record when %s changed under %s", name, path.parent)
    if len(known) > 4096:
        known.clear()
    known[name, etag] = when
    return when
