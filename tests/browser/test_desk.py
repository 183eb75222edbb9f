"""The officials' desk in a real browser, on a live server with the content reload on:
an editor writes a rumour correction with a preview and submits it; an approver of the
same department approves it; the public page, search and the feeds show it within 2 s;
the audit trail lists both steps with the diff. And every desk page passes axe at
360 px and 1280 px in both languages."""
import json
import shutil
import time
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from portal import create_app, prepare
from tests.conftest import CONTENT, Clock, write
from tests.desk_fixtures import PASSWORD, PLACE

from .conftest import LiveServer
from .helpers import LANGS, format_violations

EDITOR, APPROVER = "editor@emergency-office.example", "approver@emergency-office.example"
ADMIN = "admin@emergency-office.example"
WIDTHS = (360, 1280)


@pytest.fixture(scope="module")
def desk_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("desk-live")
    content = tmp / "content"
    shutil.copytree(CONTENT, content)
    write(content / "en" / "places" / "school-shelter.md", PLACE)
    app = create_app({
        "TESTING": True, "CONTENT_DIR": str(content), "BUILD_DIR": str(tmp / "build"),
        "INDEX_DIR": str(tmp / "index"), "CLOCK": Clock(), "RELOAD_INTERVAL": 0.1,
        "RELOAD_SETTLE": 0.1, "DATABASE_URL": f"sqlite:///{tmp}/portal.db",
        "SECRET_KEY": "browser-test", "DESK_SIGNINS_PER_ADDRESS": 1000,
        "DESK_LOCKOUT_ATTEMPTS": 1000,
    })
    prepare(app)
    runner = app.test_cli_runner()
    for email, role in ((EDITOR, "editor"), (APPROVER, "approver"), (ADMIN, "admin")):
        result = runner.invoke(args=["users", "add", email, "--issuer", "emergency-office",
                                     "--role", role, "--name", role.title(), "--password-stdin"],
                               input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()
    app.extensions["portal.db"].dispose()


def find(page, css):
    return page.driver.find_element(By.CSS_SELECTOR, css)


def wait_for(page, css):
    WebDriverWait(page.driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, css))


def sign_in(page, server, email):
    page.driver.delete_all_cookies()
    page.open(server("/desk/signin"))
    find(page, "#email").send_keys(email)
    find(page, "#password").send_keys(PASSWORD)
    find(page, "form.desk-form button[type=submit]").click()
    wait_for(page, "nav.main-nav")


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_an_editor_writes_an_approver_publishes_and_everyone_sees_it_within_two_seconds(
        page, desk_server):
    page.size(1280, 800)
    sign_in(page, desk_server, EDITOR)
    page.open(desk_server("/desk/new/disclosures?type=rumour-correction"))
    values = {"#slug": "old-bridge-rumour", "#f-title": "The old bridge has not collapsed",
              "#f-summary": "A message says the old bridge fell down: it did not.",
              "#f-claim": "The old bridge collapsed, do not cross the river.",
              "#f-appeared_in": "WeChat groups", "#body": "Engineers inspected the bridge "
              "at 10:00. It is **safe** to cross."}
    published = find(page, "#f-published")
    published.clear()
    published.send_keys("2026-11-20T11:00:00+08:00")
    find(page, "#f-hazards").clear()
    find(page, "#f-hazards").send_keys("flood")
    for css, value in values.items():
        find(page, css).send_keys(value)
    find(page, "button[value=preview]").click()
    wait_for(page, ".desk-preview")
    preview = find(page, ".desk-preview").text
    assert "The old bridge has not collapsed" in preview and "safe" in preview
    assert page.js("return document.querySelector('.desk-preview strong').textContent") == "safe"
    find(page, "button[value=submit]").click()
    wait_for(page, ".desk-state-submitted")
    draft_url = page.driver.current_url
    public = desk_server("/en/disclosures/old-bridge-rumour")
    assert get(public)[0] == 404  # a draft lives on the desk until approved

    sign_in(page, desk_server, APPROVER)
    page.open(desk_server("/desk/review"))
    find(page, f"a[href='{draft_url.replace(desk_server.url, '')}']").click()
    wait_for(page, "button[value=approve]")
    find(page, "button[value=approve]").click()
    approved = time.monotonic()
    wait_for(page, ".desk-state-published")

    wanted = {
        public: "The old bridge has not collapsed",
        desk_server("/en/search?q=bridge"): "old-bridge-rumour",
        desk_server("/en/feeds/disclosures.atom"): "old-bridge-rumour",
        desk_server("/en/feeds/disclosures.rss"): "old-bridge-rumour",
        desk_server("/en/feeds/disclosures.json"): "old-bridge-rumour",
    }
    seen: dict[str, float] = {}
    while len(seen) < len(wanted) and time.monotonic() - approved < 10:
        for url, text in wanted.items():
            if url not in seen:
                status, body = get(url)
                if status == 200 and text in body:
                    seen[url] = time.monotonic() - approved
        time.sleep(0.1)
    print("seconds from approval until shown:", json.dumps(seen))
    late = {url: seen.get(url) for url in wanted if seen.get(url) is None or seen[url] > 2}
    assert not late, f"not shown within 2 s: {late}"

    page.open(desk_server("/desk/audit?item=en/disclosures/old-bridge-rumour.md"))
    trail = page.js("return document.querySelector('.desk-trail').textContent")
    for step in ("Submitted for review", "Approved", "Published", EDITOR, APPROVER,
                 "+title: The old bridge has not collapsed"):
        assert step in trail, step


def desk_pages(server):
    """(who, path) of every page of the desk, after the test above made a draft."""
    return [
        (None, "/desk/signin"),
        (ADMIN, "/desk/"),
        (ADMIN, "/desk/items/disclosures"),
        (ADMIN, "/desk/items/places"),
        (ADMIN, "/desk/new/disclosures?type=alert"),
        (ADMIN, "/desk/new/plans"),
        (ADMIN, "/desk/new/places"),
        (ADMIN, "/desk/new/guides"),
        (ADMIN, "/desk/edit/en/disclosures/tap-water-rumour"),
        (ADMIN, "/desk/translate/en/disclosures/tap-water-rumour?to=zh"),
        (ADMIN, "/desk/drafts/1"),
        (ADMIN, "/desk/review"),
        (ADMIN, "/desk/audit"),
        (ADMIN, "/desk/reports"),
        (ADMIN, "/desk/users"),
        (ADMIN, "/desk/two-step"),
        (ADMIN, "/desk/status/en/school-shelter?to=full"),
        (ADMIN, "/desk/nothing-here"),
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_every_desk_page_passes_axe_at_phone_and_desktop_width(page, desk_server, lang):
    problems = []
    signed = None
    for who, path in desk_pages(desk_server):
        if who != signed:
            if who:
                sign_in(page, desk_server, who)
            else:
                page.driver.delete_all_cookies()
            signed = who
        page.open(desk_server(path))
        if page.js("return document.documentElement.lang") != lang:
            find(page, f".desk-language button[value={lang}]").click()
            WebDriverWait(page.driver, 10).until(
                lambda d: d.execute_script("return document.documentElement.lang") == lang)
            page.open(desk_server(path))
        for width in WIDTHS:
            page.size(width, 800)
            violations = page.axe()
            if violations:
                problems.append(f"{path} at {width}px ({lang}):\n" + format_violations(violations))
            if width == 360:
                overflow = page.js("return document.documentElement.scrollWidth"
                                   " - document.documentElement.clientWidth")
                if overflow > 0:
                    problems.append(f"{path} at 360px ({lang}): {overflow}px too wide")
    # The compose form with its errors, too.
    page.open(desk_server("/desk/new/disclosures?type=rumour-correction"))
    find(page, "#slug").send_keys("Not A Slug")
    find(page, "button[value=submit]").click()
    wait_for(page, ".error-summary")
    for width in WIDTHS:
        page.size(width, 800)
        violations = page.axe()
        if violations:
            problems.append(f"compose errors at {width}px ({lang}):\n"
                            + format_violations(violations))
    assert not problems, "\n\n".join(problems)
