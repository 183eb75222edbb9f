"""Readable when the network is gone: a service worker, a Web App Manifest per language,
and the list of pages a visitor's browser saves for offline reading.

Progressive enhancement only: without JavaScript or service workers the site is as it
was. With them, ``/sw.js`` (scope ``/``) keeps the guides, hotlines, places and plans of
the visitor's language (``/<lang>/offline.json``: every URL with its size, per content
state) and a copy of every page visited. Pages always come from the network first;
offline, the saved copy is shown under a notice with the time it was saved, so an alert
or a status that may have changed is never presented as current. Each language's saved
pages live in a cache named after the content state, so they are saved again when the
content changes and the old cache is deleted.
"""
from __future__ import annotations

from flask import Flask, Response

from ..views.common import language_blueprint, library, now, slot

bp = language_blueprint("offline", __name__)
GENERATION_HEADER = "X-Content-State"


def state_token(lib=None, when=None) -> str:
    """The content state as a short token: part of each saved cache's name."""
    generation, moment = (lib or library()).state(when or now())
    return f"{generation}-{moment}"


def init_app(app: Flask) -> None:
    from . import views  # noqa: F401  (routes)

    app.register_blueprint(bp)
    app.register_blueprint(views.root)
    slot(app, "home", "offline/save.html")

    @app.after_request
    def content_state_header(response: Response) -> Response:
        # The service worker compares it with the state of what it saved. Before the
        # page cache's hook (after_request runs in reverse), so cached pages carry it.
        if response.mimetype == "text/html" and response.status_code == 200:
            try:
                response.headers.setdefault(GENERATION_HEADER, state_token())
            except RuntimeError:  # no content loaded (an error page before start-up)
                pass
        return response
