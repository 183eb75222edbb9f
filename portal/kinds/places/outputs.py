"""Open data (GeoJSON, CSV), the map as an SVG file, the status feed and the print sheet.

Built once per content state (portal/outputs.py) like the other feeds, with strong
ETags and the site's Cache-Control, so relief agencies and map apps can poll them.
"""
from __future__ import annotations

import csv
import io
import json
import re
from html import escape

from flask import current_app, render_template
from flask_babel import gettext
from markupsafe import Markup

from ... import feeds
from ...content import localized
from ...outputs import cached, serve
from ...urls import absolute_url
from ...views.common import choice_arg, lang, library, now
from . import queries
from .labels import STATUS, TYPE
from .model import Place
from .views import area_name, bp, filters, map_svg

GEOJSON_TYPE = "application/geo+json"
COLUMNS = ("slug", "title", "type", "status", "status_updated", "address", "area", "area_name",
           "lat", "lon", "phone", "hours", "capacity", "accessibility", "supplies", "hazards",
           "verified", "url")


def properties(place: Place) -> dict:
    """The fields of a place, as the open data carries them."""
    return {
        "slug": place.slug, "title": place.title, "type": place.type,
        "type_name": str(TYPE[place.type]), "status": place.status,
        "status_name": str(STATUS[place.status]) if place.status else None,
        "status_updated": place.status_updated.isoformat() if place.status_updated else None,
        "address": place.address, "area": place.area, "area_name": area_name(place.area),
        "phone": place.phone or None, "hours": place.hours or None,
        "capacity": place.capacity, "accessibility": list(place.accessibility),
        "supplies": list(place.supplies), "hazards": list(place.hazards),
        "verified": place.verified.isoformat() if place.verified else None,
        "summary": place.summary or None, "lang": place.lang,
        "url": absolute_url("places.item", lang=lang(), slug=place.slug),
    }


def _all() -> list[Place]:
    return queries.places(library(), lang(), now())


def build_geojson() -> bytes:
    """RFC 7946: a FeatureCollection of Points, positions [longitude, latitude]."""
    found = _all()
    features = [{"type": "Feature", "id": p.slug,
                 "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                 "properties": properties(p)} for p in found]
    collection = {"type": "FeatureCollection", "features": features}
    if found:  # RFC 7946 section 5: [west, south, east, north]
        collection["bbox"] = [min(p.lon for p in found), min(p.lat for p in found),
                              max(p.lon for p in found), max(p.lat for p in found)]
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[\d .()-]+")


def spreadsheet_safe(value):
    """A text cell a spreadsheet will not run: prefixed with an apostrophe when it
    starts like a formula (numbers and phone numbers such as +86 571 ... stay)."""
    if isinstance(value, str) and value.startswith(_FORMULA) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def build_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for place in _all():
        values = properties(place)
        values.update(lat=place.lat, lon=place.lon)
        writer.writerow([spreadsheet_safe("; ".join(v) if isinstance(v, list) else
                                          "" if v is None else v)
                         for v in (values[c] for c in COLUMNS)])
    return out.getvalue().encode()


@bp.get("/places.geojson")
def geojson():
    return serve(cached(("places-geojson", lang()), build_geojson),
                 f"{GEOJSON_TYPE}; charset=utf-8")


@bp.get("/places.csv")
def csv_file():
    response = serve(cached(("places-csv", lang()), build_csv), "text/csv")
    response.headers["Content-Disposition"] = f'inline; filename="places-{lang()}.csv"'
    return response


@bp.get("/places/map.svg")
def map_image():
    chosen = filters()

    def build() -> bytes:
        found = queries.places(library(), lang(), now(), **chosen)
        return map_svg(found, gettext("Map of %(site)s places",
                                      site=localized(library().site.names, lang())),
                       highlight_area=chosen["area"], standalone=True).encode()
    body = cached(("places-map", lang(), *chosen.values()), build)
    return serve(body, "image/svg+xml")


def entry(place: Place) -> feeds.Entry:
    """One status, as an entry: a new status (a new status_updated) is a new entry."""
    base = current_app.config["BASE_URL"]
    stamp = place.status_updated
    status = str(STATUS[place.status])
    title = gettext("%(place)s: %(status)s", place=place.title, status=status)
    facts = gettext("%(status)s as of %(time)s. %(address)s", status=status,
                    time=stamp.isoformat(sep=" ", timespec="minutes"), address=place.address)
    return feeds.Entry(
        id=feeds.tag_id(base, stamp.date(),
                        f"{place.lang}/places/{place.slug}/{stamp.isoformat()}"),
        title=title, url=absolute_url("places.item", lang=lang(), slug=place.slug),
        published=stamp, updated=stamp, author=localized(library().site.office, lang()),
        summary=facts, content=f"<p>{escape(facts)}</p>",
        categories=(("place-type", place.type, str(TYPE[place.type])),
                    ("place-status", place.status, status)))


def build_feed():
    lib = library()
    changed = sorted((p for p in _all() if p.status and p.status_updated),
                     key=lambda p: p.status_updated, reverse=True)
    spec = feeds.FeedSpec(
        lang=lang(), title=gettext("%(site)s: where to go, status changes",
                                   site=localized(lib.site.names, lang())),
        subtitle=gettext("The latest status of every shelter, relief-supply point and other "
                         "place: open, full, closed or standby."),
        self_url=absolute_url("places.feed", lang=lang())[:-5],
        page_url=absolute_url("places.index", lang=lang()),
        base_url=current_app.config["BASE_URL"])
    return feeds.build(spec, [entry(p) for p in changed[:int(current_app.config["FEED_SIZE"])]],
                       localized(lib.site.office, lang()))


@bp.get("/feeds/places.atom")
def feed():
    built = cached(("places-feed", lang()), build_feed)
    # Last-Modified moves with the bytes (a status note can change without its time).
    return serve(built.atom, feeds.MEDIA_TYPES["atom"], ("places-feed", lang()))


@bp.get("/places/print")
def print_sheet():
    lib, when = library(), now()
    area = choice_arg("area", lib.site.areas)
    found = queries.places(lib, lang(), when, area=area)
    name = area_name(area) if area else localized(lib.site.names, lang())
    title = gettext("Where to go: %(area)s", area=name)
    return render_template("places_print.html", places=found, area=area, area_title=name,
                           now_time=when,
                           map=Markup(map_svg(found, title, highlight_area=area)))


def warm() -> None:
    cached(("places-geojson", lang()), build_geojson)
    cached(("places-csv", lang()), build_csv)
    cached(("places-feed", lang()), build_feed)


def frozen(library_, lang_: str):
    """What `portal freeze` writes beside the pages: the map, the open data, the feed and
    the district's print sheet."""
    for endpoint in ("places.geojson", "places.csv_file", "places.map_image", "places.feed",
                     "places.print_sheet"):
        yield endpoint, {"lang": lang_}
