"""At 360 × 800, what a resident needs first is on the first screen: the first alert in
force on the home page, and what to do now on an alert page; the status pages pass axe."""
import pytest

from .helpers import LANGS, format_violations

PHONE = (360, 800)


def top(page, selector: str) -> float:
    """Distance in CSS pixels from the top of the document to the element's top."""
    return page.js("const el = document.querySelector(arguments[0]);"
                   " return el && el.getBoundingClientRect().top + window.scrollY;", selector)


def open_phone(page, live_server, path: str) -> None:
    page.size(*PHONE)
    page.open(live_server(path))


@pytest.mark.parametrize("lang", LANGS)
def test_first_alert_in_force_within_600px_of_home_top(page, live_server, lang):
    open_phone(page, live_server, f"/{lang}/")
    first = top(page, ".alerts .card.state-in-force")
    assert first is not None, "no alert in force on the home page"
    print(f"home {lang}: first alert in force at {first:.0f}px")
    assert first <= 600
    assert page.js("return document.querySelectorAll('h1').length") == 1
    assert not page.axe(), format_violations(page.axe())


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", ["cold-wave-alert", "rain-warning-orange", "rain-warning-yellow"])
def test_alert_page_says_what_to_do_within_800px(page, live_server, lang, slug):
    open_phone(page, live_server, f"/{lang}/disclosures/{slug}")
    status, steps = top(page, ".status-box"), top(page, ".instructions")
    print(f"{slug} {lang}: status box at {status:.0f}px, instructions at {steps:.0f}px")
    assert status < steps <= 800
    violations = page.axe()
    assert not violations, format_violations(violations)


@pytest.mark.parametrize("width", [360, 1280])
def test_hotline_labels_start_in_one_column_whatever_the_number_length(page, bundled_server,
                                                                      width):
    page.size(width, 900)
    page.open(bundled_server("/en/hotlines"))
    lefts = page.js("return Array.from(document.querySelectorAll('main .hotlines .label'))"
                    ".map(el => Math.round(el.getBoundingClientRect().left))")
    numbers = page.js("return Array.from(document.querySelectorAll('main .hotlines .number'))"
                      ".map(el => el.textContent.trim().length)")
    assert len(set(numbers)) > 1, "numbers of different lengths to compare"
    columns = sorted(set(lefts))
    assert len(columns) <= (1 if width == 360 else 2), (lefts, numbers)
