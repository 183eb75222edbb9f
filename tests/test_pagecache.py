"""Pages come from memory per content state: a repeat visit renders nothing."""
import datetime as dt

import pytest
from flask import template_rendered

from portal.pagecache import Page, PageCache

GUIDE = "/en/guides/flood-safety"


@pytest.fixture
def renders(app):
    """Names of the templates rendered while the test runs."""
    seen = []

    def record(sender, template, context, **extra):
        seen.append(template.name)

    template_rendered.connect(record, app)
    yield seen
    template_rendered.disconnect(record, app)


def cache(app) -> PageCache:
    return app.extensions["portal.pagecache"]


def without_date(response):
    return [(k, v) for k, v in response.headers.items() if k != "Date"]


def test_a_repeat_visit_is_the_same_bytes_and_headers_without_rendering(client, renders):
    first = client.get(GUIDE)
    assert first.status_code == 200 and renders == ["guide.html"]
    second = client.get(GUIDE)
    assert renders == ["guide.html"]
    assert second.data == first.data
    assert sorted(without_date(second)) == sorted(without_date(first))


def test_the_etag_is_strong_and_the_same_on_a_hit_and_a_miss(client):
    miss, hit = client.get(GUIDE), client.get(GUIDE)
    assert miss.headers["ETag"] == hit.headers["ETag"]
    assert miss.headers["ETag"].startswith('"') and not miss.headers["ETag"].startswith("W/")


@pytest.mark.parametrize("tag", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_conditional_get_of_a_cached_page_is_304_with_cache_headers(client, tag):
    etag = client.get(GUIDE).headers["ETag"]
    client.get(GUIDE)  # now cached
    response = client.get(GUIDE, headers={"If-None-Match": tag.format(etag=etag)})
    assert response.status_code == 304 and response.data == b""
    assert response.headers["ETag"] == etag
    assert "stale-if-error" in response.headers["Cache-Control"]
    assert "Content-Security-Policy" in response.headers
    assert "Content-Length" not in response.headers


def test_a_stale_tag_gets_the_full_page(client):
    client.get(GUIDE)
    response = client.get(GUIDE, headers={"If-None-Match": '"not-the-page"'})
    assert response.status_code == 200 and b"Staying safe in a flood" in response.data


def test_head_is_answered_from_the_same_entry_without_a_body(client, renders):
    get = client.get(GUIDE)
    head = client.head(GUIDE)
    assert renders == ["guide.html"]
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(get.data))
    assert head.headers["ETag"] == get.headers["ETag"]


def test_path_query_and_language_are_separate_entries(app, client, renders):
    urls = ["/en/guides/", "/en/guides/?kind=self-help", "/zh/guides/", "/en/guides/flood-rescue"]
    bodies = [client.get(url).data for url in urls]
    assert len(set(bodies)) == len(urls)
    assert [client.get(url).data for url in urls] == bodies
    assert len(renders) == len(urls)
    assert len(cache(app)) == len(urls)


def test_the_language_redirect_is_never_cached(app, client):
    zh = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    en = client.get("/", headers={"Accept-Language": "en-GB"})
    assert zh.location.endswith("/zh/") and en.location.endswith("/en/")
    assert en.headers["Vary"] == "Accept-Language"
    assert len(cache(app)) == 0


@pytest.mark.parametrize("url", ["/en/guides/no-such-guide", "/xx/", "/en/guides/?kind=bogus",
                                 "/en/feeds/disclosures.atom", "/healthz", "/robots.txt"])
def test_only_successful_html_pages_are_kept(app, client, url):
    client.get(url)
    assert len(cache(app)) == 0


def test_other_methods_pass_through(client):
    client.get(GUIDE)
    assert client.post(GUIDE).status_code == 405


def test_a_forged_host_never_reaches_other_visitors(client):
    client.get(GUIDE, headers={"Host": "evil.example"})
    assert b"evil.example" not in client.get(GUIDE).data


def test_a_new_content_generation_is_served_at_once(make_app, content_dir):
    app = make_app(content_dir)
    client = app.test_client()
    assert b"Staying safe in a flood" in client.get(GUIDE).data
    path = content_dir / "en" / "guides" / "flood-safety.md"
    path.write_text(path.read_text().replace("Staying safe in a flood", "Flood safety, revised"))
    app.extensions["portal.store"].reload()
    assert b"Flood safety, revised" in client.get(GUIDE).data
    assert len(cache(app)) == 1  # the old state's pages are gone


def test_a_scheduled_disclosure_appears_when_its_time_comes(client, clock):
    assert b"Earthquake drill next month" not in client.get("/en/disclosures/").data
    clock.now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert b"Earthquake drill next month" in client.get("/en/disclosures/").data


def test_a_guide_shows_it_is_due_for_review_the_day_after_review_by(client, clock):
    url = "/en/guides/fire-escape-plan"
    assert b"due for review" not in client.get(url).data
    clock.now = dt.datetime(2027, 8, 2, 12, 0, tzinfo=dt.timezone.utc)
    assert b"due for review" in client.get(url).data


def test_hostile_query_strings_cannot_grow_the_cache_past_its_bound(make_app):
    app = make_app(PAGE_CACHE_MAX_ENTRIES=8)
    client = app.test_client()
    for n in range(100):
        assert client.get(f"{GUIDE}?junk={n}").status_code == 200
    assert len(cache(app)) == 8


def test_the_cache_is_bounded_in_bytes(make_app):
    app = make_app(PAGE_CACHE_MAX_BYTES=3 * len(make_app().test_client().get(GUIDE).data))
    client = app.test_client()
    for n in range(20):
        client.get(f"{GUIDE}?n={n}")
    assert len(cache(app)) <= 3 and cache(app).size <= app.config["PAGE_CACHE_MAX_BYTES"]


def page(body: bytes) -> Page:
    return Page(body, '"x"', [], [])


def test_least_recently_used_pages_leave_first():
    pages = PageCache(max_entries=2)
    pages.put("s", "a", page(b"a"))
    pages.put("s", "b", page(b"b"))
    assert pages.get("s", "a") is not None  # a is now the most recent
    pages.put("s", "c", page(b"c"))
    assert pages.get("s", "b") is None
    assert pages.get("s", "a").body == b"a" and pages.get("s", "c").body == b"c"


def test_a_new_state_drops_every_page_of_the_old_one():
    pages = PageCache()
    pages.put("old", "a", page(b"aaaa"))
    assert pages.get("new", "a") is None
    pages.put("new", "b", page(b"b"))
    assert pages.get("old", "a") is None and len(pages) == 1 and pages.size == 1


def test_replacing_a_page_keeps_the_byte_count_right():
    pages = PageCache()
    pages.put("s", "a", page(b"aaaa"))
    pages.put("s", "a", page(b"aa"))
    assert pages.size == 2 and len(pages) == 1
