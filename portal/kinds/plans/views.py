"""The "who is in charge" directory and plan pages."""
from __future__ import annotations

from flask import abort, render_template

from ...views.common import lang, language_blueprint, library, now
from . import levels as response_levels
from . import queries

bp = language_blueprint("plans", __name__)


@bp.get("/plans/")
def index():
    lib, when = library(), now()
    found = queries.plans(lib, lang(), when)
    by_class = []
    for key, hazard_class in lib.site.hazard_classes.items():
        members = [p for p in found if p.hazards and p.hazards[0] in lib.site.hazards
                   and lib.site.hazards[p.hazards[0]].category == key]
        if members:
            by_class.append((hazard_class, members))
    placed = {p.slug for _, members in by_class for p in members}
    others = [p for p in found if p.slug not in placed]
    return render_template("plans.html", by_class=by_class, others=others,
                           scale=response_levels.of(lib.site),
                           responses={p.slug: queries.in_force(lib, p, lang(), when)
                                      for p in found})


@bp.get("/plans/<slug:slug>")
def item(slug: str):
    lib, when = library(), now()
    plan = lib.find(lang(), "plans", slug, when) or abort(404)
    return render_template("plan.html", item=plan, translations=lib.translations(plan, when),
                           scale=response_levels.of(lib.site),
                           response=queries.in_force(lib, plan, lang(), when),
                           log=queries.log(lib, plan, lang(), when),
                           due=plan.due_for_review(when.date()))
