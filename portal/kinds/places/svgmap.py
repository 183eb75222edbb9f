"""A district map as one small SVG: area outlines and numbered markers, no tiles, no script.

Marker shape says the type, colour (and, for the colour-blind and for print in
grey, a line pattern) says the status, the number matches the list beside it.
Presentation attributes only: no style element or attribute (the CSP forbids them).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from . import geo
from .model import Place

WIDTH = 480
PAD = 20
LEGEND_ROW = 24
MARKER = 13  # marker radius

STATUS_COLOUR = {"open": "#1a7f37", "standby": "#0b5cad", "full": "#a34700",
                 "closed": "#555555", None: "#333333"}
AREA_FILL, AREA_STROKE, LABEL = "#eef2f6", "#5b6b7b", "#2b3540"


def _shape(type_: str, x: float, y: float, r: float) -> str:
    """The outline of one marker type around (x, y)."""
    def poly(pts):
        return "M" + " L".join(f"{px:.1f},{py:.1f}" for px, py in pts) + " Z"
    if type_ == "shelter":  # a house
        return poly([(x, y - r * 1.15), (x + r, y - r * .25), (x + r, y + r),
                     (x - r, y + r), (x - r, y - r * .25)])
    if type_ == "relief-supplies":  # a diamond
        k = r * 1.25
        return poly([(x, y - k), (x + k, y), (x, y + k), (x - k, y)])
    if type_ == "medical":  # a cross
        a, b = r * .45, r * 1.05
        return poly([(x - a, y - b), (x + a, y - b), (x + a, y - a), (x + b, y - a),
                     (x + b, y + a), (x + a, y + a), (x + a, y + b), (x - a, y + b),
                     (x - a, y + a), (x - b, y + a), (x - b, y - a), (x - a, y - a)])
    if type_ == "water":  # a drop
        return (f"M{x:.1f},{y - r * 1.35:.1f} C{x + r * .6:.1f},{y - r * .5:.1f} "
                f"{x + r:.1f},{y:.1f} {x + r:.1f},{y + r * .25:.1f} "
                f"A{r:.1f},{r:.1f} 0 0 1 {x - r:.1f},{y + r * .25:.1f} "
                f"C{x - r:.1f},{y:.1f} {x - r * .6:.1f},{y - r * .5:.1f} "
                f"{x:.1f},{y - r * 1.35:.1f} Z")
    if type_ == "charging":  # a hexagon
        return poly([(x + r * 1.1 * math.cos(math.radians(a)),
                      y + r * 1.1 * math.sin(math.radians(a))) for a in range(-90, 270, 60)])
    # assembly-point, and anything else: a circle
    return (f"M{x - r:.1f},{y:.1f} A{r:.1f},{r:.1f} 0 1 0 {x + r:.1f},{y:.1f} "
            f"A{r:.1f},{r:.1f} 0 1 0 {x - r:.1f},{y:.1f} Z")


def _area_name(pts, marks, name: str) -> str:
    """The area's name inside one corner of its box: the corner farthest from any marker."""
    left, right = min(x for x, _ in pts), max(x for x, _ in pts)
    top, bottom = min(y for _, y in pts), max(y for _, y in pts)
    width = len(name) * 8.5 + 6
    corners = [(left + 6, top + 17, "start", left + 6 + width / 2),
               (right - 6, top + 17, "end", right - 6 - width / 2),
               (left + 6, bottom - 7, "start", left + 6 + width / 2),
               (right - 6, bottom - 7, "end", right - 6 - width / 2)]

    def clearance(corner) -> float:
        _, y, _, middle = corner
        return min((max(abs(mx - middle) - width / 2, 0) + max(abs(my - (y - 5)) - 7, 0)
                    for mx, my in marks), default=1e9)
    x, y, anchor, _ = max(corners, key=clearance)
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="14" '
            f'font-weight="bold" fill="{LABEL}">{escape(name)}</text>')


class Projection:
    """Equirectangular around the district's middle latitude: true enough for a district."""

    def __init__(self, box: tuple[float, float, float, float]):
        south, west, north, east = box
        if north - south < 1e-6:
            south, north = south - .005, north + .005
        if east - west < 1e-6:
            west, east = west - .005, east + .005
        self.south, self.west, self.north, self.east = south, west, north, east
        self.squash = math.cos(math.radians((south + north) / 2))
        self.scale = (WIDTH - 2 * PAD) / ((east - west) * self.squash)
        self.height = (north - south) * self.scale + 2 * PAD

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        return (PAD + (lon - self.west) * self.squash * self.scale,
                PAD + (self.north - lat) * self.scale)


def render(site, lang: str, places: Sequence[Place], *, title: str, description: str,
           type_label: Callable[[str], str], status_label: Callable[[str | None], str],
           area_name: Callable[[str], str], legend_title: str, ident: str = "places-map",
           highlight_area: str | None = None, standalone: bool = False,
           marker_label: Callable[[int, str, str, str], str] | None = None) -> str:
    """The SVG text: ``places`` numbered 1.. in the order given. ``marker_label(number,
    name, type, status)`` words a marker's title in the page's language."""
    if marker_label is None:
        def marker_label(number, name, kind, status):
            return f"{number}. {name}: {kind}, {status}"
    polygons = [(key, poly) for key, area in site.areas.items()
                for poly in geo.area_polygons(area)]
    box = geo.bounds([poly for _, poly in polygons] + [[p.location] for p in places])
    if box is None:
        box = (0.0, 0.0, 0.01, 0.01)
    project = Projection(box)
    types = [t for t in dict.fromkeys(p.type for p in places)]
    statuses = [s for s in dict.fromkeys(p.status for p in places)]
    legend_rows = math.ceil(len(types) / 2) + math.ceil(len(statuses) / 2)
    map_height = project.height
    height = map_height + (LEGEND_ROW * (legend_rows + 1) + 8 if places else 0)
    out = []
    namespace = ' xmlns="http://www.w3.org/2000/svg"'
    out.append(f'<svg{namespace} viewBox="0 0 {WIDTH} {height:.0f}" '
               f'width="{WIDTH}" height="{height:.0f}" role="img" class="places-map" '
               f'aria-labelledby="{ident}-title {ident}-desc" lang="{escape(lang)}" '
               f'font-family="sans-serif">')
    out.append(f'<title id="{ident}-title">{escape(title)}</title>')
    out.append(f'<desc id="{ident}-desc">{escape(description)}</desc>')
    out.append(f'<rect width="{WIDTH}" height="{height:.0f}" fill="#ffffff"/>')
    marks = [project(*p.location) for p in places]
    named = set()
    for key, poly in polygons:
        pts = [project(lat, lon) for lat, lon in poly]
        strong = key == highlight_area
        out.append(f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in pts)}" '
                   f'fill="{"#dde8f3" if strong else AREA_FILL}" '
                   f'stroke="{AREA_STROKE}" stroke-width="{3 if strong else 1.5}" '
                   f'stroke-linejoin="round"/>')
        if key not in named:
            named.add(key)
            out.append(_area_name(pts, marks, area_name(key)))
    for number, place in enumerate(places, 1):
        x, y = project(*place.location)
        colour = STATUS_COLOUR.get(place.status, STATUS_COLOUR[None])
        dash = ' stroke-dasharray="3 2"' if place.status in ("closed", "full") else ""
        name = marker_label(number, place.title, type_label(place.type),
                            status_label(place.status))
        out.append(f'<g class="marker" id="{ident}-{number}" data-slug="{escape(place.slug)}">'
                   f'<title>{escape(name)}</title>'
                   f'<path d="{_shape(place.type, x, y, MARKER)}" fill="{colour}" '
                   f'stroke="#ffffff" stroke-width="2"/>'
                   f'<path d="{_shape(place.type, x, y, MARKER + 2)}" fill="none" '
                   f'stroke="{colour}" stroke-width="1.5"{dash}/>'
                   f'<text x="{x:.1f}" y="{y + 4.5:.1f}" text-anchor="middle" font-size="13" '
                   f'font-weight="bold" fill="#ffffff">{number}</text></g>')
    if places:
        y = map_height + LEGEND_ROW
        out.append(f'<text x="{PAD}" y="{y:.0f}" font-size="13" font-weight="bold" '
                   f'fill="{LABEL}">{escape(legend_title)}</text>')
        kinds = [(_shape(t, 0, 0, 7), "#333333", type_label(t)) for t in types]
        colours = [(_shape("assembly-point", 0, 0, 7), STATUS_COLOUR.get(s, "#333333"),
                    status_label(s)) for s in statuses]
        rows = [group[i:i + 2] for group in (kinds, colours) for i in range(0, len(group), 2)]
        for row in rows:
            y += LEGEND_ROW
            for column, (path, colour, text) in enumerate(row):
                x = PAD + 10 + column * (WIDTH - 2 * PAD) / 2
                out.append(f'<g transform="translate({x:.0f},{y - 4:.0f})">'
                           f'<path d="{path}" fill="{colour}"/></g>'
                           f'<text x="{x + 16:.0f}" y="{y:.0f}" font-size="13" '
                           f'fill="{LABEL}">{escape(text)}</text>')
    out.append("</svg>")
    svg = "".join(out)
    if standalone:
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n"
    return svg
