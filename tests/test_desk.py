"""The officials' desk on SQLite and PostgreSQL: sign-in (sessions, CSRF, lockout, TOTP,
idle timeout), composing with the same checks as ``portal check``, review and
publication (atomic, scheduled, in an emergency, as a git commit), place status in two
clicks, translations, and the append-only audit trail with its diffs."""
import datetime as dt
import html
import re
import subprocess
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import text

from portal import atomic
from portal.desk.models import User
from tests.desk_fixtures import (BASE, PASSWORD, RUMOUR, Official, desk_app,  # noqa: F401
                                 desk_content, draft_of, new_draft, tokens)
from tests.reports_fixtures import database_url, postgres  # noqa: F401

EDITOR, APPROVER = "editor@emergency-office.example", "approver@emergency-office.example"
ADMIN = "admin@emergency-office.example"


def page(response) -> str:
    return response.get_data(as_text=True)


def content(app) -> Path:
    return Path(app.config["CONTENT_DIR"])


def test_every_desk_page_is_no_store_and_never_kept_by_the_page_cache(desk_app):
    official = Official(desk_app, EDITOR)
    cache = desk_app.extensions["portal.pagecache"]
    before = len(cache)
    for path in ("/desk/signin", "/desk/", "/desk/items/disclosures", "/desk/review",
                 "/desk/audit", "/desk/reports", "/desk/new/guides",
                 "/desk/new/disclosures?type=alert", "/desk/edit/en/disclosures/tap-water-rumour",
                 "/desk/nowhere"):
        for _ in range(2):
            response = official.get(path)
            assert response.headers["Cache-Control"] == "no-store", path
    assert len(cache) == before
    # The public pages are still cached as before, and set no cookie.
    public = official.client.get("/en/", base_url=BASE)
    assert public.status_code == 200 and "Set-Cookie" not in public.headers
    assert len(cache) == before + 1


def test_the_session_cookie_is_secure_httponly_strict_and_only_on_desk_pages(desk_app):
    official = Official(desk_app)
    cookie = official.get("/desk/signin").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Path=/desk/" in cookie


def test_a_session_fixed_before_sign_in_is_never_the_one_signed_in(desk_app):
    victim = Official(desk_app)
    # A value the attacker chose: never adopted.
    victim.client.set_cookie("portal_desk", "chosen-by-the-attacker", domain="example.org",
                             path="/desk/")
    victim.get("/desk/signin")
    assert victim.cookie() != "chosen-by-the-attacker"
    # A real anonymous session the attacker obtained and planted: replaced at sign-in.
    attacker = Official(desk_app)
    attacker.get("/desk/signin")
    planted = attacker.cookie()
    victim.client.set_cookie("portal_desk", planted, domain="example.org", path="/desk/")
    assert victim.sign_in(EDITOR).status_code == 303
    assert victim.cookie() != planted
    assert victim.get("/desk/").status_code == 200
    home = attacker.get("/desk/")
    assert home.status_code == 302 and "/desk/signin" in home.headers["Location"]


def test_posts_without_a_token_with_a_replayed_one_or_another_sessions_are_refused(desk_app):
    editor = Official(desk_app, EDITOR)
    data = {**RUMOUR, "slug": "no-token", "action": "save"}
    assert editor.post("/desk/compose", data).status_code == 400
    token = editor.token("/desk/new/disclosures?type=rumour-correction")
    assert editor.post("/desk/compose", {**data, "csrf_token": token}).status_code == 303
    replayed = editor.post("/desk/compose", {**data, "slug": "replayed", "csrf_token": token})
    assert replayed.status_code == 400 and "already sent" in page(replayed)
    other = Official(desk_app, EDITOR)
    foreign = other.token("/desk/audit")
    assert editor.post("/desk/compose", {**data, "slug": "foreign",
                                         "csrf_token": foreign}).status_code == 400
    # A token from before sign-in does not work after it (the session was rotated).
    fresh = Official(desk_app)
    early = fresh.token("/desk/signin")
    fresh.sign_in(EDITOR)
    assert fresh.post("/desk/compose", {**data, "slug": "early",
                                        "csrf_token": early}).status_code == 400
    names = {p.name for p in (content(desk_app) / "en" / "disclosures").iterdir()}
    assert not names & {"no-token.md", "replayed.md", "foreign.md", "early.md"}


def test_wrong_passwords_lock_the_account_with_a_clear_message_until_the_time_passes(
        desk_app, clock):
    official = Official(desk_app)
    for _ in range(4):
        wrong = official.sign_in(EDITOR, "not the password at all")
        assert wrong.status_code == 401 and "not right" in page(wrong)
    locked = official.sign_in(EDITOR, "not the password at all")
    assert locked.status_code == 429 and "locked" in page(locked)
    # Even the right password now waits, and says until when.
    right = official.sign_in(EDITOR)
    assert right.status_code == 429 and "paused until" in page(right)
    clock.now += dt.timedelta(minutes=16)
    assert official.sign_in(EDITOR).status_code == 303
    assert official.get("/desk/").status_code == 200
    result = desk_app.test_cli_runner().invoke(args=["audit", "--no-diff"])
    assert result.output.count("sign-in-refused") == 6


def test_sign_ins_from_one_address_are_limited(make_app, desk_content, database_url):
    app = make_app(desk_content, DATABASE_URL=database_url, SECRET_KEY="s",
                   DESK_SIGNINS_PER_ADDRESS=3)
    official = Official(app)
    statuses = [official.sign_in(f"nobody{n}@example.org", "whatever it is").status_code
                for n in range(5)]
    assert statuses[:3] == [401] * 3 and statuses[3:] == [429, 429]
    app.extensions["portal.db"].dispose()


def test_totp_second_factor_is_asked_checked_and_good_once(desk_app, clock):
    secret = pyotp.random_base32()
    with desk_app.extensions["portal.db"].session() as session:
        user = session.query(User).filter_by(email=APPROVER).one()
        user.totp_secret = secret
    official = Official(desk_app)
    step = official.sign_in(APPROVER)
    assert step.headers["Location"].endswith("/desk/signin/code")
    assert official.get("/desk/").status_code == 302  # not signed in yet
    code_page = "/desk/signin/code"
    wrong = official.post(code_page, {"code": "000000", "csrf_token": official.token(code_page)})
    assert wrong.status_code == 401
    code = pyotp.TOTP(secret).at(clock.now)
    done = official.post(code_page, {"code": code, "csrf_token": official.token(code_page)})
    assert done.status_code == 303 and official.get("/desk/").status_code == 200
    again = Official(desk_app)
    again.sign_in(APPROVER)
    reused = again.post(code_page, {"code": code, "csrf_token": again.token(code_page)})
    assert reused.status_code == 401 and again.get("/desk/").status_code == 302


def test_an_admin_can_require_two_step_sign_in_and_the_account_must_set_it_up(desk_app, clock):
    admin = Official(desk_app, ADMIN)
    with desk_app.extensions["portal.db"].session() as session:
        number = session.query(User).filter_by(email=EDITOR).one().id
    assert admin.send("/desk/users", {"user": str(number), "action": "require-two-step"},
                      page="/desk/users").status_code == 303
    editor = Official(desk_app, EDITOR)
    home = editor.get("/desk/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/desk/two-step")
    setup = page(editor.get("/desk/two-step"))
    secret = re.search(r'name="secret" value="([A-Z2-7]+)"', setup).group(1)
    done = editor.post("/desk/two-step", {"secret": secret, "csrf_token": tokens(setup)[-1],
                                          "code": pyotp.TOTP(secret).at(clock.now)})
    assert done.status_code == 303 and editor.get("/desk/").status_code == 200
    # The accounts page is for admins only: an approver is refused it.
    assert Official(desk_app, APPROVER).get("/desk/users").status_code == 403


def test_a_session_ends_after_the_idle_time(desk_app, clock):
    official = Official(desk_app, EDITOR)
    clock.now += dt.timedelta(minutes=29)
    assert official.get("/desk/").status_code == 200
    clock.now += dt.timedelta(minutes=31)
    ended = official.get("/desk/")
    assert ended.status_code == 302 and "expired=1" in ended.headers["Location"]
    assert "not used for a while" in page(official.get(ended.headers["Location"]))


def test_errors_of_the_content_checks_show_next_to_their_field(desk_app):
    editor = Official(desk_app, EDITOR)
    response = editor.send("/desk/compose", {**RUMOUR, "slug": "bad-one",
                                             "f-published": "tomorrow morning",
                                             "f-hazards": "meteor", "action": "submit"},
                           page="/desk/new/disclosures?type=rumour-correction")
    shown = page(response)
    assert response.status_code == 400
    published = shown[shown.index('for="f-published"'):shown.index('id="f-published"')]
    assert "is not a date-time" in published
    hazards = shown[shown.index('for="f-hazards"'):shown.index('id="f-hazards"')]
    assert "unknown hazard" in hazards and "meteor" in hazards
    assert not (content(desk_app) / "en/disclosures/bad-one.md").exists()


def test_preview_renders_on_the_server_and_escapes_what_the_renderer_escapes(desk_app):
    editor = Official(desk_app, EDITOR)
    response = editor.send("/desk/compose", {
        **RUMOUR, "slug": "previewed", "action": "preview",
        "body": "It is **safe**.\n\n<script>alert(1)</script>"},
        page="/desk/new/disclosures?type=rumour-correction")
    shown = page(response)
    preview = shown[shown.index('id="preview-title"'):]
    assert "<strong>safe</strong>" in preview and "<script>" not in preview
    assert not (content(desk_app) / "en/disclosures/previewed.md").exists()


def test_approval_writes_the_file_and_the_audit_has_both_steps_with_the_diff(desk_app):
    number = new_draft(Official(desk_app, EDITOR), slug="bridge-rumour")
    path = content(desk_app) / "en/disclosures/bridge-rumour.md"
    assert not path.exists()  # a draft lives in the database
    approver = Official(desk_app, APPROVER)
    assert approver.send(f"/desk/drafts/{number}", {"action": "approve"},
                         page=f"/desk/drafts/{number}").status_code == 303
    written = path.read_text()
    assert "claim: The old bridge collapsed, do not cross the river.\n" in written
    assert "draft" not in written
    # What the desk wrote is read by the site like any file.
    desk_app.extensions["portal.store"].reload()
    public = desk_app.test_client().get("/en/disclosures/bridge-rumour", base_url=BASE)
    assert public.status_code == 200 and "The old bridge has not collapsed" in page(public)
    result = desk_app.test_cli_runner().invoke(
        args=["audit", "--item", "en/disclosures/bridge-rumour.md"])
    lines = result.output.splitlines()
    actions = [line.split("  ")[2] for line in lines if "UTC  " in line]
    assert actions == ["publish", "approve", "submit", "draft"]
    assert "+title: The old bridge has not collapsed" in result.output
    assert APPROVER in result.output and EDITOR in result.output
    trail = page(approver.get("/desk/audit?item=en/disclosures/bridge-rumour.md"))
    assert "Approved" in trail and "Submitted for review" in trail and "+verdict: false" in trail


def test_a_returned_draft_carries_the_comment_back_to_its_author(desk_app):
    editor = Official(desk_app, EDITOR)
    number = new_draft(editor, slug="returned-one")
    approver = Official(desk_app, APPROVER)
    assert approver.send(f"/desk/drafts/{number}", {"action": "return",
                                                    "comment": "Give the inspection time."},
                         page=f"/desk/drafts/{number}").status_code == 303
    shown = page(editor.get(f"/desk/drafts/{number}"))
    assert "Returned for changes" in shown and "Give the inspection time." in shown
    assert not (content(desk_app) / "en/disclosures/returned-one.md").exists()


def test_an_approver_may_publish_a_rumour_correction_alone_and_it_is_shown_as_such(desk_app):
    approver = Official(desk_app, APPROVER)
    number = new_draft(approver, slug="urgent-rumour")
    assert approver.send(f"/desk/drafts/{number}", {"action": "emergency"},
                         page=f"/desk/drafts/{number}").status_code == 303
    assert (content(desk_app) / "en/disclosures/urgent-rumour.md").exists()
    assert "Published alone in an emergency" in page(approver.get(f"/desk/drafts/{number}"))
    result = desk_app.test_cli_runner().invoke(args=["audit", "--no-diff"])
    assert "published alone in an emergency" in result.output
    # Not an announcement: that always needs a second person.
    data = {"kind": "disclosures", "subtype": "announcement", "lang": "en", "slug": "notice",
            "f-title": "Notice", "f-summary": "A notice.", "f-published": RUMOUR["f-published"],
            "body": "Text.", "action": "submit"}
    other = draft_of(approver.send("/desk/compose", data,
                                   page="/desk/new/disclosures?type=announcement"))
    assert approver.send(f"/desk/drafts/{other}", {"action": "emergency"},
                         page=f"/desk/drafts/{other}").status_code == 403


def test_a_future_published_time_schedules_the_item(desk_app, clock):
    number = new_draft(Official(desk_app, EDITOR), slug="later-rumour",
                       **{"f-published": "2026-11-21T09:00:00+08:00"})
    approver = Official(desk_app, APPROVER)
    assert "Scheduled" in page(approver.get(f"/desk/drafts/{number}"))
    approver.send(f"/desk/drafts/{number}", {"action": "approve"}, page=f"/desk/drafts/{number}")
    desk_app.extensions["portal.store"].reload()
    client = desk_app.test_client()
    assert client.get("/en/disclosures/later-rumour", base_url=BASE).status_code == 404
    clock.now = dt.datetime(2026, 11, 21, 9, 1, tzinfo=clock.now.tzinfo)
    assert client.get("/en/disclosures/later-rumour", base_url=BASE).status_code == 200


def test_editing_a_live_item_goes_through_review_and_the_diff_shows_the_change(desk_app):
    editor = Official(desk_app, EDITOR)
    form = page(editor.get("/desk/edit/en/disclosures/tap-water-rumour"))
    fields = dict(re.findall(r'<input id="(f-[a-z_]+)" name="f-[a-z_]+" value="([^"]*)"', form))
    base = re.search(r'name="base" value="([0-9a-f]+)"', form).group(1)
    body = re.search(r'<textarea id="body" name="body"[^>]*>(.*?)</textarea>', form, re.S).group(1)
    verdict = re.search(r'name="f-verdict"[^>]*>.*?<option value="([a-z]+)" selected', form, re.S)
    data = {**{k: html.unescape(v) for k, v in fields.items()},
            "f-verdict": verdict.group(1), "kind": "disclosures", "base": base,
            "slug": "tap-water-rumour", "lang": "en", "f-title": "Tap water in the district is safe",
            "body": html.unescape(body), "action": "submit"}
    for name in ("hazards", "appeared_in", "changes"):
        found = re.search(rf'name="f-{name}"[^>]*>(.*?)</textarea>', form, re.S)
        if found:
            data[f"f-{name}"] = html.unescape(found.group(1))
    number = draft_of(editor.post("/desk/compose", {**data, "csrf_token": tokens(form)[-1]}))
    approver = Official(desk_app, APPROVER)
    approver.send(f"/desk/drafts/{number}", {"action": "approve"}, page=f"/desk/drafts/{number}")
    assert "title: Tap water in the district is safe\n" in (
        content(desk_app) / "en/disclosures/tap-water-rumour.md").read_text()
    result = desk_app.test_cli_runner().invoke(
        args=["audit", "--item", "en/disclosures/tap-water-rumour.md"])
    assert "+title: Tap water in the district is safe" in result.output
    assert re.search(r"^    -title: ", result.output, re.M)


def test_a_place_status_changes_in_two_clicks_and_keeps_the_rest_of_the_file(desk_app, clock):
    editor = Official(desk_app, EDITOR)
    listing = page(editor.get("/desk/items/places"))
    link = re.search(r'href="(/desk/status/en/school-shelter\?to=full)"', listing).group(1)
    confirm = editor.get(link)  # first click
    assert confirm.status_code == 200
    path = content(desk_app) / "en/places/school-shelter.md"
    assert "status: open" in path.read_text()
    done = editor.post("/desk/status/en/school-shelter",  # second click
                       {"to": "full", "csrf_token": tokens(page(confirm))[-1]})
    assert done.status_code == 303
    written = path.read_text()
    assert "status: full\n" in written and "# open | full" not in written.split("status:")[0]
    assert f"status_updated: {clock.now.isoformat()}" in written
    assert "Enter by the main gate." in written and "verified: 2026-11-01" in written
    result = desk_app.test_cli_runner().invoke(args=["audit", "--item",
                                                     "en/places/school-shelter.md"])
    assert "+status: full" in result.output and "-status: open" in result.output


def test_translations_start_from_the_other_language_and_show_when_out_of_date(desk_app):
    editor = Official(desk_app, EDITOR)
    listing = page(editor.get("/desk/items/disclosures"))
    assert "missing" in listing or "out of date" in listing
    form = editor.get("/desk/translate/en/disclosures/tap-water-rumour?to=zh")
    shown = page(form)
    assert form.status_code == 200
    assert 'id="source-title"' in shown and 'lang="en"' in shown
    assert 'name="lang" value="zh"' in shown


def test_the_file_is_written_atomically_or_not_at_all(tmp_path, monkeypatch):
    target = tmp_path / "en" / "guides" / "g.md"
    atomic.write_atomic(target, "old\n")
    synced = []
    real_fsync = atomic.os.fsync
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    atomic.write_atomic(target, "new\n")
    assert target.read_text() == "new\n" and synced
    monkeypatch.setattr(atomic.os, "replace", lambda *a: (_ for _ in ()).throw(OSError("disk")))
    with pytest.raises(OSError):
        atomic.write_atomic(target, "half\n")
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["g.md"]


def test_the_audit_trail_is_append_only_in_the_database(desk_app):
    Official(desk_app, EDITOR)
    database = desk_app.extensions["portal.db"]
    for statement in ("UPDATE desk_audit SET actor = 'someone else'", "DELETE FROM desk_audit"):
        with pytest.raises(Exception, match="append-only"):
            with database.session() as session:
                session.execute(text(statement))
    with database.session() as session:
        assert session.execute(text("SELECT count(*) FROM desk_audit")).scalar() >= 1


def test_each_publication_is_a_git_commit_by_its_author_when_content_is_a_repository(desk_app):
    root = content(desk_app)
    git = ["git", "-C", str(root), "-c", "user.name=Setup", "-c", "user.email=setup@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "Content"], check=True)
    number = new_draft(Official(desk_app, EDITOR), slug="committed-rumour")
    Official(desk_app, APPROVER).send(f"/desk/drafts/{number}", {"action": "approve"},
                                      page=f"/desk/drafts/{number}")
    log = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%an <%ae>%n%s%n%b",
                          "--name-only"], capture_output=True, text=True, check=True).stdout
    assert log.startswith(f"Editor of emergency-office <{EDITOR}>")
    assert "The old bridge has not collapsed" in log and APPROVER in log
    assert "en/disclosures/committed-rumour.md" in log


def test_publishing_does_not_wait_on_a_failing_git(desk_app, monkeypatch):
    root = content(desk_app)
    (root / ".git").write_text("gitdir: /nowhere/at/all\n")  # a broken repository
    number = new_draft(Official(desk_app, EDITOR), slug="no-git-rumour")
    response = Official(desk_app, APPROVER).send(f"/desk/drafts/{number}", {"action": "approve"},
                                                 page=f"/desk/drafts/{number}")
    assert response.status_code == 303
    assert (root / "en/disclosures/no-git-rumour.md").exists()


def test_reports_from_residents_are_answered_on_the_desk(desk_app):
    from tests.reports_fixtures import Resident, code_of
    code = code_of(Resident(desk_app.test_client()).send(text="The water is poisoned"))
    approver = Official(desk_app, APPROVER)
    queue = page(approver.get("/desk/reports"))
    assert "The water is poisoned" in queue
    response = approver.send("/desk/reports", {"code": code, "action": "correction",
                                               "correction": "tap-water-rumour"},
                             page="/desk/reports")
    assert response.status_code == 303
    status = desk_app.test_client().get(f"/en/report/{code}", base_url=BASE)
    assert "tap-water-rumour" in page(status) or "Answered" in page(status)
    assert "The water is poisoned" not in page(approver.get("/desk/reports"))


def test_the_desk_speaks_chinese(desk_app):
    official = Official(desk_app, EDITOR)
    official.send("/desk/language", {"lang": "zh", "back": "/desk/"})
    home = page(official.get("/desk/"))
    assert '<html lang="zh">' in home and "草稿" in home


def test_portal_users_add_reads_the_password_and_refuses_unknown_departments(desk_app):
    runner = desk_app.test_cli_runner()
    bad = runner.invoke(args=["users", "add", "x@example.org", "--issuer", "nowhere",
                              "--role", "editor", "--password-stdin"], input=PASSWORD + "\n")
    assert bad.exit_code != 0 and "not an issuer" in bad.output
    short = runner.invoke(args=["users", "add", "x@example.org", "--issuer", "weather",
                                "--role", "editor", "--password-stdin"], input="short\n")
    assert short.exit_code != 0
    prompted = runner.invoke(args=["users", "add", "y@example.org", "--issuer", "weather",
                                   "--role", "approver"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0, prompted.output
    assert Official(desk_app, "y@example.org").get("/desk/").status_code == 200


HOSTILE = ["---", "a: b", "[unclosed", "{a: [", "&anchor x", "*alias", "!!python/object:os.system",
           "'", '"', "\\", "\x00\x1b[31m", "\u202eevil", "%(x)s", "{{ 7*7 }}",
           "<script>alert(1)</script>", "x\n---\ntitle: injected", "- a\n- b", "[" * 200 + "]" * 200,
           "9" * 400, ".nan", "2026-13-45", "? complex key", "key: |\n  block", "#comment"]


def test_hostile_text_in_any_field_is_a_named_error_or_a_clean_file_never_a_500(desk_app):
    editor = Official(desk_app, EDITOR)
    new = "/desk/new/disclosures?type=alert"
    for value in HOSTILE:
        for field in ("f-title", "f-areas", "f-changes", "f-published", "f-geocodes", "body"):
            data = {"kind": "disclosures", "subtype": "alert", "lang": "en", "slug": "hostile",
                    "f-title": "A title", "f-summary": "A summary.",
                    "f-published": RUMOUR["f-published"], field: value, "action": "preview"}
            response = editor.send("/desk/compose", data, page=new)
            assert response.status_code in (200, 400), (field, value)
            shown = page(response)
            assert "<script>alert(1)</script>" not in shown.split('id="preview-title"')[-1]
    assert not (content(desk_app) / "en/disclosures/hostile.md").exists()


def test_when_the_database_is_down_the_desk_says_so_and_the_site_serves(make_app, desk_content,
                                                                          tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the database folder would be")
    app = make_app(desk_content, DATABASE_URL=f"sqlite:///{blocked}/sub/portal.db",
                   SECRET_KEY="s")
    client = app.test_client()
    response = client.get("/desk/signin", base_url=BASE)
    assert response.status_code == 503 and "not available" in page(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/en/", base_url=BASE).status_code == 200


def test_portal_audit_filters_by_item_and_time(desk_app, clock):
    editor = Official(desk_app, EDITOR)
    new_draft(editor, slug="first-rumour")
    clock.now += dt.timedelta(days=2)
    new_draft(Official(desk_app, EDITOR), slug="second-rumour")  # a new session: days later
    runner = desk_app.test_cli_runner()
    since = (clock.now - dt.timedelta(days=1)).date().isoformat()
    recent = runner.invoke(args=["audit", "--since", since, "--no-diff"]).output
    assert "second-rumour" in recent and "first-rumour" not in recent
    one = runner.invoke(args=["audit", "--item", "en/disclosures/first-rumour.md"]).output
    assert "first-rumour" in one and "second-rumour" not in one
    assert runner.invoke(args=["audit", "--since", "last tuesday"]).exit_code != 0
