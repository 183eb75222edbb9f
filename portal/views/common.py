"""What every view needs: the current library, the time, argument checks, and the
language blueprints every kind of content registers its pages on."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask, abort, g, request
from werkzeug.routing import BaseConverter

from ..content import Library
from ..content.fields import SLUG
from ..i18n import add_lang, pull_lang
from ..store import get_store


class SlugConverter(BaseConverter):
    """Only allowlisted slugs route; anything else (dots, slashes, case) is a 404."""
    regex = SLUG.pattern


def language_blueprint(name: str, import_name: str) -> Blueprint:
    """A Blueprint under /<lang>/ with its own templates folder."""
    bp = Blueprint(name, import_name, url_prefix="/<lang>", template_folder="templates")
    bp.url_value_preprocessor(pull_lang)
    bp.url_defaults(add_lang)
    return bp


def nav_entry(app: Flask, endpoint: str, label, section: str) -> None:
    """A link in the main navigation; ``section`` marks it current on that kind's pages."""
    app.extensions.setdefault("portal.nav", []).append((endpoint, label, section))


def slot(app: Flask, name: str, template: str) -> None:
    """A template a kind adds to a named place on other pages, in registration order.

    Slots the site's templates offer: ``top`` (every page, under the emergency
    banner), ``home-top`` (the home page, right under the alerts), ``home`` (a
    section of the home page), ``hazard`` (a hazard hub; ``hazard`` in context).
    A kind's own templates may offer more (``plan``, ``place``, ``disclosure``: the item
    in context).
    The template is included with the page's context."""
    app.extensions.setdefault("portal.slots", {}).setdefault(name, []).append(template)


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


def register_labels(app: Flask, labels: dict, facets: dict | None = None) -> None:
    """Visible names of a kind's values (``labels.<field>[value]`` in templates), and
    the (title, "all" label) of each facet it declares."""
    known = app.jinja_env.globals.setdefault("labels", {})
    known.update(labels)
    known.setdefault("facet", {}).update(facets or {})
