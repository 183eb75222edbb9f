"""About, accessibility and other pages, and the hotlines page from site.yml."""
from __future__ import annotations

from flask import abort, render_template

from . import site
from .common import lang, library, now


@site.get("/pages/<slug:slug>")
def page(slug: str):
    lib, when = library(), now()
    item = lib.find(lang(), "pages", slug, when) or abort(404)
    return render_template("page.html", item=item, translations=lib.translations(item, when))


@site.get("/hotlines")
def hotlines():
    return render_template("hotlines.html")
