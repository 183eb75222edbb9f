"""Who may do what on the desk: every role of the department that owns an item, and of
another department, against every action, on SQLite and PostgreSQL. Each attempt is a
direct POST (or GET) with a valid token of the official's own session, so only the
server's checks stand between them and the action."""
import re
from pathlib import Path

import pytest

from portal.desk.models import Draft
from portal.desk.publish import read_current
from portal.reports import service
from tests.desk_fixtures import (ACCOUNTS, RUMOUR, Official, desk_app,  # noqa: F401
                                 desk_content, new_draft)
from tests.reports_fixtures import Resident, code_of, database_url, postgres  # noqa: F401

OWNER = "emergency-office"
REVIEWERS = ("approver", "admin")


def setup_draft(app, state: str, slug: str) -> int:
    """A rumour correction of the emergency office by its editor, in ``state``."""
    author = Official(app, f"editor@{OWNER}.example")
    return new_draft(author, slug=slug, submit=state == "submitted")


def attempt(app, official, action):
    """Try ``action``; True if it was done."""
    root = Path(app.config["CONTENT_DIR"])
    if action in ("approve", "return", "emergency", "submit", "change-draft"):
        state = "draft" if action in ("submit", "change-draft") else "submitted"
        slug = f"case-{action}"
        number = setup_draft(app, state, slug)
        if action == "change-draft":
            official.send("/desk/compose", {**RUMOUR, "draft": str(number),
                                                       "f-title": "Changed by someone",
                                                       "action": "save"})
        else:
            official.send(f"/desk/drafts/{number}",
                                     {"action": action, "comment": "Please check the time."})
        with app.extensions["portal.db"].session() as session:
            draft = session.get(Draft, number)
            done = {"approve": "published", "emergency": "published", "return": "returned",
                    "submit": "submitted"}.get(action)
            if action == "change-draft":
                return draft.editor_id != draft.author_id
            published = (root / "en" / "disclosures" / f"{slug}.md").exists()
            assert (draft.state == "published") == published
            return draft.state == done
    if action == "edit-live":
        page = official.get("/desk/edit/en/disclosures/tap-water-rumour")
        base = re.search(r'name="base" value="([0-9a-f]+)"', page.get_data(as_text=True))
        digest = read_current(root / "en/disclosures/tap-water-rumour.md")[1]
        assert (base is not None) == (page.status_code == 200)
        # Without the form: the published file's digest, as a forger would compute it.
        response = official.send("/desk/compose", {
            **RUMOUR, "slug": "tap-water-rumour", "base": digest, "action": "save"})
        return response.status_code == 303
    if action == "status":
        official.send("/desk/status/en/school-shelter", {"to": "full"})
        return "status: full" in (root / "en/places/school-shelter.md").read_text()
    if action == "reports":
        code = code_of(Resident(app.test_client()).send(text=f"claim for {official.email}"))
        official.send("/desk/reports", {"code": code, "action": "not-rumour"})
        with app.extensions["portal.db"].session() as session:
            return service.find(session, code).status == "not-rumour"
    if action == "users":
        return official.get("/desk/users").status_code == 200
    raise AssertionError(action)


def expected(role: str, dept: str, action: str) -> bool:
    same = dept == OWNER
    if action in ("edit-live", "change-draft", "submit", "status"):
        return same
    if action in ("approve", "return", "emergency"):
        return same and role in REVIEWERS
    if action == "reports":
        return role in REVIEWERS
    if action == "users":
        return role == "admin"
    raise AssertionError(action)


ACTIONS = ("edit-live", "change-draft", "submit", "approve", "return", "emergency", "status",
           "reports", "users")


@pytest.mark.parametrize("email,dept,role", ACCOUNTS,
                         ids=[f"{role}-of-{dept}" for _, dept, role in ACCOUNTS])
def test_each_role_of_each_department_may_do_exactly_what_the_rules_say(
        desk_app, email, dept, role):
    official = Official(desk_app, email)
    assert official.get("/desk/").status_code == 200
    # Changing one's own draft is an editor's right: asked of everyone but its author.
    actions = [a for a in ACTIONS if not (email == f"editor@{OWNER}.example"
                                          and a == "change-draft")]
    done = {action: attempt(desk_app, official, action) for action in actions}
    assert done == {action: expected(role, dept, action) for action in actions}


@pytest.mark.parametrize("role", REVIEWERS)
def test_an_approver_cannot_approve_their_own_draft_nor_one_they_changed(desk_app, role):
    own = Official(desk_app, f"{role}@{OWNER}.example")
    number = new_draft(own, slug="own-draft")
    refused = own.send(f"/desk/drafts/{number}", {"action": "approve"})
    assert refused.status_code == 403
    assert not (Path(desk_app.config["CONTENT_DIR"]) / "en/disclosures/own-draft.md").exists()
    # An editor's draft the approver then changed: the approver is no longer a second pair of eyes.
    editor = Official(desk_app, f"editor@{OWNER}.example")
    number = new_draft(editor, slug="changed-draft", submit=False)
    assert own.send("/desk/compose", {**RUMOUR, "draft": str(number), "f-title": "Better title",
                                      "action": "submit"}).status_code == 303
    assert own.send(f"/desk/drafts/{number}", {"action": "approve"}).status_code == 403


def test_no_role_can_choose_a_file_name_outside_the_allowlist_or_a_path_outside_the_content(
        desk_app):
    official = Official(desk_app, f"admin@{OWNER}.example")
    for slug in ("../../etc/passwd", "Bridge", "a/b", "x.md", "-x", "", "a" * 101):
        response = official.send("/desk/compose", {**RUMOUR, "slug": slug, "action": "submit"})
        assert response.status_code == 400, slug
    for lang, kind in (("../en", "disclosures"), ("en", "../disclosures"), ("xx", "guides")):
        response = official.send("/desk/compose", {**RUMOUR, "lang": lang, "kind": kind,
                                                   "slug": "fine", "action": "submit"})
        assert response.status_code in (400, 404), (lang, kind)
    root = Path(desk_app.config["CONTENT_DIR"])
    assert not list(root.parent.glob("*.md")) and not list(root.glob("*/*.md"))
