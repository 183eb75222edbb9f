"""The events calendar and event pages on a 360 px phone, in both languages, while a test
alert is under way (so the drill notice is on every page): nothing wider than the
screen, the notice calm and above the header, and axe-core finds nothing."""
import datetime as dt

import pytest

from .helpers import LANGS, format_violations

# While the bundled district alert system test is under way.
DURING_TEST = dt.datetime(2026, 12, 15, 10, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PHONE = (360, 800)
PAGES = ["/{lang}/events/", "/{lang}/events/old-town-flood-drill-october",
         "/{lang}/events/district-alert-system-test",
         "/{lang}/events/north-hill-cold-wave-shelter-drill"]


@pytest.fixture(scope="module")
def events_server(bundled_server_at):
    return bundled_server_at(DURING_TEST)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", PAGES)
def test_events_pages_fit_a_phone_and_pass_axe(page, events_server, lang, path):
    page.size(*PHONE)
    assert page.open(events_server(path.format(lang=lang))) == 200
    assert page.js("return document.documentElement.lang") == lang
    assert page.js("return document.documentElement.scrollWidth") <= PHONE[0]
    assert page.js("return document.querySelectorAll('h1').length") == 1
    notice = page.js("const n = document.querySelector('.drill-notice');"
                     " return n && [n.getBoundingClientRect().top, n.innerText,"
                     " getComputedStyle(n).backgroundColor];")
    assert notice is not None, "no drill notice while the test alert is under way"
    top, text, background = notice
    header = page.js("return document.querySelector('.site-header').getBoundingClientRect().top")
    assert top < header and ("Drill in progress:" in text or "演练进行中：" in text)
    assert page.js("return document.querySelector('.emergency-banner')") is None
    assert background != "rgb(27, 27, 27)"  # the emergency banner's ink
    violations = page.axe()
    assert not violations, format_violations(violations)


@pytest.mark.parametrize("lang", LANGS)
def test_the_calendar_list_groups_months_and_offers_subscription(page, events_server, lang):
    page.size(*PHONE)
    page.open(events_server(f"/{lang}/events/"))
    months = page.js("return [...document.querySelectorAll('.event-group h3')]"
                     ".map(h => h.textContent)")
    assert len(months) >= 3
    links = page.js("return [...document.querySelectorAll('.subscribe a')]"
                    ".map(a => a.getAttribute('href'))")
    assert f"/{lang}/events.ics" in links
    assert any(link.startswith("webcal://") for link in links)
