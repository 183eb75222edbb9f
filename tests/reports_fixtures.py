"""Fixtures of the write side: a database of each kind, an app on it, and a client
that fills the report form as a person would (the CSRF token and start time from the
page it was given)."""
from __future__ import annotations

import re

import pytest

from tests.postgres import start_server


@pytest.fixture(scope="session")
def postgres():
    server = start_server()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/reports.db"
    return request.getfixturevalue("postgres").create_database()


@pytest.fixture
def reports_app(make_app, database_url):
    app = make_app(DATABASE_URL=database_url, REPORT_MIN_SECONDS=0, SECRET_KEY="test-secret")
    yield app
    app.extensions["portal.db"].dispose()


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html) \
        or re.search(rf'type="hidden" name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden {name} in the form"
    return found.group(1)


class Resident:
    """A visitor with one browser's cookies: opens the form, fills it, sends it."""

    def __init__(self, client, lang: str = "en", address: str = "203.0.113.7"):
        self.client, self.lang, self.address = client, lang, address

    def open(self) -> dict:
        page = self.client.get(f"/{self.lang}/report")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        return {"csrf_token": hidden(html, "csrf_token"), "started": hidden(html, "started")}

    def send(self, tokens: dict | None = None, **fields):
        data = {"text": "The tap water is poisoned, do not drink it", "place": "wechat",
                "seen": "today", "link": "", "contact": "", **(tokens or self.open()), **fields}
        data = {k: v for k, v in data.items() if v is not None}
        return self.client.post(f"/{self.lang}/report", data=data,
                                environ_base={"REMOTE_ADDR": self.address})


def code_of(response) -> str:
    found = re.search(r'class="report-code"><strong>([0-9A-Z-]+)</strong>',
                      response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)[:2000]
    return found.group(1)


def stored(app) -> int:
    from sqlalchemy import func, select

    from portal.reports.models import Report
    with app.extensions["portal.db"].session() as session:
        return session.scalar(select(func.count()).select_from(Report))
