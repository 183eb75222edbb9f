"""Plain geometry for a district map: area polygons, their centres, distances.

Polygons are site.yml's CAP strings ("lat,lon lat,lon ..."); points are (lat, lon).
"""
from __future__ import annotations

import math
from collections.abc import Iterable

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)

Point = tuple[float, float]


def points(polygon: str) -> list[Point]:
    """The vertices of one CAP polygon string, the closing point included."""
    found = []
    for pair in polygon.split():
        lat, lon = pair.split(",")
        found.append((float(lat), float(lon)))
    return found


def area_polygons(area) -> list[list[Point]]:
    return [points(p) for p in area.polygons]


def bounds(polygons: Iterable[list[Point]]) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) around every vertex, or None without any."""
    lats, lons = [], []
    for polygon in polygons:
        for lat, lon in polygon:
            lats.append(lat)
            lons.append(lon)
    if not lats:
        return None
    return min(lats), min(lons), max(lats), max(lons)


def district_bounds(site) -> tuple[float, float, float, float] | None:
    """The box around every area polygon in site.yml: the district on the map."""
    return bounds(p for area in site.areas.values() for p in area_polygons(area))


def centroid(polygon: list[Point]) -> Point:
    """The centre of mass of a (small, so flat) polygon; its vertices' mean if degenerate."""
    ring = polygon if polygon[0] == polygon[-1] else [*polygon, polygon[0]]
    twice_area = cx = cy = 0.0
    for (y0, x0), (y1, x1) in zip(ring, ring[1:]):
        cross = x0 * y1 - x1 * y0
        twice_area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(twice_area) < 1e-12:
        distinct = ring[:-1]
        return (sum(p[0] for p in distinct) / len(distinct),
                sum(p[1] for p in distinct) / len(distinct))
    return cy / (3 * twice_area), cx / (3 * twice_area)


def area_centre(site, key: str) -> Point | None:
    """Where "nearest" measures from for an area: the centre of its (first) polygon;
    an area drawn without one (the whole district) uses the district's box."""
    area = site.areas.get(key)
    if area is None:
        return None
    polygons = area_polygons(area)
    if polygons:
        return centroid(polygons[0])
    box = district_bounds(site)
    if box is None:
        return None
    south, west, north, east = box
    return (south + north) / 2, (west + east) / 2


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance between two (lat, lon) points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
