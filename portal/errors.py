"""Error pages in the visitor's language, with the status code the error deserves."""
from __future__ import annotations

import logging

from flask import Flask, g, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .i18n import current_lang, languages

log = logging.getLogger(__name__)


def render_error(error: HTTPException):
    # A URL that matched no route never set g.lang: take it from the first path
    # segment when that is a language we serve, else from Accept-Language.
    if g.get("lang") is None:
        first = request.path.strip("/").split("/", 1)[0]
        g.lang = first if first in languages() else current_lang()
    # Keep what the exception says besides its page (Allow on a 405, Retry-After ...).
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    return render_template("error.html", error=error), error.code, headers


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        return render_error(InternalServerError())
