"""A real server for the test content and headless Chromium (Debian's) to look at it.

Chromium and ChromeDriver come from Debian's ``chromium`` and ``chromium-driver``
packages (``make system-test-deps``); nothing is ever downloaded. Without them these
tests are skipped, except on CI, where that would hide a broken set-up.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from werkzeug.serving import WSGIRequestHandler, make_server

from portal import create_app, prepare
from tests.conftest import CONTENT, Clock

from .helpers import Page

BUNDLED = Path(__file__).resolve().parents[2] / "content"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

# Without these, Chromium phones home at start and on a closed network that is slow and noisy.
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--disable-quic", "--no-first-run",
    "--no-default-browser-check", "--mute-audio", "--force-color-profile=srgb",
    "--hide-scrollbars", "--window-size=1280,800",
]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    ours = [item for item in items if here in item.path.parents]
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if not (ours and missing):
        return
    reason = f"{' and '.join(missing)} not installed: run `make system-test-deps` as root"
    if os.environ.get("CI"):
        raise pytest.UsageError(reason)
    for item in ours:
        item.add_marker(pytest.mark.skip(reason=reason))


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


class LiveServer:
    """The app on 127.0.0.1 at a free port, served by werkzeug in a thread."""

    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True,
                                   request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        # Language links and feeds are absolute; they must lead back to this server.
        app.config["BASE_URL"] = self.url
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __call__(self, path: str) -> str:
        return self.url + path

    def has_route(self, rule: str) -> bool:
        return any(r.rule == rule for r in self.app.url_map.iter_rules())

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    # As make_app in tests/conftest.py, for the whole session.
    app = create_app({
        "TESTING": True,
        "CONTENT_DIR": str(CONTENT),
        "BUILD_DIR": str(tmp / "build"),
        "INDEX_DIR": str(tmp / "index"),
        "CLOCK": Clock(),
        "RELOAD_INTERVAL": 0,
        "DATABASE_URL": f"sqlite:///{tmp}/portal.db",
        "REPORT_MIN_SECONDS": 0,  # the browser fills the report form faster than a person
        "REPORTS_PER_ADDRESS": 1000,  # and every visit comes from 127.0.0.1
    })
    prepare(app)
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def bundled_server_at(tmp_path_factory):
    """``bundled_server_at(when)``: the bundled content (content/), as `make run` serves
    it, with the clock stopped at ``when`` (None: the real time); one server per time."""
    servers: dict[dt.datetime | None, LiveServer] = {}

    def serve(when: dt.datetime | None = None) -> LiveServer:
        if when not in servers:
            tmp = tmp_path_factory.mktemp("bundled-live")
            config = {"TESTING": True, "CONTENT_DIR": str(BUNDLED),
                      "BUILD_DIR": str(tmp / "build"), "INDEX_DIR": str(tmp / "index"),
                      "RELOAD_INTERVAL": 0}
            if when is not None:
                config["CLOCK"] = Clock(when)
            servers[when] = LiveServer(prepare(create_app(config)))
            servers[when].start()
        return servers[when]

    yield serve
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def bundled_server(bundled_server_at):
    """The bundled content at the real time."""
    return bundled_server_at()


def _chrome(tmp_path_factory, name: str, *, javascript: bool = True) -> webdriver.Chrome:
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not fetch anything
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp(name)}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_argument("--blink-settings=scriptEnabled=false")
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2})
    service = Service(executable_path=str(CHROMEDRIVER))
    return webdriver.Chrome(options=options, service=service)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    driver = _chrome(tmp_path_factory, "chromium")
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def browser_without_js(tmp_path_factory):
    driver = _chrome(tmp_path_factory, "chromium-nojs", javascript=False)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser):
    """The shared browser, back to screen media and with an empty console log."""
    page = Page(browser)
    page.reset()
    return page


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
