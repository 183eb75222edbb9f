"""Home, guides and hazard hubs."""
from __future__ import annotations

from flask import abort, render_template

from ..content.fields import KINDS
from . import site
from .common import choice_arg, lang, library, now

LATEST = 6


@site.get("/")
def home():
    lib, when = library(), now()
    disclosures = lib.disclosures(lang(), when)
    alerts = [d for d in disclosures if d.type == "alert" and d.is_active(when)]
    latest = [d for d in disclosures if d not in alerts][:LATEST]
    return render_template("home.html", alerts=alerts, latest=latest, kinds=KINDS,
                           guides=lib.guides(lang(), when))


@site.get("/guides/")
def guides():
    lib = library()
    kind = choice_arg("kind", KINDS)
    hazard = choice_arg("hazard", lib.site.hazards)
    return render_template("guides.html", guides=lib.guides(lang(), now(), kind, hazard),
                           kind=kind, hazard=hazard, kinds=KINDS)


@site.get("/guides/<slug:slug>")
def guide(slug: str):
    lib, when = library(), now()
    item = lib.find(lang(), "guides", slug, when) or abort(404)
    return render_template("guide.html", item=item,
                           translations=lib.translations(item, when),
                           related=lib.related(item, when),
                           due=item.due_for_review(when.date()))


@site.get("/hazards/<slug:hazard>")
def hazard(hazard: str):
    lib, when = library(), now()
    if hazard not in lib.site.hazards:
        abort(404)
    guides = lib.guides(lang(), when, hazard=hazard)
    by_kind = [(kind, [g for g in guides if g.kind == kind]) for kind in KINDS]
    return render_template("hazard.html", hazard=lib.site.hazards[hazard],
                           by_kind=[(k, gs) for k, gs in by_kind if gs],
                           disclosures=lib.disclosures(lang(), when, hazard=hazard))
