"""The search page through real requests: the issue's done-when, and what a reader sees."""
import datetime as dt
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from portal.kinds import load
from portal.search import engine
from portal.search.text import plain_text

BUNDLED = Path(__file__).resolve().parent.parent / "content"


def result_links(response):
    html = response.get_data(as_text=True)
    ol = html.split('<ol class="results"', 1)
    return re.findall(r'<h3><a href="([^"]+)">', ol[1]) if len(ol) == 2 else []


def status(response):
    return re.search(r'<p role="status"[^>]*>(.*?)</p>', response.get_data(as_text=True),
                     re.S).group(1).strip()


@pytest.mark.parametrize("query", [
    "切勿在流动的水中行走",  # a phrase from the guide, as it is written
    "“切勿在流动的水中行走”",  # quoted
    "切勿在 流动的 水中 行走",  # the same words, segmented differently
    "切勿 在 流动 的 水 中行走",
    "流动的水",
])
def test_a_chinese_phrase_and_differently_segmented_words_find_the_guide_first(client, query):
    response = client.get("/zh/search", query_string={"q": query})
    assert response.status_code == 200
    assert result_links(response)[0] == "/zh/guides/flood-safety"


def test_the_same_holds_for_a_bundled_chinese_guide(make_app):
    library = load(BUNDLED)
    guide = next(item for item in sorted(library.all(), key=lambda i: i.slug)
                 if item.lang == "zh" and item.section == "guides" and not item.draft)
    run = max(re.findall(r"[\u4e00-\u9fff]{8,}", plain_text(guide.html)), key=len)[:10]
    resegmented = " ".join([run[:3], run[3:5], run[5:]])
    client = make_app(content=BUNDLED).test_client()
    for query in (run, f"“{run}”", resegmented):
        links = result_links(client.get("/zh/search", query_string={"q": query}))
        assert links and links[0] == f"/zh/guides/{guide.slug}", query


def test_an_inflected_english_word_finds_its_stem(client):
    response = client.get("/en/search?q=floods")
    links = result_links(response)
    assert "/en/guides/flood-safety" in links
    assert "<mark>flooding</mark>" in response.get_data(as_text=True).lower()


def test_a_misspelled_word_gets_the_right_suggestion(client):
    response = client.get("/en/search?q=eartquake")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'Did you mean <a href="/en/search?q=earthquake">earthquake</a>?' in html
    assert "/en/guides/earthquake-drop-cover" in result_links(client.get("/en/search?q=earthquake"))


def test_a_suggestion_that_runs_out_of_time_is_left_out_not_a_failed_search(client,
                                                                            monkeypatch):
    # On a busy machine the time limit can pass while the corrected words are tried.
    from portal.search import spelling
    nearest = spelling.Vocabulary.nearest

    def slow(self, word):
        time.sleep(engine.TIME_LIMIT)
        return nearest(self, word)
    monkeypatch.setattr(spelling.Vocabulary, "nearest", slow)
    response = client.get("/en/search?q=eartquake")
    assert response.status_code == 200
    assert "Did you mean" not in response.get_data(as_text=True)
    assert status(response)


def test_no_suggestion_when_the_words_are_known(client):
    assert "Did you mean" not in client.get("/en/search?q=flood").get_data(as_text=True)


def test_filters_narrow_results_and_facets_count_them(client):
    everything = result_links(client.get("/en/search?q=flood"))
    guides = result_links(client.get("/en/search?q=flood&kind=self-help"))
    alerts = result_links(client.get("/en/search?q=flood&type=alert"))
    assert len(everything) > len(guides) >= 1 and len(everything) > len(alerts) >= 1
    assert all("/guides/" in link for link in guides)
    assert all("/disclosures/" in link for link in alerts)
    assert set(guides) | set(alerts) <= set(everything)
    html = client.get("/en/search?q=flood").get_data(as_text=True)
    count = sum(1 for link in everything if "/disclosures/" in link)
    assert re.search(r"Alert <span class=\"count\">\(\d+\)</span>", html)
    assert count >= len(alerts)


def test_hazard_filter_and_bad_filter_values(client):
    assert result_links(client.get("/en/search?q=water&hazard=earthquake")) == []
    assert client.get("/en/search?q=flood&hazard=tsunami").status_code == 400
    assert client.get("/en/search?q=flood&kind=<script>").status_code == 400


def test_pagination(client, monkeypatch):
    monkeypatch.setattr("portal.views.search.PAGE_SIZE", 2)
    first = client.get("/en/search?q=flood")
    html = first.get_data(as_text=True)
    total = int(re.match(r"\d+", status(first)).group())
    assert total > 2 and len(result_links(first)) == 2
    assert 'aria-label="Result pages"' in html and 'rel="next"' in html
    second = client.get("/en/search?q=flood&page=2")
    assert '<ol class="results" start="3">' in second.get_data(as_text=True)
    assert not set(result_links(first)) & set(result_links(second))
    for page in ("0", "-3", "abc", "99999"):
        assert client.get(f"/en/search?q=flood&page={page}").status_code == 200


def test_empty_query_and_no_results_are_helpful(client):
    empty = client.get("/en/search")
    assert empty.status_code == 200
    assert 'href="/en/guides/"' in empty.get_data(as_text=True)
    none = client.get("/en/search?q=zzzqqqxxx")
    html = none.get_data(as_text=True)
    assert status(none).startswith("0 results")
    assert "Nothing found" in html and 'href="/en/hotlines"' in html
    stop = client.get("/en/search?q=the")
    assert "no words we can search for" in status(stop)


def test_the_page_is_accessible_without_javascript(client):
    html = client.get("/en/search?q=flood").get_data(as_text=True)
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert '<label for="search-q">' in html and 'id="search-q"' in html and 'name="q"' in html
    assert re.search(r'<form class="search-form" role="search" method="get" action="/en/search">',
                     html)
    assert '<p role="status"' in html
    # Searching needs no script: the only script is the site's own deferred offline helper.
    scripts = re.findall(r"<script[^>]*>", html)
    assert all(re.fullmatch(r'<script src="/static/js/offline\.[0-9a-f]{12}\.js" defer>', s)
               for s in scripts), scripts


def test_the_query_is_escaped_everywhere(client):
    nasty = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    html = client.get("/en/search", query_string={"q": nasty}).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_drafts_never_and_scheduled_items_only_from_their_time(client, clock):
    assert "unfinished-draft" not in " ".join(result_links(client.get("/en/search?q=scams")))
    assert result_links(client.get("/en/search?q=drill")) == []
    clock.now = dt.datetime(2026, 12, 2, tzinfo=dt.timezone.utc)
    assert result_links(client.get("/en/search?q=drill")) == ["/en/disclosures/scheduled-drill"]


def test_a_result_in_another_language_is_marked_and_links_to_it(client):
    html = client.get("/en/search?q=洪水").get_data(as_text=True)
    assert '<li class="result" lang="zh">' in html
    assert 'href="/zh/guides/flood-safety"' in html


def test_each_translation_appears_once_in_the_readers_language(client):
    links = result_links(client.get("/zh/search?q=flooding"))
    assert "/zh/guides/flood-safety" in links and "/en/guides/flood-safety" not in links


def test_every_search_has_a_time_limit(client, monkeypatch):
    monkeypatch.setattr(engine, "TIME_LIMIT", 0.0)
    response = client.get("/en/search?q=flood water")
    assert response.status_code == 200
    assert "took too long" in response.get_data(as_text=True)


def test_popular_queries_come_from_the_cache_of_this_generation(app, client):
    client.get("/en/search?q=flood")
    index = app.extensions["portal.search"].index_for(app.extensions["portal.store"].library)
    hits = index.cache.hits
    client.get("/en/search?q=flood")
    client.get("/en/search?q=Flood")  # the same terms: the same answer
    assert index.cache.hits == hits + 2


def test_no_index_is_a_503_page_not_a_crash(make_app, tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("")
    client = make_app(INDEX_DIR=str(blocked)).test_client()
    response = client.get("/en/search?q=flood")
    assert response.status_code == 503
    assert "not available" in response.get_data(as_text=True)


def test_every_page_links_the_opensearch_description_and_a_search_form(client):
    for url in ("/en/", "/zh/guides/", "/en/disclosures/tap-water-rumour", "/en/nothing"):
        html = client.get(url).get_data(as_text=True)
        assert ('<link rel="search" type="application/opensearchdescription+xml"' in html), url
        assert 'role="search"' in html and 'name="q"' in html, url
        assert re.search(r'<label for="site-search-q">', html) or "/search" in url


def test_opensearch_description(client):
    response = client.get("/opensearch.xml?lang=zh")
    assert response.status_code == 200
    assert response.mimetype == "application/opensearchdescription+xml"
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    root = ET.fromstring(response.data)
    assert len(root.find("os:ShortName", ns).text) <= 16
    url = root.find("os:Url[@type='text/html']", ns)
    assert url.get("template") == "https://example.org/zh/search?q={searchTerms}"
    plain = client.get("/opensearch.xml", headers={"Accept-Language": "zh"})
    assert plain.headers["Vary"] == "Accept-Language"
    assert client.get("/opensearch.xml?lang=fr").status_code == 404
