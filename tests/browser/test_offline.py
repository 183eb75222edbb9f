"""Readable when the network is gone: save for offline, lose the network (DevTools
network emulation), and read the guides, hotlines and places from the saved copies;
alerts show when their copy was taken; a change on the server replaces the copy.
Also: a short guide prints on one A4 page."""
from __future__ import annotations

import base64
import io
import json
import re
import shutil
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import websocket
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from portal import create_app, prepare
from tests.conftest import write

from .conftest import LiveServer, _chrome

BUNDLED = Path(__file__).parents[2] / "content"
NOTICE = "You are offline. This page was last updated at"


class Counting:
    """WSGI layer counting the requests that reach the server: offline, none may."""

    def __init__(self, app):
        self.app, self.paths, self.lock = app, [], threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.paths.append(environ.get("PATH_INFO", ""))
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("offline-live")
    content = tmp / "content"
    shutil.copytree(BUNDLED, content)
    app = prepare(create_app({
        "TESTING": True, "CONTENT_DIR": str(content), "BUILD_DIR": str(tmp / "build"),
        "INDEX_DIR": str(tmp / "index"), "RELOAD_INTERVAL": 0,
        "DATABASE_URL": f"sqlite:///{tmp}/portal.db",
    }))
    counting = app.wsgi_app = Counting(app.wsgi_app)
    live = LiveServer(app)
    live.counting, live.content = counting, content
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    browser = _chrome(tmp_path_factory, "chromium-offline")
    browser.set_page_load_timeout(60)
    yield browser
    browser.quit()


def conditions(online: bool) -> dict:
    return {"offline": not online, "latency": 0, "downloadThroughput": -1,
            "uploadThroughput": -1}


class WorkerSessions:
    """DevTools sessions on the service worker targets: a worker's own fetches are not cut
    by the page's network emulation, so each worker is taken offline on its own session
    (as the DevTools "Offline" switch does), through Chromium's debugging endpoint."""

    def __init__(self, driver):
        self.address = driver.capabilities["goog:chromeOptions"]["debuggerAddress"]
        self.sockets = {}
        self.calls = 0

    def targets(self) -> list[dict]:
        with urllib.request.urlopen(f"http://{self.address}/json/list", timeout=10) as answer:
            return [t for t in json.load(answer) if t.get("type") == "service_worker"]

    def send(self, sock, method: str, params: dict) -> dict:
        self.calls += 1
        sock.send(json.dumps({"id": self.calls, "method": method, "params": params}))
        while True:  # bounded by the socket's timeout
            message = json.loads(sock.recv())
            if message.get("id") == self.calls:
                assert "error" not in message, message
                return message.get("result", {})

    def set(self, online: bool) -> int:
        found = self.targets()
        for target in found:
            sock = self.sockets.get(target["id"])
            if sock is None:
                sock = self.sockets[target["id"]] = websocket.create_connection(
                    target["webSocketDebuggerUrl"], timeout=10, suppress_origin=True)
                self.send(sock, "Network.enable", {})
            self.send(sock, "Network.emulateNetworkConditions", conditions(online))
        if online:  # and detach: a session's emulation ends with it
            for target in found:
                self.send(self.sockets[target["id"]], "Network.disable", {})
            self.close()
        return len(found)

    def close(self) -> None:
        for sock in self.sockets.values():
            sock.close()
        self.sockets.clear()


def network(driver, online: bool, workers: WorkerSessions | None = None) -> None:
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", conditions(online))
    if workers is not None:
        assert workers.set(online) >= 1 or online, "no service worker to take offline"


def wait(driver, condition, timeout: float = 60, message: str = ""):
    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(
        lambda d: condition(d), message)


def text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def notice(driver):
    found = driver.find_elements(By.CSS_SELECTOR, ".offline-notice")
    return found[0] if found else None


def cached_text(driver, path: str) -> str | None:
    driver.set_script_timeout(30)
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "caches.match(arguments[0]).then(r => r ? r.text() : null).then(done, () => done(null));",
        path)


def cache_names(driver) -> list[str]:
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; caches.keys().then(done);")


def test_save_go_offline_read_and_see_the_copy_replaced_after_a_change(server, driver):
    library = server.app.extensions["portal.store"].library
    now = server.app.extensions["portal.store"].now()
    guide = library.section("en", "guides", now)[0]
    place = library.section("en", "places", now)[0]

    driver.get(server("/en/"))
    # The worker takes over the page, then the control appears with the download's size.
    wait(driver, lambda d: d.execute_script("return !!navigator.serviceWorker.controller"),
         message="the service worker never controlled the page")
    box = wait(driver, lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, ".offline-save")
                                       if b.is_displayed()), None),
               message="no save-for-offline control")
    button = box.find_element(By.TAG_NAME, "button")
    listed = server.app.test_client().get("/en/offline.json").get_json()
    assert f"{listed['pages']} pages" in button.text
    assert re.search(r"\d+(\.\d)? MB", button.text), button.text
    button.click()
    status = box.find_element(By.CSS_SELECTOR, ".offline-status")
    wait(driver, lambda d: "Saved on this device" in status.text, timeout=120,
         message="the pages were not saved")
    saved_at = time.time()

    workers = WorkerSessions(driver)
    network(driver, online=False, workers=workers)
    before = len(server.counting.paths)
    try:
        # The network really is gone for the page and for its worker.
        assert driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('/healthz', {cache: 'no-store'}).then(() => done('reached'), () => done('failed'));"
        ) == "failed"
        for path, heading in ((f"/en/guides/{guide.slug}", guide.title),
                              ("/en/hotlines", "Hotlines"),
                              (f"/en/places/{place.slug}", place.title)):
            driver.get(server(path))
            assert driver.find_element(By.TAG_NAME, "h1").text == heading, path
            assert notice(driver) is not None, f"{path}: a saved copy without the notice"
        driver.get(server("/en/disclosures/"))
        shown = notice(driver)
        assert shown is not None and NOTICE in shown.text
        assert "check the radio or call 12345" in shown.text
        stamp = shown.find_element(By.TAG_NAME, "time").get_attribute("datetime")
        copy_time = time.mktime(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
        assert abs(copy_time - saved_at) < 300, (stamp, saved_at)
        # The notice comes first: above any alert banner in the copy.
        assert driver.execute_script(
            "return document.body.firstElementChild.classList.contains('offline-notice')")
        # A page that was never saved says so, instead of the browser's error.
        driver.get(server("/en/search?q=flood"))
        assert "not saved" in text(driver) or "offline" in text(driver).lower()
        assert server.counting.paths[before:] == [], "requests reached the server while offline"
    finally:
        network(driver, online=True, workers=workers)

    # A guide changes on the server; back online, the saved copy is replaced.
    path = server.content / "en" / "guides" / f"{guide.slug}.md"
    original = path.read_text(encoding="utf-8")
    changed = re.sub(r"^title: .*$", "title: Offline copy replaced after a change", original,
                     count=1, flags=re.M)
    write(path, changed)
    try:
        server.app.extensions["portal.store"].reload()
        driver.get(server("/en/"))
        wait(driver, lambda d: "Offline copy replaced after a change"
             in (cached_text(d, f"/en/guides/{guide.slug}") or ""), timeout=120,
             message="the saved guide was not replaced")
        wait(driver, lambda d: len([n for n in cache_names(d) if "-pages-en-" in n]) == 1,
             timeout=60, message="the old cache was not removed")
        network(driver, online=False, workers=workers)
        before = len(server.counting.paths)
        try:
            driver.get(server(f"/en/guides/{guide.slug}"))
            assert driver.find_element(By.TAG_NAME, "h1").text == "Offline copy replaced after a change"
            assert notice(driver) is not None
            assert server.counting.paths[before:] == []
        finally:
            network(driver, online=True, workers=workers)
    finally:
        workers.close()
        write(path, original)
        server.app.extensions["portal.store"].reload()


SHORT_GUIDE = """---
title: Keep a torch by the bed
summary: A torch where you can reach it in the dark, for a power cut or an earthquake at night.
kind: prevention
hazards: [power-outage, earthquake]
updated: 2026-09-09
review_by: 2027-09-09
---

Keep a working torch and spare batteries where you can reach them from bed.

## Check it

- Switch it on once a month.
- Replace the batteries every year.
"""


def test_a_short_guide_prints_on_one_a4_page(server, driver):
    path = write(server.content / "en" / "guides" / "torch-by-the-bed.md", SHORT_GUIDE)
    server.app.extensions["portal.store"].reload()
    try:
        driver.get(server("/en/guides/torch-by-the-bed"))
        assert driver.find_element(By.TAG_NAME, "h1").text == "Keep a torch by the bed"
        printed = driver.execute_cdp_cmd("Page.printToPDF", {
            "paperWidth": 8.27, "paperHeight": 11.69, "printBackground": False,
            "preferCSSPageSize": True})
    finally:
        path.unlink()
        server.app.extensions["portal.store"].reload()
    reader = PdfReader(io.BytesIO(base64.b64decode(printed["data"])))
    assert len(reader.pages) == 1, [p.extract_text() for p in reader.pages]
    words = re.sub(r"\s+", "", reader.pages[0].extract_text())
    assert "Keepatorchbythebed" in words and "Replacethebatterieseveryyear" in words
    assert "Printedfrom" in words  # the print layout's address line
    assert "Downloadthehouseholdhandbook" not in words  # the link is for the screen
