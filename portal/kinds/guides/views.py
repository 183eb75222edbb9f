"""The guide list and guide pages."""
from __future__ import annotations

from flask import abort, render_template

from ...views.common import choice_arg, lang, language_blueprint, library, now
from . import queries
from .model import KINDS

bp = language_blueprint("guides", __name__)


@bp.get("/guides/")
def index():
    lib = library()
    kind = choice_arg("kind", KINDS)
    hazard = choice_arg("hazard", lib.site.hazards)
    return render_template("guides.html", guides=queries.guides(lib, lang(), now(), kind, hazard),
                           kind=kind, hazard=hazard, kinds=KINDS)


@bp.get("/guides/<slug:slug>")
def item(slug: str):
    lib, when = library(), now()
    guide = lib.find(lang(), "guides", slug, when) or abort(404)
    return render_template("guide.html", item=guide,
                           translations=lib.translations(guide, when),
                           related=queries.related(lib, guide, when),
                           due=guide.due_for_review(when.date()))
