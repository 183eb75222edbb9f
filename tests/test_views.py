"""Every page in both languages, through real requests."""
import re

import pytest

PAGES = [
    "/{lang}/", "/{lang}/guides/", "/{lang}/guides/?kind=self-help", "/{lang}/guides/?hazard=flood",
    "/{lang}/guides/flood-safety", "/{lang}/guides/earthquake-drop-cover",
    "/{lang}/guides/fire-escape-plan", "/{lang}/hazards/flood", "/{lang}/hazards/fraud",
    "/{lang}/pages/about", "/{lang}/hotlines", "/{lang}/disclosures/",
    "/{lang}/disclosures/?type=alert", "/{lang}/disclosures/tap-water-rumour",
    "/{lang}/disclosures/rain-warning-orange", "/{lang}/disclosures/cold-wave-alert",
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_answers_in_both_languages(client, page, lang):
    response = client.get(page.format(lang=lang))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert response.content_type == "text/html; charset=utf-8"


@pytest.mark.parametrize("url", [
    "/fr/", "/EN/", "/en/guides/no-such-guide", "/en/guides/Flood-Safety", "/en/guides/flood_safety",
    "/en/guides/../../etc/passwd", "/en/guides/%2e%2e%2fsite.yml", "/en/guides/..%2F..%2Fsite.yml",
    "/en/hazards/tsunami", "/en/pages/../site", "/en/guides/unfinished-draft",
    "/en/disclosures/scheduled-drill", "/zh/guides/flood-safety.md", "/en/nothing-here",
])
def test_unknown_language_slug_or_traversal_is_a_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True) or "页面不存在" in response.get_data(as_text=True)


def test_bad_filter_value_is_a_400(client):
    assert client.get("/en/guides/?kind=<script>").status_code == 400
    assert client.get("/en/disclosures/?hazard=nope").status_code == 400


def test_guide_page_shows_toc_dates_translations_and_related(client):
    html = client.get("/en/guides/flood-safety").get_data(as_text=True)
    assert '<a href="#c-before-the-water-rises">Before the water rises</a>' in html
    assert "Updated October 1, 2026" in html
    assert 'href="/zh/guides/flood-safety"' in html and 'hreflang="zh"' in html
    assert 'href="/en/guides/flood-rescue"' in html  # related: shares the flood hazard
    assert "due for review" not in html


def test_guide_past_review_by_is_flagged(client):
    html = client.get("/en/guides/earthquake-drop-cover").get_data(as_text=True)
    assert "This guide was due for review on January 10, 2026" in html


def test_filters_narrow_the_guide_list(client):
    html = client.get("/en/guides/?kind=mutual-rescue").get_data(as_text=True)
    assert "Helping someone out of floodwater" in html and "Staying safe in a flood" not in html
    assert '<option value="mutual-rescue" selected>' in html


def test_untranslated_guide_is_shown_in_english_with_a_notice(client):
    html = client.get("/zh/guides/fire-escape-plan").get_data(as_text=True)
    assert '<html lang="zh">' in html
    assert '<article class="guide" lang="en">' in html
    assert "此内容暂无中文版本" in html


def test_hazard_hub_lists_guides_and_disclosures(client):
    html = client.get("/en/hazards/flood").get_data(as_text=True)
    assert "Staying safe in a flood" in html and "Helping someone out of floodwater" in html
    assert "Emergency shelters are open" in html
    assert "Plan your home fire escape" not in html


def test_hotlines_come_from_site_yml(client):
    html = client.get("/zh/hotlines").get_data(as_text=True)
    assert 'href="tel:110"' in html and "报警" in html and "气象局" in html


def test_healthz_reports_ok_and_the_generation(client, app):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["errors"] == 0
    assert body["items"] == len(app.extensions["portal.store"].library)


def test_healthz_is_degraded_and_site_keeps_serving_with_a_bad_file(make_app, content_dir):
    (content_dir / "en/guides/broken.md").write_text("---\ntitle: x\nkind: nope\n---\n")
    client = make_app(content_dir).test_client()
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded" and body["errors"] == 5
    # Field values can be secrets (a symlinked file, a pasted token): the public
    # answer counts problems; `portal check` and the log name them.
    assert "broken.md" not in client.get("/healthz").get_data(as_text=True)
    errors = [str(e) for e in make_app(content_dir).extensions["portal.store"].library.errors]
    assert "en/guides/broken.md:3: kind: 'nope' is not one of: self-help, mutual-rescue, " \
           "prevention" in errors
    assert "en/guides/broken.md:1: summary: required field is missing" in errors
    assert client.get("/en/guides/flood-safety").status_code == 200
    assert client.get("/en/guides/broken").status_code == 404


def test_sitemap_and_robots(client):
    sitemap = client.get("/sitemap.xml")
    assert sitemap.content_type == "application/xml; charset=utf-8"
    text = sitemap.get_data(as_text=True)
    assert "<loc>https://example.org/zh/guides/flood-safety</loc>" in text
    assert "unfinished-draft" not in text and "scheduled-drill" not in text
    assert "Sitemap: https://example.org/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)


def test_unexpected_error_is_a_localised_500(make_app, monkeypatch):
    app = make_app()
    from portal.kinds.guides import queries

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(queries, "guides", boom)
    response = app.test_client().get("/zh/guides/")
    assert response.status_code == 500
    assert "出错了" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
