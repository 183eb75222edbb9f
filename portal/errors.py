"""Error pages in the visitor's language, with the status code the error deserves."""
from __future__ import annotations

import logging

from flask import Flask, g, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from .i18n import current_lang

log = logging.getLogger(__name__)


def render_error(error: HTTPException):
    # An unknown /<lang>/ prefix never became g.lang; fall back to Accept-Language.
    if g.get("lang") is None:
        g.lang = current_lang()
    return render_template("error.html", error=error), error.code


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        return render_error(InternalServerError())
