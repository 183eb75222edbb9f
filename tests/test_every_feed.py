"""Every feed the site publishes, as the tools that read them see it: valid, with
absolute links in the content, each entry marked with its language, and JSON Feed
1.1 beside Atom and RSS."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import lxml.html
import pytest
from flask import url_for

from portal.freeze import urls
from tests.conftest import write

BUNDLED = Path(__file__).parent.parent / "content"
FEED_TYPES = {"application/atom+xml", "application/rss+xml", "application/feed+json"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from portal import create_app, prepare
    tmp = tmp_path_factory.mktemp("feeds")
    app = prepare(create_app({
        "TESTING": True, "CONTENT_DIR": str(BUNDLED), "BUILD_DIR": str(tmp / "build"),
        "INDEX_DIR": str(tmp / "index"), "BASE_URL": "https://example.org",
        "RELOAD_INTERVAL": 0, "FEED_SIZE": 2}))  # small pages: archives exist
    return app


def _feed_urls(app) -> list[str]:
    """Every subscription feed any kind publishes, and every archive page they link."""
    with app.test_request_context():
        found = [url_for(endpoint, **values) for endpoint, values in urls(app)]
    client = app.test_client()
    feeds, queue, seen = [], list(found), set()
    while queue:
        url = queue.pop()
        if url in seen or not url.rsplit("/", 1)[-1].endswith((".atom", ".rss", ".json")):
            continue
        seen.add(url)
        response = client.get(url)
        if response.mimetype not in FEED_TYPES:
            continue
        feeds.append(url)
        if response.mimetype == "application/atom+xml":
            parsed = feedparser.parse(response.data)
            queue.extend(urlsplit(link.href).path for link in parsed.feed.get("links", ())
                         if link.rel in ("prev-archive", "next-archive"))
    return sorted(feeds)


def test_there_are_feeds_of_every_format_and_archives(site):
    found = _feed_urls(site)
    for lang in ("en", "zh"):
        for fmt in ("atom", "rss", "json"):
            assert f"/{lang}/feeds/disclosures.{fmt}" in found
        assert any("/archive/" in url and url.startswith(f"/{lang}/") for url in found)


def _links(html: str) -> list[str]:
    if not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [value for element in root.iter() for name in ("href", "src")
            if (value := element.get(name)) is not None]


def _json_feed_problems(document: dict) -> list[str]:
    """The JSON Feed 1.1 spec's required fields and types."""
    problems = []
    if document.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version")
    if not isinstance(document.get("title"), str) or not document["title"]:
        problems.append("title")
    for key in ("home_page_url", "feed_url"):
        if key in document and not str(document[key]).startswith("https://"):
            problems.append(key)
    if not isinstance(document.get("items"), list):
        return problems + ["items"]
    for item in document["items"]:
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append("item id")
        if not (isinstance(item.get("content_html"), str) or isinstance(item.get("content_text"), str)):
            problems.append(f"{item.get('id')}: content_html or content_text")
        for key in ("date_published", "date_modified"):
            if key in item:
                parsed = dt.datetime.fromisoformat(item[key])
                if parsed.tzinfo is None:
                    problems.append(f"{item['id']}: {key} without offset")
        for author in item.get("authors", []):
            if not any(author.get(k) for k in ("name", "url", "avatar")):
                problems.append(f"{item['id']}: author")
    return problems


def test_every_feed_is_valid_with_absolute_links_and_marked_languages(site):
    client = site.test_client()
    checked = 0
    for url in _feed_urls(site):
        response = client.get(url)
        lang = url.split("/")[1]
        if response.mimetype == "application/feed+json":
            document = json.loads(response.data)
            assert _json_feed_problems(document) == [], url
            assert document["language"] == lang, url
            contents = [(item.get("language", lang), item["title"], item["content_html"])
                        for item in document["items"]]
        else:
            # As written: feedparser would otherwise resolve relative links itself.
            parsed = feedparser.parse(response.data, resolve_relative_uris=False,
                                      sanitize_html=False)
            assert not parsed.bozo, (url, parsed.get("bozo_exception"))
            if response.mimetype == "application/atom+xml":
                contents = [(entry.content[0].language or lang, entry.title,
                             entry.content[0].value) for entry in parsed.entries]
            else:
                contents = [(entry.get("language", lang), entry.title,
                             entry.get("content", [{"value": entry.get("summary", "")}])[0]["value"])
                            for entry in parsed.entries]
        for entry_lang, title, content in contents:
            for link in _links(content):
                assert urlsplit(link).scheme in ("https", "mailto", "tel", "geo"), (url, link)
            if entry_lang != lang:
                # Said in the title too, in the feed's language.
                assert entry_lang == "en" and "（英语）" in title, (url, title)
            checked += 1
    assert checked > 50


def test_a_chinese_feed_marks_english_entries(site):
    client = site.test_client()
    parsed = feedparser.parse(client.get("/zh/feeds/disclosures.atom").data)
    languages = {entry.content[0].language for entry in parsed.entries}
    assert "zh" in languages
    rss = client.get("/zh/feeds/disclosures.rss").data.decode()
    document = json.loads(client.get("/zh/feeds/disclosures.json").data)
    for item in document["items"]:
        if item.get("language") == "en":
            assert f"<dc:language>en</dc:language>" in rss
            assert item["title"].endswith("（英语）")


def test_relative_links_in_a_body_become_absolute_in_every_format(make_app, content_dir):
    write(content_dir / "en/disclosures/see-the-guide.md", """---
title: Read the flood guide
summary: Where to find the flood guide.
type: announcement
issuer: emergency-office
published: 2026-11-19T09:00:00+08:00
---
Read [the flood guide](/en/guides/flood-safety), [this part](#steps) and
![a map](/static/favicon.svg).
""")
    client = make_app(content_dir).test_client()
    expected = {"https://example.org/en/guides/flood-safety",
                "https://example.org/en/disclosures/see-the-guide#steps",
                "https://example.org/static/favicon.svg"}
    atom = feedparser.parse(client.get("/en/feeds/announcement.atom").data,
                            resolve_relative_uris=False, sanitize_html=False)
    [entry] = [e for e in atom.entries if e.title == "Read the flood guide"]
    assert expected <= set(_links(entry.content[0].value))
    rss = feedparser.parse(client.get("/en/feeds/announcement.rss").data,
                           resolve_relative_uris=False, sanitize_html=False)
    [entry] = [e for e in rss.entries if e.title == "Read the flood guide"]
    assert expected <= set(_links(entry.content[0].value))
    document = json.loads(client.get("/en/feeds/announcement.json").data)
    [item] = [i for i in document["items"] if i["title"] == "Read the flood guide"]
    assert expected <= set(_links(item["content_html"]))
    assert client.get("/en/feeds/announcement.json").mimetype == "application/feed+json"


def test_last_modified_moves_when_the_text_changes_without_a_new_updated(make_app, content_dir,
                                                                         clock):
    app = make_app(content_dir)
    client = app.test_client()
    feed = "/en/feeds/rumour-correction.atom"
    first = client.get(feed)
    since = first.headers["Last-Modified"]
    assert client.get(feed, headers={"If-Modified-Since": since}).status_code == 304

    path = next((content_dir / "en/disclosures").glob("*.md"))
    for candidate in (content_dir / "en/disclosures").glob("*.md"):
        if "rumour-correction" in candidate.read_text():
            path = candidate
    path.write_text(path.read_text() + "\nA sentence added later, with no new `updated`.\n")
    app.extensions["portal.store"].reload()
    again = client.get(feed, headers={"If-Modified-Since": since})
    assert again.status_code == 200 and b"A sentence added later" in again.data
    assert again.headers["Last-Modified"] != since
    clock.now += dt.timedelta(seconds=5)
    assert client.get(feed, headers={"If-Modified-Since": again.headers["Last-Modified"]}
                      ).status_code == 304
