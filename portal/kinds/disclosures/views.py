"""The disclosure list and disclosure pages."""
from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext

from ...content import localized
from ...urls import absolute_url
from ...views.common import choice_arg, lang, language_blueprint, library, now
from . import queries
from .labels import VERDICT
from .model import TYPES
from .structured import claim_review

bp = language_blueprint("disclosures", __name__)


@bp.get("/disclosures/")
def index():
    lib = library()
    type_ = choice_arg("type", TYPES)
    hazard = choice_arg("hazard", lib.site.hazards)
    return render_template("disclosures.html", types=TYPES, type=type_, hazard=hazard,
                           disclosures=queries.disclosures(lib, lang(), now(), type_, hazard))


@bp.get("/disclosures/<slug:slug>")
def item(slug: str):
    lib, when = library(), now()
    found = lib.find(lang(), "disclosures", slug, when) or abort(404)
    issuer = lib.site.issuers[found.issuer]
    review = None
    if found.type == "rumour-correction":
        review = claim_review(found, absolute_url("disclosures.item", lang=lang(), slug=slug),
                              localized(issuer.names, found.lang), str(VERDICT[found.verdict]),
                              absolute_url("site.home", lang=found.lang),
                              gettext("People sharing the message"))
    return render_template("disclosure.html", item=found, claim_review=review,
                           has_cap=queries.has_cap(lib, found, when),
                           translations=lib.translations(found, when),
                           issuer=issuer, area=queries.area_text(lib.site, found, lang()),
                           predecessor=queries.predecessor(lib, found, when),
                           successors=queries.successors(lib, found, when),
                           status=queries.status(lib, found, when),
                           cancelled=queries.cancels(lib, found, when))
