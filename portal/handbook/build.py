"""The household handbook: every guide, the hotlines, the places with their map and what
residents do at each response level, as one A4 PDF per language.

Rendered from a Jinja template to HTML and laid out by WeasyPrint (on pango), with
the Chinese fonts Debian ships embedded. Nothing is fetched while laying out: the
document is self-contained (the map is inline SVG), and any other URL is refused.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import render_template

from ..kinds.guides import queries as guide_queries
from ..kinds.guides.model import KINDS
from ..kinds.places import queries as place_queries
from ..views.common import lang, library, now

STYLESHEET = Path(__file__).with_name("handbook.css")


class RefusedURL(ValueError):
    pass


def refuse(url: str, *args, **kwargs):
    """WeasyPrint's url_fetcher: the handbook never reaches the network or the disk."""
    raise RefusedURL(f"the handbook does not fetch {url}")


def document_html() -> str:
    """The handbook of g.lang for g.library at g.now, as HTML for WeasyPrint."""
    from ..kinds.places.views import map_svg
    from flask_babel import gettext
    from markupsafe import Markup

    lib, when, code = library(), now(), lang()
    guides = guide_queries.guides(lib, code, when)
    by_kind = [(kind, [g for g in guides if g.kind == kind]) for kind in KINDS]
    places = place_queries.places(lib, code, when)
    plans = list(lib.section(code, "plans", when)) if "plans" in lib.kinds else []
    places_map = Markup(map_svg(places, gettext("Map of the places listed"),
                                ident="handbook-map")) if places else None
    return render_template("handbook/document.html", by_kind=[(k, gs) for k, gs in by_kind if gs],
                           places=places, places_map=places_map, plans=plans,
                           as_of=when, today=when.date())


def build_pdf() -> bytes:
    """The PDF of g.lang's handbook; takes seconds."""
    import logging

    from weasyprint import CSS, HTML
    # WeasyPrint reports CSS it does not support at warning level, once per rule: noise.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    html = document_html()
    return HTML(string=html, base_url=None, url_fetcher=refuse).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))], pdf_variant=None,
        uncompressed_pdf=False, optimize_images=True)


def megabytes(size: int) -> float:
    """A size as shown to readers: in MB, one decimal, never 0.0."""
    return max(round(size / 1_000_000, 1), 0.1)


def stamp(value: dt.datetime) -> str:
    return value.replace(microsecond=0).isoformat()
