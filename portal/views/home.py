"""Home, hazard hubs and hotlines: pages that bring the kinds together."""
from __future__ import annotations

from flask import abort, render_template

from ..kinds.disclosures import queries as disclosures
from ..kinds.guides import queries as guides
from ..kinds.guides.model import KINDS
from . import site
from .common import lang, library, now

LATEST = 6


@site.get("/")
def home():
    lib, when = library(), now()
    items = disclosures.disclosures(lib, lang(), when)
    alerts = disclosures.alerts(lib, lang(), when)
    shown = {d.slug for d in alerts}
    latest = [d for d in items if d.slug not in shown][:LATEST]
    return render_template("home.html", alerts=alerts, latest=latest, kinds=KINDS,
                           guides=guides.guides(lib, lang(), when))


@site.get("/hazards/<slug:hazard>")
def hazard(hazard: str):
    lib, when = library(), now()
    if hazard not in lib.site.hazards:
        abort(404)
    found = guides.guides(lib, lang(), when, hazard=hazard)
    by_kind = [(kind, [g for g in found if g.kind == kind]) for kind in KINDS]
    return render_template("hazard.html", hazard=lib.site.hazards[hazard],
                           by_kind=[(k, gs) for k, gs in by_kind if gs],
                           disclosures=disclosures.disclosures(lib, lang(), when, hazard=hazard))


@site.get("/hotlines")
def hotlines():
    return render_template("hotlines.html")
