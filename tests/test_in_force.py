"""One answer to "what is in force now", walked through six moments of a warning chain:
the home page, the banner, the list, each alert page's status box, search, the CAP
index and the feed all agree at each."""
import datetime as dt
import re

import pytest

from tests.conftest import write

TZ = dt.timezone(dt.timedelta(hours=8))


def at(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def alert(title, published, expires, severity, areas, instructions, extra=""):
    return f"""---
title: {title}
summary: {title} for Brookvale.
type: alert
issuer: weather
published: {published.isoformat()}
hazards: [flood]
severity: {severity}
urgency: expected
certainty: likely
expires: {expires.isoformat()}
areas: [{areas}]
instructions: [{instructions}]
{extra}---
Brookvale {title.lower()}.
"""


CHAIN = {
    "brook-yellow": alert("Yellow Brookvale flood warning", at(20, 14), at(21, 8), "moderate",
                          "riverside", "Keep away from low-lying streets.",
                          "next_update: 2026-11-20T17:00:00+08:00\n"),
    "brook-orange": alert("Orange Brookvale flood warning", at(20, 18), at(21, 6), "severe",
                          "riverside", "Move to higher ground.", "supersedes: brook-yellow\n"),
    "brook-gale": alert("Brookvale gale warning", at(20, 13), at(22, 20), "moderate",
                        "whole-district", "Stay indoors."),
    "brook-gale-lifted": """---
title: Brookvale gale warning lifted
summary: The gale has passed Brookvale.
type: announcement
issuer: weather
published: 2026-11-21T09:00:00+08:00
hazards: [flood]
supersedes: brook-gale
---
The Brookvale gale has passed.
""",
}
YELLOW, ORANGE, GALE, LIFTED = ("Yellow Brookvale flood warning", "Orange Brookvale flood warning",
                                "Brookvale gale warning", "Brookvale gale warning lifted")
COLD = "Cold wave alert"  # in tests/content, in force until 25 November

# (moment, home "Alerts in force" in order, banner, status box text starts per page,
#  search order with the ended marker, CAP index slugs, feed titles of the chain)
MOMENTS = [
    pytest.param(at(20, 12, 30), [COLD], [], {}, [], ["cold-wave-alert"], [],
                 id="before-anything"),
    pytest.param(at(20, 14, 30), [YELLOW, GALE, COLD], [],
                 {"brook-yellow": "In force until", "brook-gale": "In force until"},
                 [(YELLOW, None), (GALE, None)],
                 ["brook-yellow", "brook-gale", "cold-wave-alert"], [YELLOW, GALE],
                 id="yellow-issued"),
    pytest.param(at(20, 17, 30), [YELLOW, GALE, COLD], [],
                 {"brook-yellow": "In force until", "overdue": "brook-yellow"},
                 [(YELLOW, None), (GALE, None)],
                 ["brook-yellow", "brook-gale", "cold-wave-alert"], [YELLOW, GALE],
                 id="update-overdue"),
    pytest.param(at(20, 18, 30), [ORANGE, GALE, COLD], [ORANGE],
                 {"brook-orange": "In force until", "brook-yellow": "Replaced by " + ORANGE + " at"},
                 [(ORANGE, None), (GALE, None), (YELLOW, "Replaced")],
                 ["brook-orange", "brook-gale", "cold-wave-alert"], [ORANGE, YELLOW, GALE],
                 id="upgraded-to-orange"),
    pytest.param(at(21, 7), [GALE, COLD], [],
                 {"brook-orange": "Ended at", "brook-yellow": "Replaced by"},
                 [(GALE, None), (ORANGE, "Ended"), (YELLOW, "Replaced")],
                 ["brook-gale", "cold-wave-alert"], [ORANGE, YELLOW, GALE],
                 id="orange-expired"),
    pytest.param(at(21, 10), [COLD], [],
                 {"brook-gale": "Cancelled at", "brook-gale-lifted": "This cancels " + GALE,
                  "brook-orange": "Ended at"},
                 [(LIFTED, None), (ORANGE, "Ended"), (YELLOW, "Replaced"), (GALE, "Cancelled")],
                 ["brook-gale-lifted", "cold-wave-alert"], [LIFTED, ORANGE, YELLOW, GALE],
                 id="gale-cancelled"),
]


@pytest.fixture
def chain_client(make_app, content_dir):
    for slug, text in CHAIN.items():
        write(content_dir / f"en/disclosures/{slug}.md", text)
    return make_app(content_dir).test_client()


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def titles(html):
    return re.findall(r'<h3><a href="[^"]*">([^<]+)</a></h3>', html)


def section(html, start, end):
    return html.split(start, 1)[1].split(end, 1)[0] if start in html else ""


@pytest.mark.parametrize("moment,home,banner,boxes,search,cap,feed", MOMENTS)
def test_every_surface_agrees_on_what_is_in_force(chain_client, clock, moment, home, banner,
                                                   boxes, search, cap, feed):
    clock.now = moment
    get = lambda url: chain_client.get(url).get_data(as_text=True)  # noqa: E731

    page = get("/en/")
    alerts = section(page, 'id="alerts-title"', 'id="latest-title"')
    assert titles(alerts) == home
    # Only what is in force wears a level stripe; the rest of the page marks what ended.
    assert alerts.count("state-in-force") == len(home)
    warning = section(page, 'class="emergency-banner"', "</div>")
    assert re.findall(r'<a href="/en/disclosures/[^"]+">([^<]+)</a>', warning) == banner
    if banner:
        assert "Orange warning:" in warning and "level-orange" in warning

    listing = get("/en/disclosures/")
    for card in re.findall(r'<li class="card[^"]*".*?</li>', listing, re.S):
        name = titles(card)[0]
        if name in (YELLOW, ORANGE, GALE):
            live = name in home
            assert ("state-in-force" in card) == live, name
            assert ("tag state-ended" in card) == (not live), name

    for slug, expected in boxes.items():
        if slug == "overdue":
            assert "The update promised for" in section(get(f"/en/disclosures/{expected}"),
                                                          'class="status-box', "</div>")
            assert "The update promised for" in alerts
            continue
        html = get(f"/en/disclosures/{slug}")
        box = text(section(html, 'class="status-box', "</div>"))
        assert box.split("> ", 1)[-1].startswith(expected) or expected in box, (slug, box)
        ended = not expected.startswith(("In force", "This cancels"))
        assert ("<title>" + ("Ended" if "Ended" in expected else "")) in html
        if ended:
            assert re.search(r"<h1>(Ended|Replaced|Cancelled): ", html), slug
        # Status first, then what to do, then the rest.
        if "instructions-title" in html:
            assert html.index("status-box") < html.index("instructions-title") \
                < html.index('class="prose"') < html.index('id="about-title"')

    results = get("/en/search?q=brookvale")
    found = []
    for li in re.findall(r'<li class="result[^"]*".*?</li>', results, re.S):
        marker = re.search(r'class="tag state-ended">([^<]+)<', li)
        found.append((titles(li)[0], marker and marker.group(1)))
    assert sorted(found, key=lambda f: f[1] is not None) == found  # in force first
    assert sorted(found, key=str) == sorted(search, key=str)

    cap_index = get("/en/feeds/cap.atom")
    assert re.findall(r"/en/disclosures/([a-z0-9-]+)\.cap", cap_index) == cap

    atom = get("/en/feeds/disclosures.atom")
    shown = [t for t in (YELLOW, ORANGE, GALE, LIFTED) if f"<title>{t}" in atom]
    assert sorted(shown) == sorted(feed)


DRILL = alert("Brookvale siren drill", at(20, 11), at(20, 16), "extreme", "whole-district",
              "Follow the wardens.", "exercise: true\nsms: DRILL Brookvale sirens test.\n")


def test_a_drill_is_marked_everywhere_and_stays_out_of_the_banner(make_app, content_dir):
    write(content_dir / "en/disclosures/brook-drill.md", DRILL)
    client = make_app(content_dir).test_client()
    home = client.get("/en/").get_data(as_text=True)
    assert "EXERCISE — this is a drill" in section(home, 'id="alerts-title"', 'id="latest-title"')
    assert "emergency-banner" not in home
    page = client.get("/en/disclosures/brook-drill").get_data(as_text=True)
    assert "<title>EXERCISE — this is a drill: Brookvale siren drill" in page
    assert "EXERCISE — this is a drill" in section(page, 'class="status-box', "</div>")
    assert "DRILL Brookvale sirens test." in page  # the SMS text
    assert "Red warning" in page


def test_a_drill_that_asks_for_the_banner_gets_it_marked(make_app, content_dir):
    write(content_dir / "en/disclosures/brook-drill.md", DRILL.replace("exercise: true",
                                                                       "exercise: true\nbanner: true"))
    home = make_app(content_dir).test_client().get("/en/hotlines").get_data(as_text=True)
    warning = section(home, 'class="emergency-banner"', "</div>")
    assert "Brookvale siren drill" in warning and "EXERCISE — this is a drill" in warning


def test_next_update_is_promised_on_page_and_card(chain_client, clock):
    clock.now = at(20, 15)
    page = chain_client.get("/en/disclosures/brook-yellow").get_data(as_text=True)
    assert "Next update by November 20, 2026 17:00" in page
    assert "Next update by" in chain_client.get("/en/disclosures/").get_data(as_text=True)


def test_search_puts_what_is_in_force_first_across_pages(make_app, content_dir):
    """Twelve ended warnings that match better than the one in force: it still leads
    page one, and every ended result is marked."""
    for n in range(12):
        write(content_dir / f"en/disclosures/old-levee-{n}.md",
              alert(f"Levee levee levee warning {n}", at(1, 8), at(2, 8), "moderate",
                    "riverside", "Keep away from the levee."))
    write(content_dir / "en/disclosures/levee-now.md",
          alert("Levee warning", at(19, 8), at(30, 8), "severe", "riverside",
                "Keep away from the levee."))
    html = make_app(content_dir).test_client().get("/en/search?q=levee").get_data(as_text=True)
    links = re.findall(r'<h3><a href="/en/disclosures/([a-z0-9-]+)"', html)
    assert links[0] == "levee-now" and len(links) == 10
    assert html.count("Ended") >= 9
