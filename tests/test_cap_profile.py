"""Every CAP document, of the test content and of the bundled content, passes the
OASIS CAP 1.2 schema and the checks alert aggregators make.

The profile checks follow the rules of the Google Public Alerts CAP profile (as the
open-source google/cap-library GoogleProfile states them); written here, not imported.
"""
import datetime as dt
import re
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from portal.kinds import load
from portal.kinds.disclosures import queries
from tests.test_cap import NS, SCHEMA, TZ

from .conftest import CONTENT, Clock

BUNDLED = Path(__file__).resolve().parent.parent / "content"
# Late enough that every bundled and test disclosure is published.
LATER = dt.datetime(2027, 6, 1, tzinfo=TZ)
RESPONSE_TYPES = {"Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess",
                  "AllClear", "None"}
REQUIRED_IN_INFO = ("category", "event", "responseType", "urgency", "severity", "certainty",
                    "senderName", "headline", "description", "instruction", "web", "expires")
# What every <info> of one message must agree on.
SHARED = ("category", "responseType", "urgency", "severity", "certainty", "effective", "expires")
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
POINT = r"-?\d+(\.\d+)?,-?\d+(\.\d+)?"


def _all(node, path):
    return node.xpath(path, namespaces=NS)


def _texts(node, path):
    return [e.text for e in _all(node, path)]


def profile_problems(document) -> list[str]:
    """What an aggregator following the Google profile would refuse or flag."""
    problems = []
    for name in ("identifier", "sender", "sent"):
        if not _texts(document, f"cap:{name}"):
            problems.append(f"no <{name}>")
    sent = _texts(document, "cap:sent")[0]
    if not STAMP.fullmatch(sent):
        problems.append(f"<sent> {sent} has no time zone or fractions")
    msg_type = _texts(document, "cap:msgType")[0]
    references = _texts(document, "cap:references")
    if msg_type in ("Update", "Cancel"):
        if not references:
            problems.append(f"a {msg_type} without <references>")
        for reference in " ".join(references).split():
            parts = reference.split(",")
            if len(parts) != 3 or not STAMP.fullmatch(parts[2]):
                problems.append(f"reference {reference} is not sender,identifier,sent")
    infos = _all(document, "cap:info")
    if not infos:
        problems.append("no <info>")
    languages = _texts(document, "cap:info/cap:language")
    if len(set(languages)) != len(infos):
        problems.append(f"languages not one per <info>: {languages}")
    for info in infos:
        lang = _texts(info, "cap:language")[0]
        for name in REQUIRED_IN_INFO:
            if not [t for t in _texts(info, f"cap:{name}") if t and t.strip()]:
                problems.append(f"{lang}: no <{name}>")
        for response in _texts(info, "cap:responseType"):
            if response not in RESPONSE_TYPES:
                problems.append(f"{lang}: responseType {response}")
        for name in ("severity", "certainty"):
            if _texts(info, f"cap:{name}") == ["Unknown"]:
                problems.append(f"{lang}: {name} Unknown")
        headline, description = _texts(info, "cap:headline"), _texts(info, "cap:description")
        if headline and len(headline[0]) > 140:
            problems.append(f"{lang}: headline over 140 characters")
        if headline and description and headline == description:
            problems.append(f"{lang}: description repeats the headline")
        web = _texts(info, "cap:web")
        if web and not web[0].startswith(("https://", "http://")):
            problems.append(f"{lang}: <web> {web[0]} is not an absolute URL")
        effective = _texts(info, "cap:effective") or [sent]
        expires = _texts(info, "cap:expires")
        if expires and dt.datetime.fromisoformat(expires[0]) <= dt.datetime.fromisoformat(
                effective[0]):
            problems.append(f"{lang}: expires {expires[0]} is not after {effective[0]}")
        areas = _all(info, "cap:area")
        if not areas:
            problems.append(f"{lang}: no <area>")
        for area in areas:
            desc = (_texts(area, "cap:areaDesc") or [""])[0]
            if not desc or len(desc) >= 50:
                problems.append(f"{lang}: areaDesc {desc!r} is not 1 to 49 characters")
            if not _all(area, "cap:polygon | cap:circle | cap:geocode"):
                problems.append(f"{lang}: area {desc!r} has no polygon, circle or geocode")
            for polygon in _texts(area, "cap:polygon"):
                points = polygon.split()
                if len(points) < 4 or points[0] != points[-1] or not all(
                        re.fullmatch(POINT, p) for p in points):
                    problems.append(f"{lang}: polygon {polygon!r} is not closed")
    for name in SHARED:
        values = {tuple(_texts(info, f"cap:{name}")) for info in infos}
        if len(values) > 1:
            problems.append(f"the <info> blocks disagree on <{name}>: {sorted(values)}")
    area_counts = {len(_all(info, "cap:area")) for info in infos}
    if len(area_counts) > 1:
        problems.append("the <info> blocks name different numbers of areas")
    return problems


def _messages(content: Path):
    library = load(content)
    assert not library.errors, library.errors
    found = []
    for item in library.section(library.default_lang, "disclosures", LATER):
        if queries.has_cap(library, item, LATER):
            found.append(item)
    return found


@pytest.mark.parametrize("content", [CONTENT, BUNDLED], ids=["tests", "bundled"])
def test_every_cap_document_passes_the_schema_and_the_profile(content, make_app, clock):
    clock.now = LATER
    client = make_app(content).test_client()
    messages = _messages(content)
    assert any(m.type == "alert" for m in messages)
    for item in messages:
        bodies = {}
        for lang in ("en", "zh"):
            response = client.get(f"/{lang}/disclosures/{item.slug}.cap")
            assert response.status_code == 200, (item.slug, lang)
            bodies[lang] = response.data
        # One message: the same bytes whichever language's URL asks.
        assert bodies["en"] == bodies["zh"], item.slug
        document = etree.fromstring(bodies["en"])
        assert SCHEMA.validate(document), (item.slug, SCHEMA.error_log)
        assert profile_problems(document) == [], item.slug
        # The default language first, and an SMS text for every alert.
        assert _texts(document, "cap:info/cap:language")[0] == "en"
        if item.type == "alert":
            for info in _all(document, "cap:info"):
                assert _texts(info, "cap:parameter[cap:valueName='SMS']/cap:value"), item.slug


def test_en_and_zh_answer_the_same_bytes_sent_from_the_message(client, make_app, content_dir):
    en = client.get("/en/disclosures/cold-wave-alert.cap")
    zh = client.get("/zh/disclosures/cold-wave-alert.cap")
    assert en.data == zh.data and en.last_modified == zh.last_modified
    # A translation changed later: the message is sent again, in both languages at once.
    path = content_dir / "zh/disclosures/cold-wave-alert.md"
    path.write_text(path.read_text().replace(
        "published:", "updated: 2026-11-19T10:30:00+08:00\npublished:", 1))
    changed = make_app(content_dir).test_client()
    document = etree.fromstring(changed.get("/en/disclosures/cold-wave-alert.cap").data)
    assert _texts(document, "cap:sent") == ["2026-11-19T10:30:00+08:00"]
    assert _texts(document, "cap:info/cap:language") == ["en", "zh"]
    assert (changed.get("/zh/disclosures/cold-wave-alert.cap").data
            == changed.get("/en/disclosures/cold-wave-alert.cap").data)


def test_a_cancel_carries_the_cancelled_alerts_facts_and_an_expiry(client):
    document = etree.fromstring(client.get("/en/disclosures/rain-warning-lifted.cap").data)
    assert _texts(document, "cap:msgType") == ["Cancel"]
    assert _texts(document, "cap:info/cap:severity") == ["Severe"]
    assert _texts(document, "cap:info/cap:certainty") == ["Observed"]
    assert _texts(document, "cap:info/cap:urgency") == ["Past"]
    assert _texts(document, "cap:info/cap:responseType") == ["AllClear"]
    # The orange warning had expired (20:00) when the lift was published (21:00):
    # the Cancel applies for a day from its publication.
    assert _texts(document, "cap:info/cap:expires") == ["2026-11-12T21:00:00+08:00"]
    assert _texts(document, "cap:info/cap:area/cap:areaDesc") == ["Riverside"]


def test_a_cancel_before_the_expiry_lasts_until_it(make_app, content_dir):
    path = content_dir / "en/disclosures/rain-warning-lifted.md"
    path.write_text(path.read_text().replace("2026-11-11T21:00", "2026-11-11T15:00"))
    client = make_app(content_dir).test_client()
    document = etree.fromstring(client.get("/en/disclosures/rain-warning-lifted.cap").data)
    assert _texts(document, "cap:info/cap:expires")[0] == "2026-11-11T20:00:00+08:00"


@pytest.mark.parametrize("urgency, written, expected", [
    ("immediate", None, ["Execute"]), ("expected", None, ["Prepare"]),
    ("future", None, ["Prepare"]), ("unknown", None, ["Monitor"]),
    ("expected", "[shelter, avoid]", ["Shelter", "Avoid"]), ("immediate", "evacuate", ["Evacuate"]),
])
def test_response_type_as_written_else_by_urgency(make_app, content_dir, urgency, written,
                                                  expected):
    for lang in ("en", "zh"):
        path = content_dir / f"{lang}/disclosures/cold-wave-alert.md"
        extra = f"\nresponse_type: {written}" if written else ""
        path.write_text(path.read_text().replace("urgency: expected", f"urgency: {urgency}{extra}"))
    client = make_app(content_dir).test_client()
    document = etree.fromstring(client.get("/en/disclosures/cold-wave-alert.cap").data)
    assert _texts(document, "cap:info[1]/cap:responseType") == expected
    assert SCHEMA.validate(document), SCHEMA.error_log


def test_a_mistyped_response_type_is_a_named_error(content_dir):
    path = content_dir / "en/disclosures/cold-wave-alert.md"
    path.write_text(path.read_text().replace("urgency: expected", "urgency: expected\n"
                                             "response_type: run"))
    [error] = load(content_dir).errors
    assert error.field == "response_type" and "is not one of" in error.message


def test_long_area_text_never_makes_a_long_area_desc(make_app, content_dir):
    long = "All of the district, especially the low-lying streets along the river banks"
    path = content_dir / "en/disclosures/cold-wave-alert.md"
    path.write_text(path.read_text().replace("area: Whole district", f"area: {long}\n"
                                             "circles: ['30.15,120.2 5']"))
    document = etree.fromstring(
        make_app(content_dir).test_client().get("/en/disclosures/cold-wave-alert.cap").data)
    descs = _texts(document, "cap:info/cap:area/cap:areaDesc")
    assert long not in descs and all(len(d) < 50 for d in descs)
    assert profile_problems(document) == []


def test_an_exercise_is_status_exercise_and_says_so_in_every_feed(make_app, clock):
    client = make_app(BUNDLED).test_client()
    clock.now = dt.datetime(2026, 10, 13, 10, 0, tzinfo=TZ)
    slug = "old-town-flood-evacuation-drill"
    document = etree.fromstring(client.get(f"/en/disclosures/{slug}.cap").data)
    assert _texts(document, "cap:status") == ["Exercise"]
    assert _texts(document, "cap:info/cap:responseType") == ["Evacuate", "Evacuate"]
    markers = {"en": "EXERCISE — this is a drill", "zh": None}
    for lang in ("en", "zh"):
        titles = {}
        for url in (f"/{lang}/feeds/alert.atom", f"/{lang}/feeds/alert.rss",
                    f"/{lang}/feeds/disclosures.atom", f"/{lang}/feeds/cap.atom"):
            parsed = feedparser.parse(client.get(url).data)
            assert not parsed.bozo, url
            [entry] = [e for e in parsed.entries if slug in e.link]
            titles[url] = entry.title
        # One marker per language, at the start of the title in every feed.
        marker = markers[lang] or next(iter(titles.values())).split(":")[0].split("：")[0]
        assert marker and marker != titles[f"/{lang}/feeds/alert.atom"]
        for url, title in titles.items():
            assert title.startswith(marker), (url, title)
        markers[lang] = marker
    # Real alerts are Actual, and their titles carry no marker.
    clock.now = dt.datetime(2026, 11, 11, 12, 0, tzinfo=TZ)
    real = etree.fromstring(client.get("/en/disclosures/heavy-rain-warning-orange.cap").data)
    assert _texts(real, "cap:status") == ["Actual"]
    for lang, marker in markers.items():
        others = [e for e in feedparser.parse(client.get(f"/{lang}/feeds/alert.atom").data).entries
                  if slug not in e.link]
        assert others and not any(e.title.startswith(marker) for e in others)


@pytest.mark.parametrize("lang, words", [("en", "Orange warning"), ("zh", "橙色预警")])
def test_alert_entries_carry_their_warning_level_in_words(make_app, clock, lang, words):
    client = make_app(BUNDLED).test_client()
    clock.now = dt.datetime(2026, 11, 11, 12, 0, tzinfo=TZ)
    for url in (f"/{lang}/feeds/alert.atom", f"/{lang}/feeds/alert.rss", f"/{lang}/feeds/cap.atom"):
        parsed = feedparser.parse(client.get(url).data)
        [entry] = [e for e in parsed.entries if "heavy-rain-warning-orange" in e.link]
        tags = [(t.get("term"), t.get("label")) for t in entry.tags]
        assert words in {label or term for term, label in tags}, (url, tags)
    atom = feedparser.parse(client.get(f"/{lang}/feeds/alert.atom").data)
    [yellow] = [e for e in atom.entries if "heavy-rain-warning-yellow" in e.link]
    assert ("orange", words) not in [(t.get("term"), t.get("label")) for t in yellow.tags]
    assert any(t.get("term") == "yellow" for t in yellow.tags)
