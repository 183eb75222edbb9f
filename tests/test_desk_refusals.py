"""Every desk page that loads a published file or a draft checks, on the server, that the
signed-in official may act on it: another department's official is refused (and nothing
changes), an address naming nothing is a 404, and a POST without its token does nothing.
The rules themselves (access.py) are all tried in test_desk_access.py."""
from pathlib import Path

import pytest

from portal.desk.models import Draft
from tests.desk_fixtures import Official, desk_app, desk_content, new_draft  # noqa: F401

OWNER, OTHER = "emergency-office", "weather"
SHELTER = "en/places/school-shelter.md"


@pytest.fixture
def database_url(tmp_path):
    # Only the views' checks are tried here: one database is enough.
    return f"sqlite:///{tmp_path}/desk.db"


def content(app) -> Path:
    return Path(app.config["CONTENT_DIR"])


def state_of(app, number: int) -> str:
    with app.extensions["portal.db"].session() as session:
        return session.get(Draft, number).state


def text(response) -> str:
    return response.get_data(as_text=True)


LIVE_PAGES = ["/desk/edit/en/disclosures/tap-water-rumour",
              "/desk/translate/en/disclosures/tap-water-rumour?to=zh",
              "/desk/status/en/school-shelter?to=full"]


@pytest.mark.parametrize("path", LIVE_PAGES)
def test_a_published_item_opens_for_its_department_only(desk_app, path):
    assert Official(desk_app, f"editor@{OWNER}.example").get(path).status_code == 200
    for role in ("editor", "approver", "admin"):
        refused = Official(desk_app, f"{role}@{OTHER}.example").get(path)
        assert refused.status_code == 403, role
        assert "belongs to another department" in text(refused)
        assert 'name="csrf_token"' in text(refused)  # the desk's own page, not a bare error


@pytest.mark.parametrize("path", ["/desk/edit/en/disclosures/no-such-item",
                                  "/desk/translate/en/disclosures/no-such-item?to=zh",
                                  "/desk/status/en/no-such-place?to=full",
                                  "/desk/edit/en/disclosures/..%2F..%2Fsite"])
def test_a_published_item_that_is_not_there_is_a_404(desk_app, path):
    assert Official(desk_app, f"editor@{OWNER}.example").get(path).status_code == 404


def test_another_departments_official_cannot_change_a_places_status(desk_app):
    before = (content(desk_app) / SHELTER).read_text()
    other = Official(desk_app, f"admin@{OTHER}.example")
    response = other.send("/desk/status/en/school-shelter", {"to": "closed"})
    assert response.status_code == 403
    assert (content(desk_app) / SHELTER).read_text() == before
    owner = Official(desk_app, f"editor@{OWNER}.example")
    assert owner.send("/desk/status/en/school-shelter", {"to": "closed"}).status_code == 303
    assert "status: closed" in (content(desk_app) / SHELTER).read_text()


def test_a_draft_opens_and_acts_for_its_department_only(desk_app):
    number = new_draft(Official(desk_app, f"editor@{OWNER}.example"), slug="bridge")
    owner = Official(desk_app, f"approver@{OWNER}.example")
    assert owner.get(f"/desk/drafts/{number}").status_code == 200
    other = Official(desk_app, f"admin@{OTHER}.example")
    for path in (f"/desk/drafts/{number}", f"/desk/drafts/{number}/edit"):
        refused = other.get(path)
        assert refused.status_code == 403, path
        assert "This draft belongs to another department." in text(refused)
    for action in ("approve", "emergency", "return", "submit"):
        assert other.send(f"/desk/drafts/{number}", {"action": action,
                                                     "comment": "No."}).status_code == 403
    assert state_of(desk_app, number) == "submitted"
    assert not (content(desk_app) / "en/disclosures/bridge.md").exists()


def test_an_editor_cannot_approve_even_in_their_own_department(desk_app):
    number = new_draft(Official(desk_app, f"editor@{OWNER}.example"), slug="bridge")
    editor = Official(desk_app, f"editor@{OWNER}.example")
    for action in ("approve", "emergency", "return"):
        assert editor.send(f"/desk/drafts/{number}", {"action": action}).status_code == 403
    assert state_of(desk_app, number) == "submitted"
    approver = Official(desk_app, f"approver@{OWNER}.example")
    assert approver.send(f"/desk/drafts/{number}", {"action": "approve"}).status_code == 303
    assert state_of(desk_app, number) == "published"
    assert (content(desk_app) / "en/disclosures/bridge.md").exists()


def test_a_draft_that_is_not_there_is_a_404(desk_app):
    official = Official(desk_app, f"admin@{OWNER}.example")
    assert official.get("/desk/drafts/999").status_code == 404
    assert official.get("/desk/drafts/999/edit").status_code == 404
    assert official.send("/desk/drafts/999", {"action": "approve"}).status_code == 404


def test_draft_actions_and_status_changes_need_the_sessions_token(desk_app):
    number = new_draft(Official(desk_app, f"editor@{OWNER}.example"), slug="bridge")
    approver = Official(desk_app, f"approver@{OWNER}.example")
    foreign = Official(desk_app, f"approver@{OWNER}.example").token("/desk/audit")
    before = (content(desk_app) / SHELTER).read_text()
    for token in (None, "forged", foreign):
        extra = {} if token is None else {"csrf_token": token}
        assert approver.post(f"/desk/drafts/{number}",
                             {"action": "approve", **extra}).status_code == 400
        assert approver.post("/desk/status/en/school-shelter",
                             {"to": "closed", **extra}).status_code == 400
    assert state_of(desk_app, number) == "submitted"
    assert (content(desk_app) / SHELTER).read_text() == before
    assert approver.send(f"/desk/drafts/{number}", {"action": "approve"}).status_code == 303
