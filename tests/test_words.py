"""Words on the pages as people read them: tappable numbers, snippets that keep a
heading apart from the sentence after it."""
from __future__ import annotations

import re
from pathlib import Path

import lxml.html

from portal.markup import link_phones
from portal.search.text import leading, plain_text

BUNDLED = Path(__file__).parent.parent / "content"


def test_numbers_the_site_knows_become_tel_links_in_guides(client):
    html = client.get("/en/guides/flood-rescue").get_data(as_text=True)
    body = html.split('<main', 1)[1]
    assert '<a href="tel:110">110</a>' in body


def test_only_whole_known_numbers_outside_links_and_code_are_linked():
    numbers = frozenset({"110", "120", "12345"})
    html = link_phones("<p>Call 120, not 1200 or 3120. <a href='/x'>110</a> <code>110</code> "
                       "拨打12345。</p>", numbers)
    document = lxml.html.fragment_fromstring(html, create_parent="div")
    assert [a.get("href") for a in document.iter("a")] == ["tel:120", "/x", "tel:12345"]
    assert "1200" in html and "3120" in html


def test_bundled_guides_link_their_emergency_numbers(make_app):
    client = make_app(BUNDLED).test_client()
    for lang in ("en", "zh"):
        html = client.get(f"/{lang}/guides/heatstroke-first-aid").get_data(as_text=True)
        assert re.search(r'<a href="tel:120">120</a>', html.split("<main", 1)[1]), lang


def test_a_snippet_keeps_a_heading_apart_from_the_next_sentence():
    text = plain_text("<h2>When the shaking starts</h2><p>Drop, cover and hold on.</p>")
    [(shown, _)] = leading(text)
    assert "When the shaking starts · Drop, cover" in shown
    chinese = plain_text("<h2>地震时</h2><p>趴下，掩护，抓牢。</p><p>下一步</p>")
    [(shown, _)] = leading(chinese)
    assert shown == "地震时 · 趴下，掩护，抓牢。下一步"
