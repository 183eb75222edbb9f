"""The write side under a real gunicorn with two workers: the rate limit holds across
workers, and with the database stopped every page keeps serving and the form explains."""
import http.client
import re
import time
from urllib.parse import urlencode

import pytest

from tests.gunicorn import Gunicorn, fetch
from tests.postgres import start_server

LIMIT = 3


class Browser:
    """One visitor's cookies over fresh connections (gunicorn spreads them over workers)."""

    def __init__(self, port: int):
        self.port, self.cookie = port, ""

    def request(self, method: str, path: str, body: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            cookie = response.getheader("Set-Cookie")
            if cookie:
                self.cookie = cookie.split(";", 1)[0]
            return response.status, response.read().decode()
        finally:
            connection.close()

    def open(self) -> dict:
        status, page = self.request("GET", "/en/report")
        assert status == 200
        tokens = {name: re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page)
                  or re.search(rf'type="hidden" name="{name}" value="([^"]*)"', page)
                  for name in ("csrf_token", "started")}
        return {name: found.group(1) for name, found in tokens.items()}

    def send(self, text: str, tokens: dict | None = None) -> tuple[int, str]:
        return self.request("POST", "/en/report", {
            "text": text, "place": "wechat", "seen": "today", **(tokens or self.open())})


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        yield None, f"sqlite:///{tmp_path}/reports.db"
        return
    server = start_server()
    try:
        yield server, server.create_database()
    finally:
        server.remove()


@pytest.fixture
def server(tmp_path, content_dir, database):
    postgres, url = database
    gunicorn = Gunicorn(tmp_path, content_dir, workers=2, env={
        "PORTAL_DATABASE_URL": url, "PORTAL_REPORTS_PER_ADDRESS": str(LIMIT),
        "PORTAL_REPORT_MIN_SECONDS": "0", "PORTAL_DATABASE_REFRESH": "0.5"})
    try:
        gunicorn.wait_ready(workers=2)
        yield gunicorn, postgres
    finally:
        gunicorn.stop()


def test_the_rate_limit_is_counted_across_workers(server):
    gunicorn, _ = server
    answers = [Browser(gunicorn.port).send(f"rumour {n}")[0] for n in range(2 * LIMIT + 1)]
    # Counted per worker, two workers would have taken twice the limit.
    assert answers.count(200) == LIMIT and answers.count(429) == LIMIT + 1, answers
    assert answers[:LIMIT] == [200] * LIMIT


# A SQLite file cannot be stopped: tests/test_reports_down.py makes one unreachable.
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_with_the_database_stopped_pages_keep_serving_and_the_form_explains(server):
    gunicorn, postgres = server
    code = re.search(r'class="report-code"><strong>([0-9A-Z-]+)</strong>',
                     Browser(gunicorn.port).send("before the outage")[1]).group(1)
    during = Browser(gunicorn.port)
    tokens = during.open()  # a resident opened the form just before the outage
    postgres.stop()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        answers = [fetch(gunicorn.port, "/en/report")[1].decode() for _ in range(4)]
        if all("cannot be taken online right now" in a for a in answers):
            break
        time.sleep(0.2)
    assert all("cannot be taken online right now" in a and "12345" in a for a in answers)
    for path in ("/en/", "/zh/", "/en/disclosures/tap-water-rumour", "/en/feeds/disclosures.atom",
                 "/en/search?q=water", "/en/rumours/checking", "/sitemap.xml", "/healthz"):
        for _ in range(4):  # both workers
            started = time.monotonic()
            status, _ = fetch(gunicorn.port, path)
            assert status == 200, path
            assert time.monotonic() - started < 2, path
    status, page = during.send("during the outage", tokens)
    assert status == 503 and "during the outage" in page  # kept for the resident to copy
    assert fetch(gunicorn.port, f"/en/report/{code}")[0] == 503
    postgres.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "cannot be taken" in fetch(
            gunicorn.port, "/en/report")[1].decode():
        time.sleep(0.2)
    assert "before the outage" in fetch(gunicorn.port, f"/en/report/{code}")[1].decode()
