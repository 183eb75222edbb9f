"""What every view needs: the current library, the time, and argument checks."""
from __future__ import annotations

import datetime as dt

from flask import abort, g, request
from werkzeug.routing import BaseConverter

from ..content import Library
from ..content.fields import SLUG
from ..store import get_store


class SlugConverter(BaseConverter):
    """Only allowlisted slugs route; anything else (dots, slashes, case) is a 404."""
    regex = SLUG.pattern


def library() -> Library:
    # One snapshot per request, even if a reload swaps the store meanwhile.
    if "library" not in g:
        g.library = get_store().library
    return g.library


def now() -> dt.datetime:
    if "now" not in g:
        g.now = get_store().now()
    return g.now


def lang() -> str:
    return g.lang


def choice_arg(name: str, allowed) -> str | None:
    """A filter from the query string: absent, empty, or one of ``allowed`` (else 400)."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if value not in allowed:
        abort(400)
    return value
