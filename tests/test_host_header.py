"""No answer a shared cache may keep depends on Host, X-Forwarded-Host or an echoed query."""
import http.client
import re

import pytest

from tests.gunicorn import ROOT, Gunicorn

FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
ANSWERS = [
    "/en/guides",                    # trailing-slash redirect
    "/en//guides/",                  # merged-slashes redirect
    "/en/guides/flood-safety",       # a page
    "/en/feeds/disclosures.atom",    # a feed
    "/sitemap.xml",
    "/robots.txt",
    "/opensearch.xml?lang=en",
    "/en/no-such-page",              # the error page
]


def answer(make_app, path, headers=None, **config):
    # A fresh app each time: a page cached by an earlier request must not hide
    # what this request would have made.
    response = make_app(**config).test_client().get(path, headers=headers or {})
    return (response.status_code, response.data,
            sorted((k, v) for k, v in response.headers.items() if k != "Date"))


@pytest.mark.parametrize("proxies", [0, 1])
@pytest.mark.parametrize("path", ANSWERS)
def test_forged_host_headers_change_nothing(make_app, path, proxies):
    normal = answer(make_app, path, PROXY_FIX=proxies)
    forged = answer(make_app, path, FORGED, PROXY_FIX=proxies)
    assert forged == normal
    assert b"evil.example" not in forged[1]
    assert not any("evil.example" in value for _, value in forged[2])


@pytest.mark.parametrize("path, location", [
    ("/en/guides", "https://example.org/en/guides/"),
    ("/en//guides/", "https://example.org/en/guides/"),
    ("/en/guides?kind=prevention", "https://example.org/en/guides/?kind=prevention"),
])
def test_redirects_go_to_the_configured_address(client, path, location):
    response = client.get(path, headers=FORGED)
    assert response.status_code in (301, 308)
    assert response.headers["Location"] == location


def test_a_query_string_is_not_echoed_into_a_page(client):
    html = client.get("/en/guides/flood-safety?utm_source=evil.example&lang=evil").get_data(as_text=True)
    assert "evil" not in html


def test_pages_name_their_canonical_address_without_the_query(client):
    html = client.get("/en/guides/flood-safety?utm_source=x").get_data(as_text=True)
    assert '<link rel="canonical" href="https://example.org/en/guides/flood-safety">' in html
    alternates = re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)">', html)
    assert alternates == [("en", "https://example.org/en/guides/flood-safety"),
                          ("zh", "https://example.org/zh/guides/flood-safety")]


def test_printed_from_is_the_address_without_the_query(client):
    html = client.get("/en/guides/flood-safety?utm_source=x").get_data(as_text=True)
    assert "https://example.org/en/guides/flood-safety</p>" in html


def test_the_page_cache_keeps_one_copy_whatever_the_host(app, client):
    client.get("/en/guides/flood-safety", headers=FORGED)
    client.get("/en/guides/flood-safety")
    assert len(app.extensions["portal.pagecache"]) == 1


def test_real_gunicorn_redirects_to_the_configured_address(tmp_path):
    server = Gunicorn(tmp_path, ROOT / "tests" / "content")
    try:
        server.wait_ready(workers=2)
        locations = set()
        for _ in range(4):  # spread over both workers
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            try:
                connection.request("GET", "/en/guides", headers=FORGED)
                response = connection.getresponse()
                response.read()
                assert response.status in (301, 308)
                locations.add(response.getheader("Location"))
            finally:
                connection.close()
    finally:
        server.stop()
    assert locations == {f"http://127.0.0.1:{server.port}/en/guides/"}
