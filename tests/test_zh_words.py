"""Every Chinese page read as a Chinese-speaking resident would: full-width colons
after Chinese text, no "(UTC+08:00)" on times in the district's own zone, language
names in Chinese, dates in the site's locale."""
from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from flask import url_for

from portal.freeze import urls

BUNDLED = Path(__file__).parent.parent / "content"
CJK = "\u3400-\u9fff\uf900-\ufaff"
ASCII_COLON_AFTER_CJK = re.compile(f"[{CJK}）》」】]\\s*:")
ENGLISH_NAMES = re.compile(r"\b(English|Chinese)\b")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    from portal import create_app, prepare
    tmp = tmp_path_factory.mktemp("zh")
    app = prepare(create_app({
        "TESTING": True, "CONTENT_DIR": str(BUNDLED), "BUILD_DIR": str(tmp / "build"),
        "INDEX_DIR": str(tmp / "index"), "BASE_URL": "https://example.org",
        "RELOAD_INTERVAL": 0}))
    with app.test_request_context():
        found = [url_for(endpoint, **values) for endpoint, values in urls(app)]
    client = app.test_client()
    html = {}
    for url in found:
        if not url.startswith("/zh/") or "." in url.rsplit("/", 1)[-1]:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        html[url] = response.get_data(as_text=True)
    for url in ("/zh/search?q=洪水", "/zh/search?q=flood", "/zh/no-such-page"):
        html[url] = client.get(url).get_data(as_text=True)
    assert len(html) > 40
    return html


def _chinese_text(document) -> list[str]:
    """Text nodes whose language is Chinese (not inside lang="en" and the like)."""
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        node, lang = element, None
        while node is not None and lang is None:
            lang = node.get("lang")
            node = node.getparent()
        if lang and lang.startswith("zh"):
            found.extend(t for t in (element.text,) if t and t.strip())
            if element.tail and element.tail.strip():
                parent = element.getparent()
                parent_lang = None
                while parent is not None and parent_lang is None:
                    parent_lang = parent.get("lang")
                    parent = parent.getparent()
                if parent_lang and parent_lang.startswith("zh"):
                    found.append(element.tail)
    return found


def test_titles_and_headings_use_full_width_colons(pages):
    for url, html in pages.items():
        document = lxml.html.fromstring(html)
        for element in document.iter("title", "h1", "h2", "h3", "dt", "strong"):
            text = element.text_content()
            assert not ASCII_COLON_AFTER_CJK.search(text), (url, text)


def test_no_stray_space_after_a_full_width_colon(pages):
    for url, html in pages.items():
        for text in _chinese_text(lxml.html.fromstring(html)):
            assert not re.search(f"[{CJK}]：\\s+[{CJK}]", text), (url, text)


def test_times_in_the_district_s_zone_carry_no_offset(pages):
    for url, html in pages.items():
        assert "(UTC+08:00)" not in html, url
        assert "UTC+8" not in html, url


def test_language_names_are_chinese(pages):
    for url, html in pages.items():
        for text in _chinese_text(lxml.html.fromstring(html)):
            assert not ENGLISH_NAMES.search(text), (url, text)


def test_an_english_page_under_zh_says_so_in_chinese(pages):
    notices = [html for html in pages.values() if 'class="notice"' in html and "英语" in html]
    assert notices, "a guide without a Chinese version says it is shown in English"


def test_dates_follow_the_site_locale(pages):
    assert any(re.search(r"\d{4}年\d{1,2}月\d{1,2}日", html) for html in pages.values())


def test_english_dates_are_british(make_app):
    client = make_app(BUNDLED).test_client()
    html = client.get("/en/disclosures/tap-water-safe-after-flood").get_data(as_text=True)
    assert "14 November 2026 11:00" in html and "November 14, 2026" not in html
