"""Atom and RSS feeds: valid, complete, stable, and cheap to poll."""
import feedparser
import pytest

from portal import feeds
from portal.kinds.disclosures.feed import entry, entry_id
from portal.kinds.disclosures.queries import disclosures
from portal.kinds import load
from tests.conftest import CONTENT, NOW

TYPES = ["disclosures", "announcement", "rumour-correction", "alert"]
HAZARDS = ["flood", "earthquake", "fire", "infectious-disease", "fraud"]
FEED_URLS = [f"/{lang}/feeds/{name}.{fmt}" for lang in ("en", "zh") for fmt in ("atom", "rss")
             for name in TYPES + [f"hazards/{h}" for h in HAZARDS]]


@pytest.mark.parametrize("url", FEED_URLS)
def test_every_feed_is_valid_and_has_what_validators_require(client, url):
    response = client.get(url)
    assert response.status_code == 200
    fmt = url.rsplit(".", 1)[1]
    assert response.content_type == f"application/{fmt}+xml; charset=utf-8"
    parsed = feedparser.parse(response.data)
    assert parsed.bozo is False, parsed.get("bozo_exception")
    lang = url.split("/")[1]
    assert parsed.feed.language == lang
    self_links = [l.href for l in parsed.feed.links if l.rel == "self"]
    assert self_links == [f"https://example.org{url}"]
    assert parsed.feed.get("updated")
    if fmt == "atom":
        assert parsed.feed.id and parsed.feed.author_detail.name
    for entry in parsed.entries:
        assert entry.id.startswith("tag:example.org,2026-")
        assert entry.get("published") and entry.get("author")
        if fmt == "atom":
            assert entry.get("updated")
        assert entry.link.startswith(f"https://example.org/{lang}/disclosures/")


def test_entries_are_newest_first_and_feed_updated_is_the_newest_entry(client):
    parsed = feedparser.parse(client.get("/en/feeds/disclosures.atom").data)
    published = [e.published_parsed for e in parsed.entries]
    assert published == sorted(published, reverse=True)
    assert parsed.feed.updated == max(e.updated for e in parsed.entries) or \
        parsed.feed.updated_parsed == max(e.updated_parsed for e in parsed.entries)
    assert [e.title for e in parsed.entries][0] == "Cold wave alert"


def test_feeds_have_full_content_categories_and_issuer(client):
    parsed = feedparser.parse(client.get("/en/feeds/rumour-correction.atom").data)
    [entry] = parsed.entries
    assert "Water tests on 12 and 13 November found the water safe." in entry.content[0].value
    assert "Tap water in the district is poisoned after the flood." in entry.content[0].value
    assert {t.term for t in entry.tags} == {"rumour-correction", "false", "flood"}
    assert entry.author == "Emergency Office"
    assert entry.updated_parsed[:3] == (2026, 11, 13)


def test_type_and_hazard_feeds_only_hold_their_entries(client):
    alerts = feedparser.parse(client.get("/en/feeds/alert.rss").data)
    assert {e.title for e in alerts.entries} == {
        "Cold wave alert", "Orange heavy rain warning", "Yellow heavy rain warning"}
    quake = feedparser.parse(client.get("/en/feeds/hazards/earthquake.atom").data)
    assert quake.entries == []


def test_chinese_feed_falls_back_to_english_entries(client):
    parsed = feedparser.parse(client.get("/zh/feeds/disclosures.atom").data)
    by_title = {e.title: e for e in parsed.entries}
    assert by_title["寒潮预警"].title_detail.language == "zh"
    # An English item standing in for a missing translation says so, in the title and
    # in its language mark.
    english = by_title["Tap water is safe to drink（英语）"]
    assert english.title_detail.language == "en"
    assert english.content[0].language == "en"


def test_conditional_get_answers_304_with_no_body(client):
    first = client.get("/en/feeds/disclosures.atom")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith('W/')
    assert first.headers["Last-Modified"]
    assert "stale-while-revalidate" in first.headers["Cache-Control"]
    again = client.get("/en/feeds/disclosures.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/en/feeds/disclosures.atom",
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304 and since.data == b""


def test_unknown_feed_is_a_404(client):
    for url in ("/en/feeds/nothing.atom", "/en/feeds/alert.xml", "/en/feeds/nothing.json",
                "/en/feeds/hazards/tsunami.rss"):
        assert client.get(url).status_code == 404


def test_pages_advertise_their_feeds(client):
    html = client.get("/en/hazards/flood").get_data(as_text=True)
    assert 'type="application/atom+xml"' in html and 'href="/en/feeds/hazards/flood.atom"' in html
    assert 'href="/en/feeds/disclosures.rss"' in client.get("/en/").get_data(as_text=True)


def test_entry_id_survives_a_title_edit(content_dir):
    library = load(content_dir)
    before = entry_id("https://example.org", library.get("en", "disclosures", "tap-water-rumour", NOW))
    path = content_dir / "en/disclosures/tap-water-rumour.md"
    path.write_text(path.read_text().replace("title: Tap water is safe to drink", "title: 'Tap water: safe'"))
    after_item = load(content_dir).get("en", "disclosures", "tap-water-rumour", NOW)
    assert after_item.title == "Tap water: safe"
    assert entry_id("https://example.org", after_item) == before


def test_core_builds_feeds_without_an_app():
    library = load(CONTENT)
    spec = feeds.FeedSpec(lang="en", title="T", subtitle="S", self_url="https://x.org/f",
                          page_url="https://x.org/p", base_url="https://x.org")
    entries = [entry(item, library.site, "en", "https://x.org", f"https://x.org/{item.slug}",
                     lambda kind, value: value)
               for item in disclosures(library, "en", NOW)]
    built = feeds.build(spec, entries, "Office")
    assert feedparser.parse(built.atom).bozo is False
    assert feedparser.parse(built.rss).bozo is False
    assert len(feedparser.parse(built.atom).entries) == len(entries) > 3
    empty = feeds.build(spec, [], "Office")
    assert empty.updated == feeds.EPOCH
