"""The plans directory and plan pages at 360 px in both languages, with a response in
force (the top-of-page line and the highlighted level included): no axe violations,
nothing wider than the screen, and what residents should do at the level in force
reachable from the top of the page."""
import datetime as dt

import pytest

from .helpers import LANGS, format_violations

# While the bundled cold wave response (Level IV, from 30 November 09:00) is in force.
WHEN = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PHONE = (360, 800)


@pytest.fixture(scope="module")
def plans_server(bundled_server_at):
    return bundled_server_at(WHEN)


def check_phone_page(page, url: str) -> None:
    page.size(*PHONE)
    assert page.open(url) == 200
    assert page.js("return document.querySelectorAll('h1').length") == 1
    overflow = page.js("return document.documentElement.scrollWidth") - page.js(
        "return document.documentElement.clientWidth")
    assert overflow <= 0, f"{url} is {overflow}px wider than the screen"
    violations = page.axe()
    assert not violations, format_violations(violations)


@pytest.mark.parametrize("lang", LANGS)
def test_plans_directory_at_360px(page, plans_server, lang):
    check_phone_page(page, plans_server(f"/{lang}/plans/"))
    assert page.js("return document.querySelectorAll('.plan-card').length") == 7
    assert page.js("return document.querySelectorAll('.plan-card.is-responding').length") == 1
    line = page.js("return document.querySelector('.response-top li').getBoundingClientRect().top")
    assert line < 200  # the response in force is at the very top


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", ["cold-wave", "flood-control"])
def test_plan_page_at_360px(page, plans_server, lang, slug):
    check_phone_page(page, plans_server(f"/{lang}/plans/{slug}"))
    current = page.js("return Array.from(document.querySelectorAll('.plan-level.is-current'))"
                      ".map(el => el.id)")
    assert current == (["level-IV"] if slug == "cold-wave" else [])
    assert page.js("return document.querySelectorAll('.plan-level').length") == 4


@pytest.mark.parametrize("lang", LANGS)
def test_top_line_leads_to_what_residents_should_do(page, plans_server, lang):
    page.size(*PHONE)
    page.open(plans_server(f"/{lang}/"))
    link = page.js("return document.querySelector('.response-top a').getAttribute('href')")
    assert link == f"/{lang}/plans/cold-wave#level-IV"
    page.open(plans_server(link))
    residents = page.js("const el = document.querySelector('#level-IV .residents');"
                        " return el && el.getBoundingClientRect().top;")
    assert residents is not None and 0 <= residents <= 800  # on screen once there


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", ["/hazards/cold-wave",
                                  "/disclosures/flood-response-raised-to-level-iii",
                                  "/disclosures/?type=response"])
def test_pages_that_show_responses_at_360px(page, plans_server, lang, path):
    check_phone_page(page, plans_server(f"/{lang}{path}"))
