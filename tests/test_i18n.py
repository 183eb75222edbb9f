"""Language prefixes, negotiation, translated UI and locale formats."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).parent.parent / "translations/zh/LC_MESSAGES/messages.po"


@pytest.mark.parametrize("header, target", [
    ("zh-CN,zh;q=0.9,en;q=0.8", "/zh/"), ("en-GB,en;q=0.9", "/en/"), ("fr-FR", "/en/"), (None, "/en/"),
])
def test_root_redirects_by_accept_language(client, header, target):
    response = client.get("/", headers={"Accept-Language": header} if header else {})
    assert response.status_code == 302
    assert response.headers["Location"] == target
    assert "Accept-Language" in response.headers["Vary"]


def test_pages_carry_hreflang_alternates(client):
    html = client.get("/en/guides/flood-safety").get_data(as_text=True)
    assert '<link rel="alternate" hreflang="zh" href="https://example.org/zh/guides/flood-safety">' in html
    assert '<link rel="alternate" hreflang="en" href="https://example.org/en/guides/flood-safety">' in html


def test_language_switch_keeps_filters(client):
    html = client.get("/en/guides/?kind=prevention").get_data(as_text=True)
    assert 'href="/zh/guides/?kind=prevention"' in html


def test_dates_are_formatted_per_locale(client):
    assert "2026年10月1日" in client.get("/zh/guides/flood-safety").get_data(as_text=True)
    assert "October 1, 2026" in client.get("/en/guides/flood-safety").get_data(as_text=True)


def test_catalogue_translates_every_string():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    missing = [m.id for m in catalogue if m.id and not (m.string if isinstance(m.string, str)
                                                         else all(m.string))]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []


def ui_strings():
    with CATALOGUE.open("rb") as handle:
        for message in read_po(handle):
            for msgid in (message.id if isinstance(message.id, tuple) else (message.id,)):
                # Compare the fixed words between placeholders, long enough to be telling.
                for piece in re.split(r"%\(\w+\)[sd]|\{\}", msgid or ""):
                    piece = piece.strip(" .,:;()")
                    if len(piece) >= 4 and re.search("[a-z]", piece):
                        yield piece


@pytest.mark.parametrize("url", [
    "/zh/", "/zh/guides/", "/zh/guides/flood-safety", "/zh/hazards/flood", "/zh/hotlines",
    "/zh/pages/about", "/zh/disclosures/", "/zh/disclosures/cold-wave-alert", "/zh/nothing",
    "/zh/disclosures/tap-water-rumour", "/zh/search?q=洪水", "/zh/search?q=qqqxyz", "/zh/search",
])
def test_chinese_pages_show_no_english_ui_string(client, url):
    html = client.get(url).get_data(as_text=True)
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S))
    text = re.sub(r"https?://\S+", " ", text)  # printed URLs are addresses, not UI
    leaked = sorted({s for s in ui_strings() if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)})
    assert leaked == []
