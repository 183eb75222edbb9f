"""Every main page, in every language, on a phone and on a desktop: zero axe-core
violations of the WCAG 2.0, 2.1 and 2.2 A and AA rules, a clean console, and a
screenshot for a person to look at."""
import pytest

from .helpers import LANGS, PAGES, WIDTHS, dump, format_violations, is_problem, open_target


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("target", PAGES, ids=lambda t: t.name)
def test_no_axe_violations(page, live_server, screenshots, target, lang, width):
    open_target(page, live_server, target, lang, width)
    page.screenshot(screenshots / f"{target.name}-{lang}-{width}.png")
    violations = page.axe()
    assert not violations, (
        f"{len(violations)} axe-core violation(s) on {target.url(lang)} at {width}px:\n"
        + format_violations(violations))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("target", PAGES, ids=lambda t: t.name)
def test_console_has_no_csp_violation_or_script_error(page, live_server, target, lang):
    url = open_target(page, live_server, target, lang, WIDTHS[0])
    problems = [e for e in page.console() if is_problem(e, url, target.status)]
    assert not problems, f"console on {target.url(lang)}:\n{dump(problems)}"
