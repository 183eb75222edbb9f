"""Fixtures of the desk: an app on each database with accounts of two departments, and
an official who signs in and fills the desk's forms as a browser would."""
from __future__ import annotations

import re

import pytest

from tests.conftest import write

PASSWORD = "a long enough passphrase"
BASE = "https://example.org"
PLACE = """---
title: Riverside school shelter
summary: A shelter in the school hall.
type: shelter
address: 1 School Road
area: riverside
location: [30.27, 120.12]
status: open          # open | full | closed | standby
status_updated: 2026-11-20T06:00:00+08:00
verified: 2026-11-01
---
Enter by the main gate.
"""
# (email, department, role): two departments, every role in each.
ACCOUNTS = [(f"{role}@{dept}.example", dept, role)
            for dept in ("emergency-office", "weather") for role in ("editor", "approver", "admin")]


@pytest.fixture
def desk_content(content_dir):
    write(content_dir / "en" / "places" / "school-shelter.md", PLACE)
    return content_dir


@pytest.fixture
def desk_app(make_app, desk_content, database_url):
    app = make_app(desk_content, DATABASE_URL=database_url, SECRET_KEY="test-secret",
                   REPORT_MIN_SECONDS=0)
    runner = app.test_cli_runner()
    for email, dept, role in ACCOUNTS:
        result = runner.invoke(args=["users", "add", email, "--issuer", dept, "--role", role,
                                     "--name", f"{role.title()} of {dept}", "--password-stdin"],
                               input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
    yield app
    app.extensions["portal.db"].dispose()


def tokens(html: str) -> list[str]:
    return re.findall(r'name="csrf_token" value="([^"]+)"', html)


class Official:
    """One browser on the desk: its own cookies, signing in through the form."""

    def __init__(self, app, email: str | None = None):
        self.app, self.client, self.email = app, app.test_client(), email
        if email:
            self.sign_in(email)

    def get(self, path: str, **kwargs):
        return self.client.get(path, base_url=BASE, **kwargs)

    def post(self, path: str, data: dict, **kwargs):
        return self.client.post(path, data=data, base_url=BASE, **kwargs)

    def token(self, page: str = "/desk/signin") -> str:
        found = tokens(self.get(page).get_data(as_text=True))
        assert found, f"no form on {page}"
        return found[-1]

    def sign_in(self, email: str, password: str = PASSWORD):
        return self.post("/desk/signin", {"email": email, "password": password,
                                          "csrf_token": self.token()})

    def send(self, path: str, data: dict, page: str | None = None):
        """POST ``data`` with a token from ``page`` (a desk page of this session)."""
        return self.post(path, {**data, "csrf_token": self.token(page or "/desk/audit")})

    def cookie(self) -> str | None:
        found = self.client.get_cookie("portal_desk", domain="example.org", path="/desk/")
        return found.value if found else None


RUMOUR = {
    "kind": "disclosures", "subtype": "rumour-correction", "lang": "en",
    "f-title": "The old bridge has not collapsed",
    "f-summary": "A message says the old bridge fell down: it did not.",
    "f-published": "2026-11-20T11:00:00+08:00", "f-hazards": "flood",
    "f-claim": "The old bridge collapsed, do not cross the river.", "f-verdict": "false",
    "f-appeared_in": "WeChat groups\nWeibo",
    "body": "Engineers inspected the bridge at 10:00. It is **safe** to cross.",
}


def draft_of(response) -> int:
    found = re.search(r"/desk/drafts/(\d+)$", response.headers.get("Location", ""))
    assert found, (response.status_code, response.get_data(as_text=True)[:3000])
    return int(found.group(1))


def new_draft(official: Official, slug: str = "bridge-rumour", submit: bool = True,
              **fields) -> int:
    data = {**RUMOUR, "slug": slug, **fields, "action": "submit" if submit else "save"}
    return draft_of(official.send("/desk/compose", data,
                                  page="/desk/new/disclosures?type=rumour-correction"))
