"""With JavaScript off, the filters, the navigation, the language switch and search all work."""
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

from .helpers import LANGS


@pytest.fixture
def nojs(browser_without_js):
    return browser_without_js


def links_under(driver, landmark: str, prefix: str) -> set[str]:
    """Paths of the links in a landmark that start with ``prefix`` (query strings dropped)."""
    links = driver.find_elements(By.CSS_SELECTOR, f"{landmark} a[href]")
    paths = {urlsplit(a.get_attribute("href")).path for a in links}
    return {path for path in paths if path.startswith(prefix)}


def where(driver) -> tuple[str, dict]:
    url = urlsplit(driver.current_url)
    return url.path, parse_qs(url.query)


def follow(driver, element, *keys) -> None:
    """Click ``element`` (or type ``keys`` into it) and wait for the next page to load."""
    old = driver.find_element(By.TAG_NAME, "html")
    if keys:
        element.send_keys(*keys)
    else:
        element.click()
    # While the old document goes away, Chromium may answer with an inspector error
    # instead of "stale element"; either way, ask again until the old one is gone.
    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(staleness_of(old))


def submit(driver, form) -> None:
    follow(driver, form.find_element(By.CSS_SELECTOR,
                                     "button:not([type=button]), input[type=submit]"))


def test_javascript_really_is_off(nojs):
    # <noscript> content is parsed as markup only when scripting is disabled.
    nojs.get("data:text/html,<noscript><p id=off>off</p></noscript>")
    assert nojs.find_elements(By.ID, "off")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("section, field, value, expect", [
    ("guides", "kind", "mutual-rescue", "guides/flood-rescue"),
    ("guides", "hazard", "earthquake", "guides/earthquake-drop-cover"),
    ("disclosures", "type", "alert", "disclosures/cold-wave-alert"),
])
def test_filters_submit_and_narrow(nojs, live_server, lang, section, field, value, expect):
    nojs.get(live_server(f"/{lang}/{section}/"))
    items = f"/{lang}/{section}/"
    before = links_under(nojs, "main", items) - {items}
    select = nojs.find_element(By.CSS_SELECTOR, f"main select[name={field}]")
    Select(select).select_by_value(value)
    submit(nojs, select.find_element(By.XPATH, "ancestor::form"))

    path, query = where(nojs)
    assert path == items and query.get(field) == [value]
    after = links_under(nojs, "main", items) - {items}
    assert f"/{lang}/{expect}" in after
    assert after < before, f"filtering by {field}={value} did not narrow the list"
    chosen = nojs.find_element(By.CSS_SELECTOR, f"main select[name={field}]")
    assert Select(chosen).first_selected_option.get_attribute("value") == value


@pytest.mark.parametrize("path", ["/en/guides/flood-safety", "/en/guides/?kind=self-help",
                                  "/en/disclosures/cold-wave-alert"])
def test_language_switch(nojs, live_server, path):
    nojs.get(live_server(path))
    follow(nojs, nojs.find_element(By.CSS_SELECTOR, "header a[hreflang=zh]"))
    assert nojs.current_url == live_server(path.replace("/en/", "/zh/", 1))
    assert nojs.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh"
    follow(nojs, nojs.find_element(By.CSS_SELECTOR, "header a[hreflang=en]"))
    assert nojs.current_url == live_server(path)
    assert nojs.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("landmark", ["header nav:not(:has(a[hreflang]))", "footer nav"])
def test_navigation(nojs, live_server, lang, landmark):
    nojs.get(live_server(f"/{lang}/guides/flood-safety"))
    nojs.get_log("browser")
    hrefs = [a.get_attribute("href") for a in nojs.find_elements(By.CSS_SELECTOR, f"{landmark} a")]
    assert hrefs, f"no links in {landmark}"
    for href in hrefs:
        link = nojs.find_element(By.CSS_SELECTOR, f'{landmark} a[href="{urlsplit(href).path}"]')
        follow(nojs, link)
        assert nojs.current_url == href
        assert nojs.find_elements(By.CSS_SELECTOR, "main h1"), f"{href} has no heading"
        failed = [e["message"] for e in nojs.get_log("browser") if e["level"] == "SEVERE"]
        assert not failed, f"following {href}: {failed}"


@pytest.mark.parametrize("lang, query, expect", [
    ("en", "flood", "/en/guides/flood-safety"),
    ("zh", "洪水", "/zh/guides/flood-safety"),
])
def test_search_form(nojs, live_server, lang, query, expect):
    nojs.get(live_server(f"/{lang}/guides/"))
    boxes = nojs.find_elements(By.CSS_SELECTOR, "header input[type=search], header input[name=q]")
    assert boxes, "there is a search page but no search box in the header"
    follow(nojs, boxes[0], query, Keys.ENTER)  # implicit submission: no script involved
    path, params = where(nojs)
    assert path == f"/{lang}/search" and params.get("q") == [query]
    assert expect in links_under(nojs, "main", f"/{lang}/")
