"""``/<lang>/handbook.pdf``."""
from __future__ import annotations

from flask import current_app

from ..headers import cache_control
from ..outputs import serve
from ..views.common import lang, library, now
from . import WAIT, bp, get_builder


@bp.get("/handbook.pdf")
def pdf():
    builder, code = get_builder(), lang()
    state = library().state(now())
    built = builder.current(code, state)
    if built is None:  # nothing was ever built in this language: the first build
        built = builder.wait(code, current_app.config.get("HANDBOOK_WAIT", WAIT))
    if built is None:
        response = current_app.response_class(
            "The handbook is being prepared; try again in a minute.\n", status=503,
            mimetype="text/plain")
        response.headers["Retry-After"] = "30"
        response.headers["Cache-Control"] = "no-store"
        return response
    response = serve(built.pdf, "application/pdf", ("handbook", code), etag=built.etag)
    response.headers["Content-Disposition"] = f'inline; filename="handbook-{code}.pdf"'
    # The newest content's handbook may be cached as pages are; an older one only briefly.
    response.headers["Cache-Control"] = (cache_control(current_app.config)
                                         if built.state == state else "public, max-age=30")
    return response
