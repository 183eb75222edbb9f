"""Announcements, rumour corrections and alerts: pages, scheduling, supersedes, ClaimReview."""
import datetime as dt
import json
import re

import pytest

from portal.kinds import load
from tests.conftest import CONTENT, write
from tests.test_markup import Elements

ALERT = """---
title: Test alert
summary: Something is coming.
type: alert
issuer: weather
published: 2026-11-19T08:00:00+08:00
severity: severe
urgency: immediate
certainty: observed
area: Everywhere
expires: 2026-11-30T08:00:00+08:00
areas: [whole-district]
instructions: [Take shelter.]
---
Take shelter.
"""


@pytest.mark.parametrize("change, line, field, message", [
    (("issuer: weather", "issuer: ministry-of-magic"), 5, "issuer", "unknown issuer 'ministry-of-magic'"),
    (("expires: 2026-11-30T08:00:00+08:00\n", ""), 1, "expires", "required field is missing"),
    (("published: 2026-11-19T08:00:00+08:00", "published: 2026-11-19T08:00:00"), 6, "published",
     "has no UTC offset"),
    (("published: 2026-11-19T08:00:00+08:00", "published: 2026-11-19"), 6, "published", "has no time"),
    (("severity: severe", "severity: apocalyptic"), 7, "severity", "is not one of"),
    (("area: Everywhere", "area: Everywhere\nsupersedes: no-such-alert"), 11, "supersedes",
     "no disclosure has the slug 'no-such-alert'"),
])
def test_bad_disclosure_is_a_named_error_and_the_rest_keeps_serving(make_app, content_dir, change,
                                                                    line, field, message):
    write(content_dir / "en/disclosures/bad-alert.md", ALERT.replace(*change))
    app = make_app(content_dir)
    [error] = app.extensions["portal.store"].library.errors
    assert (error.path, error.line, error.field) == ("en/disclosures/bad-alert.md", line, field)
    assert message in error.message
    client = app.test_client()
    # A broken link costs only the link: an alert must not vanish for a typo in it.
    expected = 200 if field == "supersedes" else 404
    assert client.get("/en/disclosures/bad-alert").status_code == expected
    assert client.get("/en/disclosures/").status_code == 200
    assert client.get("/en/feeds/disclosures.atom").status_code == 200


def test_rumour_correction_requires_claim_and_verdict(content_dir):
    path = content_dir / "en/disclosures/tap-water-rumour.md"
    path.write_text(path.read_text().replace("verdict: false", "verdict: maybe"))
    [error] = load(content_dir).errors
    assert error.field == "verdict" and "'maybe' is not one of: false, misleading" in error.message


def test_rumour_correction_page_quotes_the_claim_and_shows_the_verdict(client):
    html = client.get("/en/disclosures/tap-water-rumour").get_data(as_text=True)
    assert "<blockquote><p>Tap water in the district is poisoned after the flood.</p></blockquote>" in html
    assert "Our finding: <strong>False</strong>" in html
    assert "Neighbourhood chat groups; A short video" in html
    assert "Emergency Office" in html and 'href="tel:12345"' in html
    assert "November 12, 2026 10:00 (UTC+08:00)" in html
    assert "Added the latest test results." in html  # change history


def claim_review(html):
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_claim_review_json_ld(client):
    data = claim_review(client.get("/en/disclosures/tap-water-rumour").get_data(as_text=True))
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "Tap water in the district is poisoned after the flood."
    assert data["reviewRating"]["alternateName"] == "False"
    assert data["reviewRating"]["ratingValue"] == 1
    assert data["author"]["name"] == "Emergency Office"
    assert data["datePublished"] == "2026-11-12T10:00:00+08:00"
    assert data["url"] == "https://example.org/en/disclosures/tap-water-rumour"
    assert [a["name"] for a in data["itemReviewed"]["appearance"]] == [
        "Neighbourhood chat groups", "A short video"]


def test_alert_page_shows_severity_area_and_expiry(client):
    html = client.get("/en/disclosures/cold-wave-alert").get_data(as_text=True)
    assert "Moderate" in html and "Whole district" in html
    assert "November 25, 2026 20:00 (UTC+08:00)" in html
    assert "Expired" not in html


def test_ended_alert_stays_readable_and_says_so_first(client):
    html = client.get("/en/disclosures/rain-warning-yellow").get_data(as_text=True)
    assert "<title>Replaced: Yellow heavy rain warning" in html
    assert "<h1>Replaced: Yellow heavy rain warning</h1>" in html
    assert html.index('class="status-box') < html.index('class="about"')


def test_supersedes_is_shown_both_ways(client):
    old = client.get("/en/disclosures/rain-warning-yellow").get_data(as_text=True)
    assert "Replaced by" in old and "Superseded by" in old
    assert 'href="/en/disclosures/rain-warning-orange"' in old
    new = client.get("/en/disclosures/rain-warning-orange").get_data(as_text=True)
    assert 'href="/en/disclosures/rain-warning-yellow"' in new and "Replaces" in new


def test_home_lists_active_alerts_first_then_latest(client):
    html = client.get("/en/").get_data(as_text=True)
    alerts, latest = html.split('id="latest-title"')
    assert "Cold wave alert" in alerts and "Orange heavy rain warning" not in alerts
    assert latest.index("Tap water is safe to drink") < latest.index("Emergency shelters are open")


def test_scheduled_disclosure_appears_at_its_time_without_a_restart(client, clock):
    assert client.get("/en/disclosures/scheduled-drill").status_code == 404
    assert "Earthquake drill" not in client.get("/en/feeds/disclosures.atom").get_data(as_text=True)
    clock.now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert client.get("/en/disclosures/scheduled-drill").status_code == 200
    assert "Earthquake drill" in client.get("/en/feeds/disclosures.atom").get_data(as_text=True)
    assert "Earthquake drill" in client.get("/en/").get_data(as_text=True)


def test_alert_leaves_the_home_page_when_it_expires(client, clock):
    assert "Cold wave alert" in client.get("/en/").get_data(as_text=True).split('id="latest-title"')[0]
    clock.now = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert "Cold wave alert" not in client.get("/en/").get_data(as_text=True).split('id="latest-title"')[0]


def test_drafts_are_hidden_everywhere(make_app, content_dir):
    write(content_dir / "en/disclosures/draft-note.md", ALERT.replace("title: Test alert", "title: Secret draft")
          .replace("area: Everywhere", "area: Everywhere\ndraft: true"))
    client = make_app(content_dir).test_client()
    assert client.get("/en/disclosures/draft-note").status_code == 404
    for url in ("/en/", "/en/disclosures/", "/en/feeds/disclosures.atom", "/en/feeds/alert.rss"):
        assert "Secret draft" not in client.get(url).get_data(as_text=True)


def test_list_filters_by_type_and_hazard(client):
    html = client.get("/en/disclosures/?type=rumour-correction").get_data(as_text=True)
    assert "Tap water is safe to drink" in html and "Cold wave alert" not in html
    html = client.get("/en/disclosures/?hazard=earthquake").get_data(as_text=True)
    assert "Tap water" not in html


HOSTILE_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)>'
HOSTILE_CLAIM = '</script><script>alert("c")</script>'


@pytest.fixture
def hostile_client(make_app, content_dir):
    write(content_dir / "en/disclosures/hostile.md", f"""---
title: '{HOSTILE_TITLE}'
summary: '<b onmouseover="alert(1)">x</b>'
type: rumour-correction
issuer: weather
published: 2026-11-19T08:00:00+08:00
claim: '{HOSTILE_CLAIM}'
verdict: misleading
appeared_in: ['<iframe src="javascript:alert(1)">']
---
<script>alert("body")</script> [x](javascript:alert(1)) <a href="#" onclick="alert(1)">y</a>
""")
    return make_app(content_dir).test_client()


def test_hostile_text_is_escaped_in_pages_and_json_ld(hostile_client):
    html = hostile_client.get("/en/disclosures/hostile").get_data(as_text=True)
    assert_no_active_markup(html)
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in html  # shown, as text
    data = claim_review(html)  # exactly one JSON-LD block: the claim did not close it
    assert data["claimReviewed"] == HOSTILE_CLAIM
    assert data["headline"] == HOSTILE_TITLE
    for listing in ("/en/", "/en/disclosures/", "/en/hazards/flood"):
        assert_no_active_markup(hostile_client.get(listing).get_data(as_text=True))


def assert_no_active_markup(html):
    for tag, attrs in Elements(html).found:
        if tag == "script":
            # Structured data, or the site's own hashed script file (script-src 'self').
            assert attrs == {"type": "application/ld+json"} or (
                set(attrs) <= {"src", "defer"}
                and re.fullmatch(r"/static/js/[a-z0-9-]+\.[0-9a-f]{12}\.js", attrs["src"] or ""))
        assert tag not in {"iframe", "img"} or tag == "img" and attrs.get("src", "").startswith("/static/")
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name)


def test_hostile_text_is_escaped_in_feeds(hostile_client):
    import feedparser
    for url in ("/en/feeds/disclosures.atom", "/en/feeds/disclosures.rss"):
        body = hostile_client.get(url).get_data(as_text=True)
        assert "<script" not in body and "<img" not in body  # all markup is XML-escaped text
        parsed = feedparser.parse(body)
        assert not parsed.bozo
        [entry] = [e for e in parsed.entries if e.link.endswith("/hostile")]
        assert entry.title == HOSTILE_TITLE
        content = entry.content[0].value if "content" in entry else entry.description
        assert "alert(\"body\")" not in content and "javascript:" not in content
        assert "onclick" not in content
