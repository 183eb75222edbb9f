"""The place directory, place pages, the district map and the printable sheet."""
from __future__ import annotations

from urllib.parse import quote

from flask import abort, current_app, render_template
from flask_babel import gettext
from markupsafe import Markup

from ...content import localized
from ...headers import PERMISSIONS
from ...views.common import choice_arg, lang, language_blueprint, library, now
from . import queries, svgmap
from .labels import STATUS, TYPE
from .model import STATUSES, TYPES, Place

bp = language_blueprint("places", __name__)
# The directory's "use my location" button may ask the browser for a position (which
# stays in the browser); every other page keeps geolocation off.
PERMISSIONS_WITH_LOCATION = PERMISSIONS.replace("geolocation=()", "geolocation=(self)")


def filters() -> dict:
    """The directory's filters from the query string (a bad value is a 400)."""
    lib = library()
    return {"type": choice_arg("type", TYPES), "area": choice_arg("area", lib.site.areas),
            "status": choice_arg("status", STATUSES),
            "hazard": choice_arg("hazard", lib.site.hazards)}


def area_name(key: str) -> str:
    area = library().site.areas.get(key)
    return localized(area.names, lang()) if area else key


def status_label(status: str | None) -> str:
    return str(STATUS[status]) if status else gettext("Status not given")


def map_svg(places: list[Place], title: str, *, ident: str = "places-map",
            highlight_area: str | None = None, standalone: bool = False) -> str:
    if places:
        description = gettext("%(count)d places, numbered as in the list on this page.",
                              count=len(places))
    else:
        description = gettext("No place matches these filters.")
    return svgmap.render(library().site, lang(), places, title=title, description=description,
                         type_label=lambda t: str(TYPE[t]), status_label=status_label,
                         area_name=area_name, legend_title=gettext("Key"), ident=ident,
                         highlight_area=highlight_area, standalone=standalone,
                         marker_label=lambda number, name, kind, status: gettext(
                             "%(number)d. %(name)s: %(type)s, %(status)s", number=number,
                             name=name, type=kind, status=status))


def geo_uri(place: Place) -> str:
    """geo: (RFC 5870) with a label the phone's map app shows; works offline."""
    lat, lon = place.location
    return f"geo:{lat},{lon}?q={lat},{lon}({quote(place.title)})"


def osm_url(place: Place) -> str:
    lat, lon = place.location
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def tel_uri(phone: str) -> str:
    return "tel:" + "".join(c for c in phone if c.isdigit() or c == "+")


@bp.get("/places/")
def index():
    lib, when = library(), now()
    chosen = filters()
    near = choice_arg("near", lib.site.areas)
    found = queries.places(lib, lang(), when, **chosen)
    if near:
        measured = queries.nearest(lib, found, near)
        shown, distances = [n.place for n in measured], [n.km for n in measured]
    else:
        shown, distances = found, [None] * len(found)
    title = gettext("Map of the places listed")
    response = current_app.make_response(render_template(
        "places.html", places=list(zip(shown, distances)), near=near, **chosen,
        types=TYPES, statuses=STATUSES,
        map=Markup(map_svg(shown, title, highlight_area=near or chosen["area"]))))
    response.headers["Permissions-Policy"] = PERMISSIONS_WITH_LOCATION
    return response


@bp.get("/places/<slug:slug>")
def item(slug: str):
    lib, when = library(), now()
    place = lib.find(lang(), "places", slug, when) or abort(404)
    return render_template(
        "place.html", item=place, translations=lib.translations(place, when),
        map=Markup(map_svg([place], gettext("Where %(name)s is", name=place.title),
                           highlight_area=place.area)))
