"""Rendered pages kept in memory per content state, so a repeat visit costs a lookup.

A page is a function of its URL and the public content, nothing else: the language
is in the path, and :meth:`Library.state` changes whenever what is public changes
(a new generation, a scheduled disclosure going live, an alert expiring). The date
is in the key too, because a guide past its ``review_by`` day shows a notice. The
scheme is in the key because HSTS depends on it. The host is not: no page depends
on it (headers.PublicHost puts BASE_URL's host in place of the request's), so a
forged ``Host`` header can neither reach another visitor nor split the cache.

Pages are stored by an ``after_request`` hook once every other hook has added its
headers, and served by a thin WSGI layer in front of Flask: a hit is a dictionary
lookup and the stored bytes, with no request context, routing or templates.

Only plain 200 HTML answers to GET and HEAD are kept; anything with ``Vary``,
``Set-Cookie`` or a private/no-store ``Cache-Control`` goes straight through. The
cache holds one content state at a time and is bounded in entries and in bytes,
least recently used out first, so endless query strings cannot exhaust memory.
"""
from __future__ import annotations

import hashlib
import os
from typing import NamedTuple

from flask import Flask, Response, current_app, request
from werkzeug.http import parse_etags, remove_entity_headers, unquote_etag

from .statecache import StateCache
from .store import ContentStore

# Answers that depend on more than the URL and the content state: the root
# redirect varies by Accept-Language, health is live, search also reads the index.
SKIP_ENDPOINTS = frozenset({"root.index", "root.healthz", "site.search"})
MAX_ENTRIES = 2000
MAX_BYTES = 64 * 1024 * 1024


class Page(NamedTuple):
    body: bytes
    etag: str  # unquoted, as werkzeug's ETags compares them
    headers: list[tuple[str, str]]
    not_modified_headers: list[tuple[str, str]]


class PageCache(StateCache[Page]):
    """Pages of one content state, LRU-bounded by count and total size; thread-safe.

    Pages are stored by the response hook, never computed here: ``get`` only looks."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        super().__init__(max_entries, max_bytes, size=lambda page: len(page.body), states=1)

    def get(self, state, key) -> Page | None:  # type: ignore[override]
        return self.peek(state, key)

    @property
    def size(self) -> int:
        return self.bytes


def strong_etag(body: bytes) -> str:
    # headers.py has normally tagged the page already; this is for apps without it.
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def page_key(environ: dict) -> tuple:
    # GET and HEAD share an entry: HEAD is the same answer without its body.
    return (environ["wsgi.url_scheme"], environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))


def content_state(library, now, extra=()) -> tuple:
    """What a page depends on besides its URL. ``extra``: callables for state kept
    outside the content (what pages show from the database), registered in
    ``app.extensions["portal.page_states"]``."""
    return library.state(now), now.date(), *(state() for state in extra)


class CachedPages:
    """WSGI layer that answers GET and HEAD for a stored page, else calls the app."""

    def __init__(self, app, cache: PageCache, store: ContentStore, extra: list | None = None):
        self.app, self.cache, self.store = app, cache, store
        self.extra = extra if extra is not None else []
        self.pid = None

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        if method != "GET" and method != "HEAD":
            return self.app(environ, start_response)
        if self.pid != os.getpid():
            # The first request in each process goes through Flask, so that hooks which
            # start per-process work (the content watcher's thread) run after a fork.
            self.pid = os.getpid()
            return self.app(environ, start_response)
        now = self.store.now()
        page = self.cache.get(content_state(self.store.library, now, self.extra),
                              page_key(environ))
        if page is None:
            return self.app(environ, start_response)
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match and parse_etags(if_none_match).contains_weak(page.etag):
            start_response("304 NOT MODIFIED", list(page.not_modified_headers))
            return []
        start_response("200 OK", list(page.headers))
        return [] if method == "HEAD" else [page.body]


def _cacheable(response: Response) -> bool:
    cache_control = response.cache_control
    return (request.method in ("GET", "HEAD") and response.status_code == 200
            and request.endpoint is not None
            and request.endpoint not in current_app.config.get("PAGE_CACHE_SKIP", SKIP_ENDPOINTS)
            and response.mimetype == "text/html"
            and not response.direct_passthrough and not response.is_streamed
            and "Vary" not in response.headers and "Set-Cookie" not in response.headers
            and not cache_control.no_store and not cache_control.private
            and not cache_control.no_cache)


def init_app(app: Flask) -> None:
    """Call before headers.init_app, whose after_request must run before ours
    (Flask runs them in reverse), and before assets.init_app, so static files
    and proxy fixes are handled outside this layer."""
    from .views.common import library, now

    cache = PageCache(app.config["PAGE_CACHE_MAX_ENTRIES"],
                      app.config["PAGE_CACHE_MAX_BYTES"])
    app.extensions["portal.pagecache"] = cache
    extra = app.extensions.setdefault("portal.page_states", [])
    app.wsgi_app = CachedPages(app.wsgi_app, cache, app.extensions["portal.store"], extra)

    @app.after_request
    def store_page(response: Response) -> Response:
        if not _cacheable(response):
            return response
        body = response.get_data()
        etag = response.headers.get("ETag") or strong_etag(body)
        headers = [(name, value) for name, value in response.headers.items()
                   if name not in ("Date", "ETag", "Content-Length")]
        headers += [("ETag", etag), ("Content-Length", str(len(body)))]
        not_modified = list(headers)
        remove_entity_headers(not_modified)
        not_modified = [(n, v) for n, v in not_modified if n != "Content-Length"]
        # The state of the snapshot this page was rendered from, not of the store now.
        cache.put(content_state(library(), now(), extra), page_key(request.environ),
                  Page(body, unquote_etag(etag)[0], headers, not_modified))
        return response
