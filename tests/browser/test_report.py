"""The report form at 360 px in both languages: empty, with its errors, sent, and its
status page, each with no axe violations; errors are announced and tied to their fields."""
import re

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from .helpers import LANGS, format_violations

PHONE = (360, 800)


def check_page(page, name: str) -> None:
    violations = page.axe()
    assert not violations, f"{name}:\n" + format_violations(violations)
    overflow = page.js("return document.documentElement.scrollWidth"
                       " - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: {overflow}px wider than the phone"


def open_form(page, live_server, lang: str) -> None:
    page.size(*PHONE)
    assert page.open(live_server(f"/{lang}/report")) == 200
    assert page.js("return document.documentElement.lang") == lang


@pytest.mark.parametrize("lang", LANGS)
def test_the_form_its_errors_and_the_status_page_at_360px(page, live_server, lang, screenshots):
    open_form(page, live_server, lang)
    assert page.js("return document.querySelector('form.report-form') !== null")
    assert page.js("return document.querySelector('label[for=text]').textContent.trim()")
    check_page(page, f"form {lang}")

    page.js("document.getElementById('link').value = 'javascript:alert(1)'")
    page.driver.find_element("css selector", "form.report-form button[type=submit]").click()
    WebDriverWait(page.driver, 10).until(
        lambda driver: driver.find_elements("css selector", ".error-summary"))
    assert page.js("return performance.getEntriesByType('navigation')[0].responseStatus") == 400
    summary = page.js("return document.querySelector('.error-summary[role=alert]').innerText")
    assert summary
    for field in ("text", "link"):
        described = page.js(f"return document.getElementById('{field}')"
                            f".getAttribute('aria-describedby')")
        assert f"{field}-error" in described.split()
        assert page.js(f"return document.getElementById('{field}')"
                       f".getAttribute('aria-invalid')") == "true"
    page.screenshot(screenshots / f"report-errors-{lang}-360.png")
    check_page(page, f"form with errors {lang}")

    page.js("document.getElementById('link').value = ''")
    page.driver.find_element("id", "text").send_keys("The bridge on River Road has collapsed")
    page.driver.find_element("css selector", "form.report-form button[type=submit]").click()
    WebDriverWait(page.driver, 10).until(
        lambda driver: driver.find_elements("css selector", ".report-code"))
    body = page.js("return document.body.innerText")
    code = re.search(r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}", body).group(0)
    page.screenshot(screenshots / f"report-receipt-{lang}-360.png")
    check_page(page, f"receipt {lang}")

    assert page.open(live_server(f"/{lang}/report/{code}")) == 200
    assert "The bridge on River Road has collapsed" in page.js("return document.body.innerText")
    page.screenshot(screenshots / f"report-status-{lang}-360.png")
    check_page(page, f"status {lang}")


@pytest.mark.parametrize("lang", LANGS)
def test_the_board_at_360px(page, live_server, lang):
    page.size(*PHONE)
    assert page.open(live_server(f"/{lang}/rumours/checking")) == 200
    check_page(page, f"board {lang}")


def test_the_form_works_without_javascript(browser_without_js, live_server):
    from .helpers import Page
    page = Page(browser_without_js)
    page.size(*PHONE)
    page.driver.get(live_server("/en/report"))
    page.driver.find_element("id", "text").send_keys("Sent without JavaScript")
    page.driver.find_element("css selector", "form.report-form button[type=submit]").click()
    WebDriverWait(page.driver, 10).until(
        lambda driver: driver.find_elements("css selector", ".report-code, .error-summary"))
    main = page.driver.find_element("css selector", "main").text
    assert "your report is received" in main, main
