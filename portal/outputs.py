"""Feeds, CAP documents, the sitemap: built once per content state, never per request.

Views ask :func:`cached` for an output; the first request of a state builds it
(others asking at the same moment wait for that build), and when a new library
is swapped in every registered warmer builds its outputs at once, in the
watcher's thread, so the first visitor after a change finds them ready.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask, current_app, g

from .statecache import StateCache
from .views.common import library, now

log = logging.getLogger(__name__)
T = TypeVar("T")


def cached(key: Hashable, build: Callable[[], T]) -> T:
    """The output ``key`` of the content state this request sees."""
    cache: StateCache = current_app.extensions["portal.outputs"]
    return cache.get(library().state(now()), key, build)


def warmer(app: Flask, warm: Callable[[], None]) -> None:
    """Register ``warm()``: called per language with g.lang, g.library and g.now set."""
    app.extensions.setdefault("portal.warmers", []).append(warm)


def warm(app: Flask, new_library) -> None:
    """Build every registered output of ``new_library`` now, language by language."""
    store = app.extensions["portal.store"]
    for lang in new_library.languages:
        with app.app_context():
            g.lang, g.library, g.now = lang, new_library, store.now()
            for build in app.extensions.get("portal.warmers", ()):
                try:
                    build()
                except Exception:  # a failed warm-up costs only the head start
                    log.exception("building outputs with %r failed", build)


def init_app(app: Flask) -> None:
    app.extensions["portal.outputs"] = StateCache(max_entries=8192)
    app.extensions.setdefault("portal.warmers", [])
    app.extensions["portal.store"].subscribe(lambda old, new: warm(app, new))
