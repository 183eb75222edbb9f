"""Where to go, in a real browser: the directory, a place page and the print sheet at
phone and desktop widths in both languages, with nothing axe-core can find wrong."""
from __future__ import annotations

import base64
import datetime as dt
import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.support.ui import Select

from .helpers import LANGS, WIDTHS, Page, dump, format_violations, is_problem

# During the bundled cold wave warning (21 to 25 November): places show their age.
DURING_COLD_WAVE = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PAGES = {
    "directory": "/{lang}/places/",
    "nearest": "/{lang}/places/?near=wharf",
    "place": "/{lang}/places/riverside-middle-school-shelter",
    "print": "/{lang}/places/print?area=old-town",
}


@pytest.fixture(scope="module")
def bundled_server(bundled_server_at):
    """Here, the bundled content during the cold wave warning."""
    return bundled_server_at(DURING_COLD_WAVE)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PAGES)
def test_places_pages_have_no_axe_violations_and_fit_the_screen(page, bundled_server, screenshots,
                                                               name, lang, width):
    url = bundled_server(PAGES[name].format(lang=lang))
    page.size(width)
    assert page.open(url) == 200
    assert page.js("return document.documentElement.lang") == lang
    violations = page.axe()
    page.screenshot(screenshots / f"places-{name}-{lang}-{width}.png")
    assert not violations, format_violations(violations)
    problems = [e for e in page.console() if is_problem(e, url)]
    assert not problems, dump(problems)
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.js("return document.documentElement.scrollWidth") <= width
    # The map is drawn, with a marker for every place listed.
    markers = page.js("return document.querySelectorAll('svg.places-map g.marker').length")
    listed = page.js("return document.querySelectorAll("
                     "'.places-list > li, .sheet-list > li').length")
    if name == "place":
        assert markers == 1
    else:
        assert markers == listed > 0


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("area", ["old-town", ""])  # an area, and the whole district
def test_the_print_sheet_is_one_a4_page_with_the_map_and_the_list(page, bundled_server,
                                                                  screenshots, lang, area):
    page.size(WIDTHS[-1])
    assert page.open(bundled_server(f"/{lang}/places/print?area={area}")) == 200
    page.media("print")
    visible = page.js("""return ['svg.places-map', '.sheet-list', 'h1'].map(
        s => document.querySelector(s).checkVisibility())""")
    assert visible == [True, True, True]
    assert page.js("return document.querySelector('.site-header').checkVisibility()") is False
    a4 = PrintOptions()
    a4.page_width, a4.page_height = 21.0, 29.7  # centimetres
    pdf = base64.b64decode(page.driver.print_page(a4))
    (screenshots / f"places-print-{area or 'district'}-{lang}.pdf").write_bytes(pdf)
    assert _page_count(pdf) == 1, "the sheet does not fit one A4 page"


def _page_count(pdf: bytes) -> int:
    """The page count in the PDF's page tree."""
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
    assert counts, "no page tree found in the PDF"
    return max(counts)


def test_use_my_location_sorts_in_the_browser_and_sends_nothing(page, bundled_server):
    """With a position the browser gives (set here through DevTools), the list is sorted
    nearest first, open places first, and no request carries the position."""
    driver = page.driver
    page.size(WIDTHS[0])
    url = bundled_server("/en/places/")
    origin = bundled_server.url
    driver.execute_cdp_cmd("Browser.grantPermissions",
                           {"origin": origin, "permissions": ["geolocation"]})
    # Next to North Hill Gymnasium.
    driver.execute_cdp_cmd("Emulation.setGeolocationOverride",
                           {"latitude": 30.2712, "longitude": 120.1235, "accuracy": 10})
    try:
        assert page.open(url) == 200
        button = driver.find_element("css selector", ".use-location")
        assert button.is_displayed()
        requests_before = page.js("return performance.getEntriesByType('resource').length")
        button.click()
        for _ in range(50):  # bounded wait for the browser's answer
            if page.js("return document.getElementById('location-status').textContent"):
                break
            time.sleep(0.1)
        first = page.js("return document.querySelector('#places-list > li h2 a').textContent")
        assert first == "North Hill Gymnasium shelter"
        assert page.js("return performance.getEntriesByType('resource').length") \
            == requests_before
        assert page.js("return location.search") == ""
        opened = page.js("""return [...document.querySelectorAll('#places-list > li')]
            .map(li => li.classList.contains('status-open'))""")
        assert opened == sorted(opened, reverse=True)
    finally:
        driver.execute_cdp_cmd("Emulation.clearGeolocationOverride", {})


def test_nearest_works_without_javascript(browser_without_js, bundled_server):
    driver = browser_without_js
    page = Page(driver)
    page.size(WIDTHS[0])
    assert page.open(bundled_server("/zh/places/")) == 200
    assert not driver.find_element(By.CSS_SELECTOR, ".use-location").is_displayed()
    Select(driver.find_element(By.ID, "near-area")).select_by_value("north-hill")
    driver.find_element(By.CSS_SELECTOR, ".nearest button[type=submit]").click()
    assert driver.current_url.endswith("/zh/places/?near=north-hill")
    first = driver.find_element(By.CSS_SELECTOR, "#places-list > li h2 a").text
    # Next to the middle of North Hill, and open.
    assert first == "北山体育馆避难场所"
