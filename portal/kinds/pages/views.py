"""Standing pages."""
from __future__ import annotations

from flask import abort, render_template

from ...views.common import lang, language_blueprint, library, now

bp = language_blueprint("pages", __name__)


@bp.get("/pages/<slug:slug>")
def item(slug: str):
    lib, when = library(), now()
    page = lib.find(lang(), "pages", slug, when) or abort(404)
    return render_template("page.html", item=page, translations=lib.translations(page, when))
