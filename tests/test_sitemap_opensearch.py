"""The sitemap and the OpenSearch description, as search engines and browsers read them."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from lxml import etree

BUNDLED = Path(__file__).parent.parent / "content"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
OS = "{http://a9.com/-/spec/opensearch/1.1/}"


@pytest.fixture
def bundled(make_app):
    return make_app(BUNDLED)


def _sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = etree.fromstring(response.data)
    found = {}
    for url in root.iterfind(f"{SM}url"):
        loc = url.findtext(f"{SM}loc")
        assert loc not in found, f"{loc} listed twice"
        found[loc] = {
            "lastmod": url.findtext(f"{SM}lastmod"),
            "alternates": {link.get("hreflang"): link.get("href")
                           for link in url.iterfind(f"{XHTML}link")},
        }
    return found


def test_the_sitemap_lists_every_kind_of_page(bundled):
    found = _sitemap(bundled.test_client())
    library = bundled.extensions["portal.store"].library
    base = "https://example.org"
    for lang in ("en", "zh"):
        assert f"{base}/{lang}/" in found
        assert f"{base}/{lang}/hotlines" in found
        for hazard in library.site.hazards:
            assert f"{base}/{lang}/hazards/{hazard}" in found
        for kind in library.kinds.values():
            if kind.list_endpoint:
                assert any(loc.startswith(f"{base}/{lang}/{kind.name}/") and
                           loc.endswith(f"/{kind.name}/") for loc in found), kind.name
    now = bundled.extensions["portal.store"].now()
    for item in library.all():
        if not item.is_public(now) or not library.kinds[item.section].in_sitemap:
            continue
        assert f"{base}/{item.lang}/{item.section}/{item.slug}" in found, item.path


def test_items_name_only_the_languages_they_are_written_in(bundled):
    found = _sitemap(bundled.test_client())
    library = bundled.extensions["portal.store"].library
    now = bundled.extensions["portal.store"].now()
    english_only = [item for item in library.all() if item.lang == "en" and item.is_public(now)
                    and len(library.translations(item, now)) == 1]
    assert english_only, "the bundled content has an item with no translation"
    for item in english_only:
        url = f"https://example.org/en/{item.section}/{item.slug}"
        assert f"https://example.org/zh/{item.section}/{item.slug}" not in found
        assert "zh" not in found[url]["alternates"]
    translated = [item for item in library.all() if item.lang == "zh" and item.is_public(now)]
    for item in translated:
        entry = found[f"https://example.org/zh/{item.section}/{item.slug}"]
        assert entry["alternates"]["zh"] == f"https://example.org/zh/{item.section}/{item.slug}"
        assert entry["alternates"]["en"] == f"https://example.org/en/{item.section}/{item.slug}"


def test_every_lastmod_is_a_w3c_date_and_an_item_s_is_its_own(bundled):
    found = _sitemap(bundled.test_client())
    for loc, entry in found.items():
        if entry["lastmod"]:
            dt.datetime.fromisoformat(entry["lastmod"])  # a date or a date-time with offset
            assert re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d\d:\d\d)?", entry["lastmod"])
    assert found["https://example.org/en/disclosures/tap-water-safe-after-flood"]["lastmod"] \
        .startswith("2026-11-14")


def test_a_page_shown_in_english_under_zh_does_not_call_itself_zh(bundled):
    client = bundled.test_client()
    library = bundled.extensions["portal.store"].library
    now = bundled.extensions["portal.store"].now()
    [item, *_] = [i for i in library.all() if i.lang == "en" and i.section == "guides"
                  and len(library.translations(i, now)) == 1]
    html = client.get(f"/zh/guides/{item.slug}").get_data(as_text=True)
    declared = re.findall(r'<link rel="alternate" hreflang="([^"]+)"', html)
    assert declared == ["en"]
    # The language switcher still offers both.
    switcher = html.split('class="languages"')[1].split("</nav>")[0]
    assert 'hreflang="en"' in switcher and 'hreflang="zh"' in switcher


def test_a_404_page_offers_every_language_home(client):
    html = client.get("/en/no-such-page").get_data(as_text=True)
    switcher = html.split('class="languages"')[1].split("</nav>")[0]
    assert 'href="/en/"' in switcher and 'href="/zh/"' in switcher


@pytest.mark.parametrize("lang, short", [("en", "Riverside Alerts"), ("zh", "河滨区应急")])
def test_the_opensearch_description_has_what_the_spec_requires(bundled, lang, short):
    response = bundled.test_client().get(f"/opensearch.xml?lang={lang}")
    assert response.mimetype == "application/opensearchdescription+xml"
    root = etree.fromstring(response.data)
    assert root.tag == f"{OS}OpenSearchDescription"
    assert root.findtext(f"{OS}ShortName") == short and len(short) <= 16
    assert root.findtext(f"{OS}Description")
    [html] = [u for u in root.iterfind(f"{OS}Url") if u.get("type") == "text/html"]
    assert "{searchTerms}" in html.get("template")
    assert set(html.attrib) <= {"type", "template", "rel", "indexOffset", "pageOffset"}
    [example] = root.iterfind(f"{OS}Query")
    assert example.get("role") == "example" and example.get("searchTerms")
    # The example finds something.
    page = bundled.test_client().get(f"/{lang}/search?q={example.get('searchTerms')}")
    assert page.status_code == 200 and 'class="result' in page.get_data(as_text=True)


def test_a_short_name_too_long_is_a_named_error(make_app, content_dir):
    app = make_app(content_dir)
    site = content_dir / "site.yml"
    site.write_text(site.read_text() + "short_name: {en: Riverside District Alerts}\n")
    library = app.extensions["portal.store"].reload()
    [error] = [e for e in library.errors if e.path == "site.yml"]
    assert error.field == "short_name" and "at most 16" in error.message
    assert error.line == len(site.read_text().splitlines())
    assert app.test_client().get("/opensearch.xml?lang=en").status_code == 200


def test_after_a_change_the_sitemap_has_the_new_state_and_nothing_of_the_old(
        make_app, content_dir):
    """Unchanged items' entries are kept from one state to the next: a new translation
    still gives both versions their alternates, a removed file leaves, a new one comes."""
    base = "https://example.org"
    app = make_app(content_dir)
    client = app.test_client()
    before = _sitemap(client)
    rescue = f"{base}/en/guides/flood-rescue"
    assert set(before[rescue]["alternates"]) <= {"en"}
    assert f"{base}/en/guides/fire-escape-plan" in before
    english = (content_dir / "en/guides/flood-rescue.md").read_text(encoding="utf-8")
    (content_dir / "zh/guides/flood-rescue.md").write_text(
        english.replace("Helping someone out of floodwater", "帮助他人脱离洪水"), encoding="utf-8")
    (content_dir / "en/guides/fire-escape-plan.md").unlink()
    (content_dir / "en/guides/heat-at-work.md").write_text(
        english.replace("Helping someone out of floodwater", "Heat at work"), encoding="utf-8")
    app.extensions["portal.store"].reload()
    after = _sitemap(client)
    assert after[rescue]["alternates"] == {"en": rescue, "zh": f"{base}/zh/guides/flood-rescue"}
    assert after[f"{base}/zh/guides/flood-rescue"]["alternates"] == after[rescue]["alternates"]
    assert f"{base}/en/guides/fire-escape-plan" not in after
    assert f"{base}/en/guides/heat-at-work" in after
    unchanged = f"{base}/en/guides/flood-safety"
    assert after[unchanged] == before[unchanged]
