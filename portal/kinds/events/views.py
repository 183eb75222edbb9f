"""The events list and event pages."""
from __future__ import annotations

from flask import abort, render_template

from ...views.common import choice_arg, lang, language_blueprint, library, now
from . import queries
from .model import TYPES

bp = language_blueprint("events", __name__)


@bp.get("/events/")
def index():
    lib, when = library(), now()
    type_ = choice_arg("type", TYPES)
    hazard = choice_arg("hazard", lib.site.hazards)
    found = queries.events(lib, lang(), when, type_, hazard)
    return render_template(
        "events.html", types=TYPES, type=type_, hazard=hazard, count=len(found),
        upcoming=queries.by_month(queries.upcoming(found, when)),
        past=queries.by_month(queries.past(found, when)))


@bp.get("/events/<slug:slug>")
def item(slug: str):
    lib, when = library(), now()
    event = lib.find(lang(), "events", slug, when) or abort(404)
    return render_template("event.html", item=event, translations=lib.translations(event, when),
                           place=queries.place_of(lib, event, when),
                           organiser=lib.site.issuers[event.organiser])
