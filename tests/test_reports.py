"""Residents report rumours, on SQLite and on a real PostgreSQL: the form, the receipt,
status pages, moderation, the count on the correction, the board and the purge."""
import datetime as dt
import re

import pytest

from tests.reports_fixtures import (Resident, code_of, database_url, postgres,  # noqa: F401
                                    reports_app, stored)


@pytest.fixture
def client(reports_app):
    return reports_app.test_client()


@pytest.fixture
def cli(reports_app):
    runner = reports_app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=["reports", *args])
        return result
    return run


def text(response) -> str:
    return response.get_data(as_text=True)


def test_a_sent_report_is_stored_before_its_code_is_shown_and_its_status_page_says_received(
        reports_app, client):
    response = Resident(client).send(text="Shelters are full, stay home", place="weibo")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store, private"
    code = code_of(response)
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}", code)
    assert stored(reports_app) == 1
    status = client.get(f"/en/report/{code}")
    assert status.status_code == 200
    assert status.headers["Cache-Control"] == "no-store, private"
    assert "Received" in text(status) and "Shelters are full, stay home" in text(status)
    # Typed as a person might: lower case, spaces instead of dashes.
    assert client.get(f"/en/report/{code.lower().replace('-', ' ')}").status_code == 200
    assert client.get("/en/report/AAAAA-AAAAA-AAAAA").status_code == 404


def test_codes_are_not_guessable_from_one_another(client):
    resident = Resident(client)
    codes = {code_of(resident.send(text=f"rumour {n}")) for n in range(4)}
    assert len(codes) == 4


def test_resolve_with_a_correction_links_it_and_the_correction_counts_the_residents(
        reports_app, client, cli):
    resident = Resident(client, address="198.51.100.1")
    first, second = code_of(resident.send()), code_of(resident.send())
    other = code_of(Resident(client, "zh", address="198.51.100.2").send(text="自来水有毒"))
    page = text(client.get("/en/disclosures/tap-water-rumour"))
    assert "reported this rumour" not in page

    result = cli("resolve", first, "--correction", "tap-water-rumour")
    assert result.exit_code == 0, result.output
    assert cli("merge", second, "--into", first).exit_code == 0
    assert cli("merge", other, first).exit_code == 0

    assert "3 residents reported this rumour to us." in text(
        client.get("/en/disclosures/tap-water-rumour"))
    zh = text(client.get("/zh/disclosures/tap-water-rumour"))
    assert "3 位居民向我们报告了这条谣言。" in zh
    status = text(client.get(f"/en/report/{first}"))
    assert "Answered" in status and 'href="/en/disclosures/tap-water-rumour"' in status
    merged = text(client.get(f"/en/report/{second}"))
    assert "Merged with another report" in merged
    assert 'href="/en/disclosures/tap-water-rumour"' in merged


def test_resolve_refuses_what_is_not_a_published_rumour_correction(client, cli):
    code = code_of(Resident(client).send())
    for slug in ("no-such-correction", "cold-wave-alert"):
        result = cli("resolve", code, "--correction", slug)
        assert result.exit_code != 0 and "not a published rumour correction" in result.output
    assert cli("resolve", "ZZZZZ-ZZZZZ-ZZZZZ", "--not-rumour").exit_code != 0
    assert "Received" in text(client.get(f"/en/report/{code}"))


def test_not_a_rumour_and_being_checked_on_the_board(client, cli):
    code = code_of(Resident(client).send(text="the bridge <b>collapsed</b>"))
    board = text(client.get("/en/rumours/checking"))
    assert "no claims under review" in board
    result = cli("resolve", code, "--checking", "--board", "The North Bridge has collapsed")
    assert result.exit_code == 0, result.output
    assert "Being checked" in text(client.get(f"/en/report/{code}"))
    assert "The North Bridge has collapsed" in text(client.get("/en/rumours/checking"))
    assert "The North Bridge has collapsed" in text(client.get("/zh/rumours/checking"))
    assert cli("resolve", code, "--not-rumour").exit_code == 0
    assert "not a rumour" in text(client.get(f"/en/report/{code}"))
    assert cli("resolve", code, "--checking").exit_code != 0  # resolved stays resolved
    assert "The North Bridge has collapsed" not in text(client.get("/en/rumours/checking"))


def test_a_claim_shown_in_the_residents_own_words_is_escaped(client, cli):
    code = code_of(Resident(client).send(text="Gas <img src=x onerror=alert(1)> in Wharf"))
    assert cli("resolve", code, "--show").exit_code == 0
    board = text(client.get("/en/rumours/checking"))
    assert "Gas &lt;img src=x onerror=alert(1)&gt; in Wharf" in board and "<img src=x" not in board
    assert cli("resolve", code, "tap-water-rumour").exit_code == 0
    assert "Gas &lt;img" not in text(client.get("/en/rumours/checking"))


def test_list_and_show_for_officials(client, cli):
    code = code_of(Resident(client).send(text="Free masks at the station", contact="13800000000",
                                         consent="y"))
    listed = cli("list")
    assert listed.exit_code == 0 and code in listed.output and "Free masks" in listed.output
    shown = cli("show", code)
    assert "13800000000" in shown.output and "wechat" in shown.output
    assert "203.0.113.7" not in shown.output


def test_contact_is_deleted_thirty_days_after_resolution(reports_app, client, cli, clock):
    code = code_of(Resident(client).send(contact="someone@example.org", consent="y"))
    open_code = code_of(Resident(client).send(contact="still-open@example.org", consent="y"))
    assert cli("resolve", code, "--not-rumour").exit_code == 0
    clock.now += dt.timedelta(days=29)
    assert cli("purge").exit_code == 0
    assert "someone@example.org" in cli("show", code).output
    clock.now += dt.timedelta(days=2)
    result = cli("purge")
    assert result.exit_code == 0 and "1 contacts" in result.output
    assert "someone@example.org" not in cli("show", code).output
    assert "still-open@example.org" in cli("show", open_code).output  # not resolved yet
    assert "Not a rumour" in text(client.get(f"/en/report/{code}")) or \
        "not a rumour" in text(client.get(f"/en/report/{code}"))


def test_the_app_purges_once_a_day_by_itself(reports_app, client, cli, clock):
    code = code_of(Resident(client).send(contact="someone@example.org", consent="y"))
    assert cli("resolve", code, "--not-rumour").exit_code == 0
    snapshot = reports_app.extensions["portal.reports"].snapshot
    clock.now += dt.timedelta(days=31)
    assert snapshot.refresh()
    assert "someone@example.org" not in cli("show", code).output


def test_contact_without_consent_is_refused_next_to_the_field(reports_app, client):
    response = Resident(client).send(contact="13800000000")
    assert response.status_code == 400
    assert 'id="consent-error"' in text(response)
    assert stored(reports_app) == 0


def test_markup_and_sql_are_stored_as_written_and_shown_escaped(reports_app, client):
    rumour = "<script>alert(1)</script> '; DROP TABLE reports; -- \" OR 1=1"
    code = code_of(Resident(client).send(text=rumour))
    page = text(client.get(f"/en/report/{code}"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#39;; DROP TABLE reports; -- &#34; OR 1=1" \
        in page
    assert stored(reports_app) == 1


@pytest.mark.parametrize("fields, field, message", [
    ({"text": ""}, "text", "Please write what was said or shared."),
    ({"text": "   \n  "}, "text", "Please write what was said or shared."),
    ({"text": "x" * 2001}, "text", "2000 characters or fewer (it has 2001)"),
    ({"text": "fine", "link": "javascript:alert(1)"}, "link", "starts with http:// or https://"),
    ({"text": "fine", "link": "ftp://example.org/x"}, "link", "starts with http:// or https://"),
    ({"text": "fine", "link": "http://[::1"}, "link", "starts with http:// or https://"),
    ({"text": "fine", "link": "https://example.org:99999x/"}, "link", "starts with http://"),
    ({"text": "fine", "link": "https://example.org/a b"}, "link", "without spaces"),
    ({"text": "bad\x00byte"}, "text", "control characters"),
    ({"text": "bell\x07and\u202eoverride"}, "text", "control characters"),
    ({"place": "' OR 1=1 --"}, "place", "Please choose where"),
    ({"seen": "tomorrow"}, "seen", "Please choose when"),
])
def test_bad_input_is_a_400_next_to_the_field_and_stores_nothing(reports_app, client, fields,
                                                                  field, message):
    response = Resident(client).send(**fields)
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem with your report" in page
    error = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', page, re.S)
    assert error and message in error.group(1)
    assert f'aria-describedby="{field}-hint {field}-error"' in page \
        or f'aria-describedby="{field}-error"' in page
    assert f'href="#{field}"' in page  # the summary at the top leads to it
    assert stored(reports_app) == 0


def test_a_huge_body_is_refused_before_it_is_read(reports_app, client):
    response = Resident(client).send(text="x" * 100_000)
    assert response.status_code == 413
    assert stored(reports_app) == 0


def test_errors_are_in_the_visitors_language(reports_app, client):
    response = Resident(client, "zh").send(text="")
    assert response.status_code == 400
    assert "请写下听到或看到的内容。" in text(response)
    assert stored(reports_app) == 0


def test_missing_or_forged_csrf_token_is_refused(reports_app, client):
    resident = Resident(client)
    tokens = resident.open()
    for token in (None, "forged"):
        response = resident.send({**tokens, "csrf_token": token})
        assert response.status_code == 400
        assert "This form needs to be sent again" in text(response)
    assert stored(reports_app) == 0


def test_a_replayed_form_is_refused_and_the_first_report_kept(reports_app, client):
    resident = Resident(client)
    tokens = resident.open()
    assert resident.send(tokens).status_code == 200
    again = resident.send(tokens)
    assert again.status_code == 400 and "already sent once" in text(again)
    # Even with a fresh browser's cookies and token, the same form is one report.
    other = Resident(reports_app.test_client())
    fresh = other.open()
    assert other.send({**fresh, "started": tokens["started"]}).status_code == 400
    assert stored(reports_app) == 1


def test_the_honeypot_is_accepted_silently_and_nothing_is_stored(reports_app, client):
    response = Resident(client).send(nickname="http://spam.example")
    assert response.status_code == 200 and "your report is received" in text(response)
    assert stored(reports_app) == 0


def test_a_form_sent_too_fast_is_refused_and_can_be_sent_again(make_app, database_url):
    app = make_app(DATABASE_URL=database_url, REPORT_MIN_SECONDS=30, SECRET_KEY="k")
    response = Resident(app.test_client()).send()
    assert response.status_code == 400 and "sent very quickly" in text(response)
    assert stored(app) == 0
    app.extensions["portal.db"].dispose()


def test_too_many_reports_from_one_address_are_a_429(reports_app, client):
    limit = reports_app.config["REPORTS_PER_ADDRESS"]
    resident = Resident(client, address="192.0.2.50")
    for _ in range(limit):
        assert resident.send().status_code == 200
    refused = resident.send()
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many reports" in text(refused)
    assert Resident(client, address="192.0.2.51").send().status_code == 200  # another address
    assert stored(reports_app) == limit + 1


def test_no_address_is_stored(reports_app, client):
    Resident(client, address="192.0.2.99").send()
    from sqlalchemy import text as sql
    with reports_app.extensions["portal.db"].session() as session:
        for table in ("reports", "rate_counts", "daily_keys", "used_forms", "markers"):
            for row in session.execute(sql(f"SELECT * FROM {table}")):
                assert "192.0.2.99" not in " ".join(map(str, row))


def test_form_pages_are_never_stored_by_a_cache(client):
    first, second = Resident(client).open(), Resident(client).open()
    assert first["started"] != second["started"]  # each view is made afresh, never a stored copy
    page = client.get("/en/report")
    assert page.headers["Cache-Control"] == "no-store, private"
    bad = Resident(client).send(text="")
    assert bad.headers["Cache-Control"] == "no-store, private"
    assert client.get("/en/report/AAAAA-AAAAA-AAAAA").headers["Cache-Control"] == \
        "no-store, private"


def test_migrations_are_idempotent(reports_app):
    runner = reports_app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output


def test_the_home_page_leads_to_the_form_and_the_board(client):
    home = text(client.get("/en/"))
    assert 'href="/en/report"' in home and 'href="/en/rumours/checking"' in home


def test_the_privacy_page_says_what_is_kept_in_both_languages(make_app):
    from portal.settings import ROOT
    client = make_app(ROOT / "content").test_client()
    for lang, words in (("en", ("30 days", "never stored")), ("zh", ("30 天", "从不保存"))):
        page = client.get(f"/{lang}/pages/privacy")
        assert page.status_code == 200
        assert all(word in text(page) for word in words)
    assert 'href="/en/pages/privacy"' in text(client.get("/en/report"))


def test_the_address_key_changes_every_day_and_old_keys_are_deleted(reports_app, client, clock):
    from sqlalchemy import select

    from portal.reports.models import DailyKey, RateCount
    db = reports_app.extensions["portal.db"]

    def hashes():
        with db.session() as session:
            return set(session.scalars(select(RateCount.key)))
    Resident(client, address="192.0.2.8").send()
    today = hashes()
    clock.now += dt.timedelta(days=1)
    Resident(client, address="192.0.2.8").send()
    assert len(hashes() - today) == 1  # the same address, another key
    result = reports_app.test_cli_runner().invoke(args=["reports", "purge"])
    assert result.exit_code == 0
    with db.session() as session:
        days = list(session.scalars(select(DailyKey.day)))
        assert days == [(clock.now.astimezone(dt.timezone.utc)).date().isoformat()]
    assert hashes() - today and not hashes() & today  # yesterday's counts are gone too


def test_behind_a_proxy_each_visitor_is_counted_not_the_proxy(make_app, database_url):
    app = make_app(DATABASE_URL=database_url, REPORT_MIN_SECONDS=0, SECRET_KEY="k",
                   PROXY_FIX=1, REPORTS_PER_ADDRESS=2)
    client = app.test_client()
    resident = Resident(client, address="127.0.0.1")
    answers = []
    for visitor in ("198.51.100.10", "198.51.100.11", "198.51.100.12", "198.51.100.10",
                    "198.51.100.10"):
        tokens = resident.open()
        answers.append(client.post("/en/report", data={
            "text": "rumour", "place": "wechat", "seen": "today", **tokens},
            headers={"X-Forwarded-For": visitor},
            environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code)
    assert answers == [200, 200, 200, 200, 429]
    app.extensions["portal.db"].dispose()
