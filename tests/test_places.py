"""Where to go: the place directory, place pages, the district map, the open data, the
print sheet, staleness, the home page and hazard hubs, and every bad input named.

Expected values come from the bundled content files and site.yml, read here with
plain YAML, never from the code under test."""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import math
import re
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
import yaml
from geojson_pydantic import FeatureCollection

from portal import create_app
from portal.cli import check_command, new_command
from tests.conftest import write
from tests.gunicorn import Gunicorn, fetch

BUNDLED = Path(__file__).resolve().parent.parent / "content"
SVG = "{http://www.w3.org/2000/svg}"
TZ = dt.timezone(dt.timedelta(hours=8))
# The bundled cold wave warning is in force from 21 to 25 November.
DURING_COLD_WAVE = dt.datetime(2026, 11, 22, 12, 0, tzinfo=TZ)
# Before it: nothing is in force in the bundled content.
QUIET = dt.datetime(2026, 11, 20, 12, 0, tzinfo=TZ)
TYPES = ("shelter", "relief-supplies", "medical", "water", "charging", "assembly-point")


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def bundled_places(lang: str = "en") -> dict[str, dict]:
    return {path.stem: front(path) for path in sorted((BUNDLED / lang / "places").glob("*.md"))}


def site_yml(root: Path = BUNDLED) -> dict:
    return yaml.safe_load((root / "site.yml").read_text(encoding="utf-8"))


def haversine(a, b) -> float:
    """Kilometres between two (lat, lon) points, written out here on its own."""
    (lat1, lon1), (lat2, lon2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def polygon(root: Path, area: str) -> list[tuple[float, float]]:
    text = site_yml(root)["areas"][area]["polygon"]
    return [tuple(map(float, pair.split(","))) for pair in text.split()]


def listed_slugs(html: str) -> list[str]:
    """Place slugs in the order the directory lists them."""
    items = html.split('id="places-list"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<h2>.*?href="/\w+/places/([a-z0-9-]+)"', items)


@pytest.fixture
def site_copy(tmp_path):
    """A private copy of the bundled content that a test may change."""
    target = tmp_path / "site"
    shutil.copytree(BUNDLED, target)
    return target


@pytest.fixture
def bundled(make_app, clock, site_copy):
    clock.now = QUIET
    return make_app(site_copy)


@pytest.fixture
def client(bundled):
    return bundled.test_client()


# -- the directory and its filters ---------------------------------------------------


def test_every_bundled_place_is_listed_in_both_languages_open_first(client):
    for lang in ("en", "zh"):
        places = bundled_places(lang)
        assert len(places) >= 12 and set(TYPES) <= {p["type"] for p in places.values()}
        page = client.get(f"/{lang}/places/")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        slugs = listed_slugs(html)
        assert sorted(slugs) == sorted(places)
        statuses = [places[s]["status"] for s in slugs]
        first_not_open = next(i for i, s in enumerate(statuses) if s != "open")
        assert "open" not in statuses[first_not_open:], statuses
        for slug in slugs:
            assert places[slug]["title"] in html


def test_filters_give_what_the_files_say_and_a_bad_value_is_a_400(client):
    places = bundled_places()
    site = site_yml()
    cases = {"type": "shelter", "area": "north-hill", "status": "open", "hazard": "earthquake"}
    for name, value in cases.items():
        html = client.get(f"/en/places/?{name}={value}").get_data(as_text=True)
        if name == "hazard":
            expected = {s for s, p in places.items() if value in p.get("hazards", [])}
        else:
            expected = {s for s, p in places.items() if p[name] == value}
        assert set(listed_slugs(html)) == expected, name
    both = client.get("/en/places/?type=shelter&area=wharf").get_data(as_text=True)
    assert listed_slugs(both) == ["wharf-community-centre-shelter"]
    assert site["areas"]  # the area filter offers every area of site.yml
    for key in site["areas"]:
        assert f'<option value="{key}"' in both
    for name in ("type", "area", "status", "hazard", "near"):
        for bad in ("bogus", "<script>", "open%00", "x" * 300):
            assert client.get(f"/en/places/?{name}={bad}").status_code == 400, (name, bad)
    assert client.get("/en/places/print?area=atlantis").status_code == 400
    assert client.get("/en/places/map.svg?type=castle").status_code == 400
    assert client.get("/en/places/no-such-place").status_code == 404


def test_a_card_has_status_as_of_capacity_accessibility_phone_and_map_links(client):
    place = bundled_places()["riverside-middle-school-shelter"]
    html = client.get("/en/places/").get_data(as_text=True)
    card = html.split('href="/en/places/riverside-middle-school-shelter"', 1)[1].split("</li>")[0]
    assert "Open</span>" in card and "as of 20 November 2026 08:00" in card
    assert f"{place['capacity']} people" in card
    for need in place["accessibility"]:
        assert need in card
    digits = re.sub(r"\D", "", place["phone"])
    assert f'href="tel:{digits}"' in card
    lat, lon = place["location"]
    assert f'href="geo:{lat},{lon}?q={lat},{lon}(' in card
    assert f"https://www.openstreetmap.org/?mlat={lat}&amp;mlon={lon}" in card


def test_nearest_for_two_areas_is_the_order_of_their_distances(client):
    places = bundled_places()
    for area in ("wharf", "north-hill"):
        # The bundled areas are rectangles: the centre is the mean of the four corners.
        corners = polygon(BUNDLED, area)[:-1]
        centre = (sum(p[0] for p in corners) / 4, sum(p[1] for p in corners) / 4)
        open_places = [s for s, p in places.items() if p["status"] == "open"]
        expected = sorted(open_places, key=lambda s: haversine(centre, places[s]["location"]))
        html = client.get(f"/en/places/?near={area}").get_data(as_text=True)
        assert listed_slugs(html) == expected, area
        nearest = places[expected[0]]
        km = haversine(centre, nearest["location"])
        assert f"{km:.1f} km away" in html
    # The select works without script: a plain GET form.
    html = client.get("/en/places/").get_data(as_text=True)
    form = html.split('<form class="filters nearest"', 1)[1].split("</form>")[0]
    assert 'method="get"' in form and 'name="near"' in form and "<label" in form


def test_use_my_location_is_a_same_origin_script_and_the_page_lets_it_ask(client):
    response = client.get("/en/places/")
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all(body.strip() == "" for _, body in scripts), "inline script"
    [src] = re.findall(r'<script src="(/static/js/places-nearest[^"]*\.js)"', html)
    with client.get(src) as script:
        assert script.status_code == 200
        source = script.get_data(as_text=True)
    assert "geolocation" in source
    assert not re.search(r"fetch\(|XMLHttpRequest|sendBeacon|\.submit\(|location\.href", source)
    assert "geolocation=(self)" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in client.get("/en/").headers["Permissions-Policy"]
    assert "<button type=\"button\" class=\"use-location\" hidden" in html


# -- the place page ------------------------------------------------------------------


def test_a_place_page_has_everything_directions_and_its_map(client):
    for lang in ("en", "zh"):
        place = bundled_places(lang)["old-town-relief-depot"]
        page = client.get(f"/{lang}/places/old-town-relief-depot")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        for value in (place["title"], place["address"], place["hours"], *place["supplies"],
                      *place["accessibility"]):
            assert value in html, value
        body = (BUNDLED / lang / "places/old-town-relief-depot.md").read_text().split("---")[2]
        first_paragraph = body.strip().split("\n\n")[0]
        assert first_paragraph.split("**")[0] in html
        svg = html.split("<svg", 1)[1].split("</svg>")[0]
        assert svg.count('class="marker"') == 1
        assert "tel:057187023300" in html and "geo:30.2571,120.1334" in html


# -- the map -------------------------------------------------------------------------


def test_the_map_is_svg_with_one_numbered_marker_per_listed_place(client):
    for lang in ("en", "zh"):
        html = client.get(f"/{lang}/places/").get_data(as_text=True)
        slugs = listed_slugs(html)
        inline = "<svg" + html.split("<svg", 1)[1].split("</svg>")[0] + "</svg>"
        for source in (inline, client.get(f"/{lang}/places/map.svg").get_data(as_text=True)):
            root = ET.fromstring(source.encode())
            assert root.tag == f"{SVG}svg" and root.get("role") == "img"
            assert root.find(f"{SVG}title").text
            markers = [g for g in root.iter(f"{SVG}g") if g.get("class") == "marker"]
            assert [g.get("data-slug") for g in markers] == slugs
            numbers = [g.find(f"{SVG}text").text for g in markers]
            assert numbers == [str(n) for n in range(1, len(slugs) + 1)]
            # A marker's own title names the place, for those who cannot see the shape.
            titles = bundled_places(lang)
            for g in markers:
                assert titles[g.get("data-slug")]["title"] in g.find(f"{SVG}title").text
            assert "style" not in source.lower().replace("font-style", "")
        badges = re.findall(r'class="marker-no" aria-hidden="true">(\d+)<', html)
        assert badges == [str(n) for n in range(1, len(slugs) + 1)]
    filtered = client.get("/en/places/map.svg?type=water").get_data()
    waters = [s for s, p in bundled_places().items() if p["type"] == "water"]
    assert filtered.count(b'class="marker"') == len(waters)


def test_the_map_of_every_bundled_place_is_small(client):
    response = client.get("/en/places/map.svg")
    assert response.headers["Content-Type"].startswith("image/svg+xml")
    assert response.data.count(b'class="marker"') == len(bundled_places())
    assert len(gzip.compress(response.data, 9)) < 30 * 1024
    page = client.get("/en/places/").data
    svg = page[page.index(b"<svg"):page.index(b"</svg>") + 6]
    assert len(gzip.compress(svg, 9)) < 30 * 1024


def test_marker_shape_says_the_type_and_colour_the_status(client):
    root = ET.fromstring(client.get("/en/places/map.svg").data)
    markers = {g.get("data-slug"): g for g in root.iter(f"{SVG}g") if g.get("class") == "marker"}
    places = bundled_places()

    def look(slug):
        path = markers[slug].find(f"{SVG}path")
        return re.sub(r"[-\d.]+", "", path.get("d")), path.get("fill")
    shapes = {places[s]["type"]: look(s)[0] for s in markers}
    assert len(set(shapes.values())) == len(shapes), "two types share a marker shape"
    fills = {places[s]["status"]: look(s)[1] for s in markers}
    assert len(set(fills.values())) == len(fills), "two statuses share a colour"


# -- open data -----------------------------------------------------------------------


def test_geojson_is_an_rfc7946_feature_collection_of_lon_lat_points(client):
    for lang in ("en", "zh"):
        response = client.get(f"/{lang}/places.geojson")
        assert response.status_code == 200
        assert response.mimetype == "application/geo+json"
        data = json.loads(response.data)
        FeatureCollection.model_validate(data)  # RFC 7946 structure
        assert data["type"] == "FeatureCollection" and "crs" not in data  # no crs in 7946
        west, south, east, north = data["bbox"]
        places = bundled_places(lang)
        assert {f["properties"]["slug"] for f in data["features"]} == set(places)
        for feature in data["features"]:
            place = places[feature["properties"]["slug"]]
            assert feature["geometry"]["type"] == "Point"
            lon, lat = feature["geometry"]["coordinates"]  # RFC 7946: longitude first
            assert [lat, lon] == place["location"]
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            assert west <= lon <= east and south <= lat <= north
            props = feature["properties"]
            for field in ("title", "type", "address", "area", "status", "hours"):
                assert props[field] == place[field], field
            assert props["capacity"] == place.get("capacity")
            assert props["accessibility"] == place["accessibility"]
            assert props["supplies"] == place.get("supplies", [])
            assert props["hazards"] == place["hazards"]
            assert dt.datetime.fromisoformat(props["status_updated"]) == place["status_updated"]
            assert props["verified"] == place["verified"].isoformat()


def test_csv_has_the_same_rows_as_the_geojson(client):
    features = json.loads(client.get("/en/places.geojson").data)["features"]
    response = client.get("/en/places.csv")
    assert response.mimetype == "text/csv" and "charset=utf-8" in response.content_type
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["slug"] for r in rows] == [f["properties"]["slug"] for f in features]
    for row, feature in zip(rows, features):
        lon, lat = feature["geometry"]["coordinates"]
        assert (float(row["lat"]), float(row["lon"])) == (lat, lon)
        props = feature["properties"]
        for field in ("title", "type", "status", "address", "area", "status_updated"):
            assert row[field] == (props[field] or ""), field
        assert row["accessibility"].split("; ") == props["accessibility"]
    zh = list(csv.DictReader(io.StringIO(client.get("/zh/places.csv").get_data(as_text=True))))
    assert {r["title"] for r in zh} == {p["title"] for p in bundled_places("zh").values()}


@pytest.mark.parametrize("path", ["/en/places.geojson", "/en/places.csv",
                                  "/en/feeds/places.atom", "/en/places/map.svg"])
def test_open_data_has_an_etag_and_the_feeds_cache_control(client, path):
    feed = client.get("/en/feeds/disclosures.atom")
    response = client.get(path)
    assert response.status_code == 200 and response.headers["ETag"]
    assert response.headers["Cache-Control"] == feed.headers["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_status_feed_has_an_entry_per_status_and_a_change_is_a_new_entry(bundled, clock,
                                                                             site_copy):
    client = bundled.test_client()
    parsed = feedparser.parse(client.get("/en/feeds/places.atom").data)
    places = bundled_places()
    assert not parsed.bozo
    assert len(parsed.entries) == len(places)
    by_link = {e.link.rsplit("/", 1)[1]: e for e in parsed.entries}
    assert set(by_link) == set(places)
    updated = [e.updated_parsed for e in parsed.entries]
    assert updated == sorted(updated, reverse=True)
    old_id = by_link["wharf-relief-point"].id

    path = site_copy / "en/places/wharf-relief-point.md"
    path.write_text(path.read_text().replace("status: standby", "status: open").replace(
        "status_updated: 2026-11-18T17:00:00+08:00", "status_updated: 2026-11-20T11:00:00+08:00"))
    bundled.extensions["portal.store"].reload()
    again = feedparser.parse(client.get("/en/feeds/places.atom").data)
    first = again.entries[0]
    assert first.link.endswith("/en/places/wharf-relief-point") and first.id != old_id
    assert "Open" in first.title


# -- staleness -----------------------------------------------------------------------


def test_unverified_details_show_and_portal_check_warns(make_app, clock, site_copy):
    clock.now = QUIET
    path = site_copy / "en/places/north-hill-clinic.md"
    path.write_text(path.read_text().replace("verified: 2026-10-30", "verified: 2026-05-01"))
    client = make_app(site_copy).test_client()
    html = client.get("/en/places/north-hill-clinic").get_data(as_text=True)
    assert "Details not checked since 1 May 2026" in html
    listing = client.get("/en/places/").get_data(as_text=True)
    assert listing.count("Details not checked since") == 1
    fresh = client.get("/en/places/district-hospital").get_data(as_text=True)
    assert "Details not checked since" not in fresh

    app = create_app({"TESTING": True, "CONTENT_DIR": str(site_copy), "CLOCK": clock})
    result = app.test_cli_runner().invoke(check_command, ["--format", "json"])
    problems = json.loads(result.output)
    problems = problems["problems"] if isinstance(problems, dict) else problems
    warned = [p for p in problems if p["path"].endswith("places/north-hill-clinic.md")]
    assert [(p["path"], p["field"], p["severity"]) for p in warned] == [
        (str(path), "verified", "warning")]
    assert warned[0]["line"] == _line(path, "verified")

    # places_verify_days in site.yml moves the limit.
    site = site_copy / "site.yml"
    site.write_text(site.read_text() + "places_verify_days: 400\n")
    client = make_app(site_copy).test_client()
    assert "Details not checked since" not in client.get(
        "/en/places/north-hill-clinic").get_data(as_text=True)


def test_a_bad_places_verify_days_is_named_on_its_site_yml_line(make_app, site_copy):
    make_app(site_copy)  # a good site.yml first: the bad one is then reported, not fatal
    site = site_copy / "site.yml"
    lines = (site.read_text() + "places_verify_days: -3\n").splitlines()
    site.write_text("\n".join(lines) + "\n")
    library = make_app(site_copy).extensions["portal.store"].library
    [error] = [e for e in library.errors if e.path == "site.yml"]
    assert (error.line, error.field) == (len(lines), "places_verify_days")


def _line(path: Path, field: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if line.startswith(f"{field}:"):
            return number
    raise AssertionError(field)


def test_an_old_status_shows_its_age_only_while_a_hazard_it_serves_is_in_force(make_app, clock,
                                                                               site_copy):
    clock.now = DURING_COLD_WAVE
    client = make_app(site_copy).test_client()
    # Serves the cold wave, confirmed on 20 November: two days old on the 22nd.
    html = client.get("/en/places/north-hill-gymnasium-shelter").get_data(as_text=True)
    assert "This status was last confirmed 2 days ago." in html
    # The warning names gas leaks too: an assembly point for gas leaks shows its age.
    square = client.get("/en/places/riverside-square-assembly-point").get_data(as_text=True)
    assert "This status was last confirmed 2 days ago." in square
    # The Wharf relief point serves floods and typhoons only: no age, however old.
    relief = client.get("/en/places/wharf-relief-point").get_data(as_text=True)
    assert "last confirmed" not in relief
    # Before the warning nothing is in force: no age, however old.
    clock.now = QUIET
    quiet = make_app(site_copy).test_client()
    assert "last confirmed" not in quiet.get(
        "/en/places/north-hill-gymnasium-shelter").get_data(as_text=True)
    # A fresh status during the warning shows no age.
    clock.now = dt.datetime(2026, 11, 22, 12, 0, tzinfo=TZ)
    path = site_copy / "en/places/north-hill-gymnasium-shelter.md"
    path.write_text(path.read_text().replace("status_updated: 2026-11-20T07:30:00+08:00",
                                             "status_updated: 2026-11-22T09:00:00+08:00"))
    fresh = make_app(site_copy).test_client()
    assert "last confirmed" not in fresh.get(
        "/en/places/north-hill-gymnasium-shelter").get_data(as_text=True)


# -- home page and hazard hubs -------------------------------------------------------


def test_home_shows_open_places_for_what_is_in_force_right_under_the_alerts(make_app, clock,
                                                                            site_copy):
    places = bundled_places()
    clock.now = DURING_COLD_WAVE
    client = make_app(site_copy).test_client()
    html = client.get("/en/").get_data(as_text=True)
    assert "Cold wave" in html.split('class="alerts"', 1)[1].split("</section>")[0]
    after_alerts = html.split('class="alerts"', 1)[1].split("</section>", 1)[1]
    assert after_alerts.lstrip().startswith('<section aria-labelledby="home-places-title"')
    section = after_alerts.split("</section>", 1)[0]
    shown = re.findall(r'href="/en/places/([a-z0-9-]+)"', section)
    assert shown
    for slug in shown:
        assert places[slug]["status"] == "open"
        assert {"cold-wave", "gas-leak", "power-outage"} & set(places[slug]["hazards"])
    assert "wharf-community-centre-shelter" not in shown  # full
    assert shown[0] in {s for s, p in places.items() if p["type"] == "shelter"}
    zh = client.get("/zh/").get_data(as_text=True)
    assert "现在可以去哪里" in zh

    clock.now = QUIET
    quiet = make_app(site_copy).test_client().get("/en/").get_data(as_text=True)
    assert "home-places-title" not in quiet

    clock.now = dt.datetime(2026, 11, 11, 12, 0, tzinfo=TZ)  # the heavy rain warnings
    rain = make_app(site_copy).test_client().get("/en/").get_data(as_text=True)
    section = rain.split('id="home-places-title"', 1)[1].split("</section>")[0]
    shown = re.findall(r'href="/en/places/([a-z0-9-]+)"', section)
    flood = [s for s, p in places.items() if p["status"] == "open" and "flood" in p["hazards"]]
    assert shown and set(shown) <= set(flood)


def test_hazard_hubs_list_the_places_that_serve_them(client):
    places = bundled_places()
    html = client.get("/en/hazards/earthquake").get_data(as_text=True)
    section = html.split('id="hazard-places"', 1)[1].split("</section>")[0]
    expected = {s for s, p in places.items() if "earthquake" in p["hazards"]}
    assert set(re.findall(r'href="/en/places/([a-z0-9-]+)"', section)) == expected
    assert 'id="hazard-places"' not in client.get("/en/hazards/fraud").get_data(as_text=True)


# -- the print sheet -----------------------------------------------------------------


def test_the_print_sheet_has_the_map_and_the_list_of_one_area(client):
    places = bundled_places("zh")
    html = client.get("/zh/places/print?area=north-hill").get_data(as_text=True)
    expected = {s for s, p in places.items() if p["area"] == "north-hill"}
    svg = "<svg" + html.split("<svg", 1)[1].split("</svg>")[0] + "</svg>"
    markers = [g.get("data-slug") for g in ET.fromstring(svg.encode()).iter(f"{SVG}g")
               if g.get("class") == "marker"]
    assert set(markers) == expected
    listed = html.split('class="sheet-list"', 1)[1].split("</ol>")[0]
    for slug in expected:
        assert places[slug]["title"] in listed and places[slug]["address"] in listed
    assert "北山街道" in html.split("<h1>", 1)[1].split("</h1>")[0]
    everything = client.get("/en/places/print").get_data(as_text=True)
    assert everything.count('class="marker"') == len(places)


# -- search, sitemap, freeze, portal new ---------------------------------------------


def test_search_finds_a_place_by_what_it_offers_and_where_it_is(client):
    found = client.get("/en/search?q=sandbags").get_data(as_text=True)
    assert 'href="/en/places/old-town-relief-depot"' in found
    found = client.get("/en/search?q=Scholar").get_data(as_text=True)
    assert 'href="/en/places/library-charging-point"' in found
    zh = client.get("/zh/search?q=充电").get_data(as_text=True)
    assert 'href="/zh/places/library-charging-point"' in zh


def test_sitemap_and_freeze_carry_the_places_the_map_and_the_open_data(bundled, client):
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    for lang in ("en", "zh"):
        for slug in bundled_places(lang):
            assert f"<loc>https://example.org/{lang}/places/{slug}</loc>" in sitemap
    from flask import url_for

    from portal.freeze import urls
    with bundled.test_request_context("/"):
        frozen = {url_for(endpoint, **values) for endpoint, values in urls(bundled)}
    for lang in ("en", "zh"):
        for path in ("places.geojson", "places.csv", "places/map.svg", "feeds/places.atom",
                     "places/print", "places/", "places/district-hospital"):
            assert f"/{lang}/{path}" in frozen, path


def test_freeze_writes_the_map_and_the_open_data(bundled, tmp_path):
    from portal.freeze import freeze
    target = tmp_path / "mirror"
    freeze(bundled, target)
    geojson = json.loads((target / "en/places.geojson").read_text())
    assert len(geojson["features"]) == len(bundled_places())
    assert (target / "zh/places.csv").read_text().count("\n") == len(bundled_places("zh")) + 1
    ET.fromstring((target / "en/places/map.svg").read_bytes())
    assert "riverside-middle-school-shelter" in (target / "en/places/print/index.html").read_text()


def test_portal_new_place_writes_a_skeleton_that_loads(make_app, clock, site_copy):
    app = create_app({"TESTING": True, "CONTENT_DIR": str(site_copy), "CLOCK": clock})
    result = app.test_cli_runner().invoke(new_command, ["place", "ferry-terminal-shelter"])
    assert result.exit_code == 0, result.output
    path = site_copy / "en/places/ferry-terminal-shelter.md"
    path.write_text(path.read_text().replace("draft: true", "draft: false"))
    library = make_app(site_copy).extensions["portal.store"].library
    assert not [e for e in library.problems if "ferry-terminal" in e.path]
    assert library.get("en", "places", "ferry-terminal-shelter", clock.now) is not None


# -- bad input -----------------------------------------------------------------------

GOOD = """---
title: Ferry Terminal shelter
type: shelter
address: 1 Ferry Road, Wharf
area: wharf
location: [30.245, 120.150]
phone: "0571-8702 9000"
hazards: [flood]
capacity: 80
accessibility: [step-free entrance]
hours: Day and night
status: open
status_updated: 2026-11-20T08:00:00+08:00
verified: 2026-11-10
---
Walk along Ferry Road to the terminal.
"""

# Content is checked when it is read, against the real time (the test clock only says
# what the pages show).
REAL_NOW = dt.datetime.now(TZ).replace(microsecond=0)
BAD = {
    "outside the district": ("location", "location: [30.245, 120.150]",
                             "location: [31.230, 121.470]", "outside the district"),
    "swapped": ("location", "location: [30.245, 120.150]", "location: [120.150, 30.245]",
                "out of range"),
    "longitude out of range": ("location", "location: [30.245, 120.150]",
                               "location: [30.245, 190.0]", "out of range"),
    "not a pair": ("location", "location: [30.245, 120.150]", "location: 30.245",
                   "[latitude, longitude]"),
    "unknown area": ("area", "area: wharf", "area: east-bank", "unknown area"),
    "unknown type": ("type", "type: shelter", "type: bunker", "not one of"),
    "negative capacity": ("capacity", "capacity: 80", "capacity: -5", "negative"),
    "capacity not a number": ("capacity", "capacity: 80", "capacity: lots", "whole number"),
    "unknown status": ("status", "status: open", "status: maybe", "not one of"),
    "status without status_updated": (
        "status", "status_updated: 2026-11-20T08:00:00+08:00\n", "", "status_updated"),
    "status_updated in the future": (
        "status_updated", "status_updated: 2026-11-20T08:00:00+08:00",
        f"status_updated: {(REAL_NOW + dt.timedelta(hours=1)).isoformat()}", "in the future"),
    "status_updated without offset": (
        "status_updated", "status_updated: 2026-11-20T08:00:00+08:00",
        "status_updated: 2026-11-20T08:00:00", "offset"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_named_with_path_line_and_field_and_the_rest_keeps_serving(
        make_app, clock, site_copy, case):
    clock.now = QUIET  # 20 November, 12:00
    field, old, new, message = BAD[case]
    assert old in GOOD
    text = GOOD.replace(old, new)
    path = write(site_copy / "en/places/ferry-terminal-shelter.md", text)
    app = make_app(site_copy)
    library = app.extensions["portal.store"].library
    errors = [e for e in library.errors if e.path == "en/places/ferry-terminal-shelter.md"]
    [error] = [e for e in errors if e.field == field]
    assert error.line == _line(path, field), error
    assert message in error.message, error.message
    client = app.test_client()
    assert client.get("/en/places/ferry-terminal-shelter").status_code == 404
    listing = client.get("/en/places/")
    assert listing.status_code == 200
    assert sorted(listed_slugs(listing.get_data(as_text=True))) == sorted(bundled_places())
    assert client.get("/en/places.geojson").status_code == 200


@pytest.mark.parametrize("updated", ["2026-11-20T08:00:00+08:00",
                                     # An editor's clock a minute fast is not "the future".
                                     (REAL_NOW + dt.timedelta(minutes=1)).isoformat()])
def test_a_good_place_loads(make_app, clock, site_copy, updated):
    clock.now = QUIET
    write(site_copy / "en/places/ferry-terminal-shelter.md",
          GOOD.replace("2026-11-20T08:00:00+08:00", updated))
    app = make_app(site_copy)
    assert not [e for e in app.extensions["portal.store"].library.problems
                if "ferry" in e.path]
    assert app.test_client().get("/en/places/ferry-terminal-shelter").status_code == 200


@pytest.mark.parametrize("moment", [dt.datetime(2026, 10, 13, 10, 0, tzinfo=TZ),  # the drill
                                    dt.datetime(2026, 11, 11, 12, 0, tzinfo=TZ),  # rain
                                    QUIET, DURING_COLD_WAVE])
def test_the_bundled_places_load_cleanly_whatever_the_site_clock_says(make_app, clock, moment):
    clock.now = moment
    library = make_app(BUNDLED).extensions["portal.store"].library
    assert not [p for p in library.problems if "/places/" in p.path]
    for lang in ("en", "zh"):
        assert {p.slug for p in library.section(lang, "places", moment)} == \
            set(bundled_places(lang))


def test_a_broken_edit_keeps_the_last_good_version_serving(make_app, clock, site_copy):
    clock.now = QUIET
    app = make_app(site_copy)
    path = site_copy / "en/places/wharf-relief-point.md"
    path.write_text(path.read_text().replace("area: wharf", "area: atlantis"))
    app.extensions["portal.store"].reload()
    library = app.extensions["portal.store"].library
    assert [e.field for e in library.errors if e.path == "en/places/wharf-relief-point.md"] \
        == ["area"]
    page = app.test_client().get("/en/places/wharf-relief-point")
    assert page.status_code == 200 and "Wharf relief-supply point" in page.get_data(as_text=True)


# -- live under gunicorn -------------------------------------------------------------


@pytest.fixture
def gunicorn_server(tmp_path, site_copy):
    server = Gunicorn(tmp_path, site_copy, workers=2)
    try:
        server.wait_ready(workers=2)
        yield server.port
    finally:
        server.stop()


def _shows_full(port: int, slug: str) -> bool:
    """Page, list, map and GeoJSON all say full, on requests spread over the workers."""
    for _ in range(4):
        status, page = fetch(port, f"/en/places/{slug}")
        _, listing = fetch(port, "/en/places/")
        _, svg = fetch(port, "/en/places/map.svg")
        _, data = fetch(port, "/en/places.geojson")
        if status != 200 or 'place-status status-full">Full' not in page.decode():
            return False
        card = listing.decode().split(f'href="/en/places/{slug}"', 1)[1].split("</li>")[0]
        if 'status-full">Full' not in card:
            return False
        marker = ET.fromstring(svg)
        [g] = [g for g in marker.iter(f"{SVG}g") if g.get("data-slug") == slug]
        if not g.find(f"{SVG}title").text.endswith("Full"):
            return False
        features = json.loads(data)["features"]
        [feature] = [f for f in features if f["properties"]["slug"] == slug]
        if feature["properties"]["status"] != "full":
            return False
    return True


def test_open_to_full_shows_everywhere_within_two_seconds_under_gunicorn(gunicorn_server,
                                                                         site_copy):
    port, slug = gunicorn_server, "north-hill-gymnasium-shelter"
    assert not _shows_full(port, slug)
    path = site_copy / f"en/places/{slug}.md"
    now = dt.datetime.now(dt.timezone.utc).astimezone(TZ).replace(microsecond=0)
    changed = re.sub(r"status_updated: .*", f"status_updated: {now.isoformat()}",
                     path.read_text().replace("status: open", "status: full"))
    staged = site_copy.parent / f"{slug}.md"
    staged.write_text(changed)
    staged.replace(path)  # one rename, as editors and sync tools save
    started = time.monotonic()
    while time.monotonic() - started < 10:
        if _shows_full(port, slug):
            break
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    assert _shows_full(port, slug), "never shown as full"
    assert elapsed < 2.0, f"shown as full only after {elapsed:.2f} s"


def test_the_place_page_offers_the_place_slot_with_the_place(make_app, site_copy):
    from jinja2 import ChoiceLoader, DictLoader

    from portal.views.common import slot
    app = make_app(site_copy)
    app.jinja_env.loader = ChoiceLoader([
        DictLoader({"events_here.html": '<p class="slotted">Events at {{ item.slug }}</p>'}),
        app.jinja_env.loader])
    slot(app, "place", "events_here.html")
    html = app.test_client().get("/en/places/wharf-relief-point").get_data(as_text=True)
    assert '<p class="slotted">Events at wharf-relief-point</p>' in html
