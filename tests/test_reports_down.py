"""A database that cannot be reached: reading pages answer as always, the form says
reports cannot be taken online now and gives the hotline, a sent report is kept for the
resident to copy, and nothing is lost that was acknowledged."""
import pytest

from tests.reports_fixtures import Resident


@pytest.fixture
def down_app(make_app, tmp_path):
    (tmp_path / "not-a-folder").write_text("")
    return make_app(DATABASE_URL=f"sqlite:///{tmp_path}/not-a-folder/reports.db",
                    REPORT_MIN_SECONDS=0, SECRET_KEY="k")


def test_reading_pages_serve_and_the_form_explains(down_app):
    client = down_app.test_client()
    for path in ("/en/", "/zh/", "/en/disclosures/tap-water-rumour", "/en/feeds/disclosures.atom",
                 "/en/search?q=water", "/en/rumours/checking", "/sitemap.xml"):
        assert client.get(path).status_code == 200, path
    for lang, words in (("en", "Reports cannot be taken online right now."),
                        ("zh", "目前无法在网上受理报告。")):
        page = client.get(f"/{lang}/report")
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert words in body and 'href="tel:12345"' in body
        assert "<form class=\"report-form\"" not in body


def test_a_report_sent_while_it_is_down_is_a_503_that_keeps_the_text(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/reports.db", REPORT_MIN_SECONDS=0,
                   SECRET_KEY="k")
    client = app.test_client()
    resident = Resident(client)
    tokens = resident.open()
    database = app.extensions["portal.db"]
    database.dispose()
    (tmp_path / "blocked").write_text("")
    from portal.db import resolve_url
    database.url = resolve_url(f"sqlite:///{tmp_path}/blocked/reports.db")
    response = resident.send(tokens, text="the dam has burst")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "the dam has burst" in body and "Reports cannot be taken online right now." in body
    assert "no-store" in response.headers["Cache-Control"]
    assert "cannot be taken online" in client.get("/en/report").get_data(as_text=True)


def test_the_form_explains_as_soon_as_the_database_goes_away(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/reports.db", SECRET_KEY="k")
    client = app.test_client()
    assert "report-form" in client.get("/en/report").get_data(as_text=True)
    database = app.extensions["portal.db"]
    database.dispose()
    (tmp_path / "blocked").write_text("")
    from portal.db import resolve_url
    database.url = resolve_url(f"sqlite:///{tmp_path}/blocked/reports.db")
    page = client.get("/zh/report").get_data(as_text=True)
    assert "目前无法在网上受理报告。" in page and "report-form" not in page
    assert client.get("/zh/disclosures/tap-water-rumour").status_code == 200
