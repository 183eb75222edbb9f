"""Announcements, rumour corrections and alerts."""
from __future__ import annotations

from flask import abort, render_template

from .. import labels
from ..content import localized
from ..content.fields import TYPES
from ..structured import claim_review
from ..urls import absolute_url
from . import site
from .common import choice_arg, lang, library, now


@site.get("/disclosures/")
def disclosures():
    lib = library()
    type_ = choice_arg("type", TYPES)
    hazard = choice_arg("hazard", lib.site.hazards)
    return render_template("disclosures.html", types=TYPES, type=type_, hazard=hazard,
                           disclosures=lib.disclosures(lang(), now(), type_, hazard))


@site.get("/disclosures/<slug:slug>")
def disclosure(slug: str):
    lib, when = library(), now()
    item = lib.find(lang(), "disclosures", slug, when) or abort(404)
    issuer = lib.site.issuers[item.issuer]
    review = None
    if item.type == "rumour-correction":
        review = claim_review(item, absolute_url("site.disclosure", slug=slug),
                              localized(issuer.names, item.lang), str(labels.VERDICT[item.verdict]))
    return render_template("disclosure.html", item=item, claim_review=review,
                           has_cap=lib.has_cap(item, when),
                           translations=lib.translations(item, when),
                           issuer=issuer,
                           predecessor=lib.predecessor(item, when),
                           successors=lib.successors(item, when))
