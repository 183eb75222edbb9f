"""Security and cache headers on every kind of answer: pages, feeds, errors, static files."""
import gzip
import re
from html.parser import HTMLParser

import brotli
import pytest

from portal.headers import CSP

PAGE = "/en/guides/flood-safety"
ANSWERS = {
    "page": PAGE,
    "page (cached)": PAGE,
    "home": "/zh/",
    "list": "/en/guides/?kind=self-help",
    "feed atom": "/en/feeds/disclosures.atom",
    "feed rss": "/zh/feeds/alert.rss",
    "cap": "/en/disclosures/cold-wave-alert.cap",
    "not found": "/en/guides/no-such-guide",
    "no route": "/nowhere",
    "bad filter": "/en/guides/?kind=bogus",
    "redirect": "/",
    "healthz": "/healthz",
    "robots": "/robots.txt",
    "sitemap": "/sitemap.xml",
    "stylesheet": "css/site.css",
    "icon": "favicon.svg",
}


@pytest.fixture
def get(app, client):
    """GET a path, or a static file by its unhashed name; a server error on /boom."""
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)

    def get(path, **kwargs):
        if not path.startswith("/"):
            with app.test_request_context():
                from flask import url_for
                path = url_for("static", filename=path)
        if path == PAGE:
            client.get(path)  # the second answer is the cached one
        response = client.get(path, **kwargs)
        response.get_data()
        response.close()  # static files are open file handles until closed
        return response
    return get


def all_answers(get):
    answers = {name: get(path) for name, path in ANSWERS.items()}
    answers["server error"] = get("/boom")
    answers["not modified"] = get(PAGE, headers={"If-None-Match": answers["page"].headers["ETag"]})
    answers["feed not modified"] = get(
        ANSWERS["feed atom"], headers={"If-None-Match": answers["feed atom"].headers["ETag"]})
    return answers


def test_every_kind_of_answer_is_here(get):
    statuses = {name: r.status_code for name, r in all_answers(get).items()}
    assert statuses["server error"] == 500 and statuses["not found"] == 404
    assert statuses["bad filter"] == 400 and statuses["redirect"] == 302
    assert statuses["not modified"] == 304 == statuses["feed not modified"]
    assert all(statuses[name] == 200 for name in ("page", "feed atom", "stylesheet", "icon"))


def csp_directives(value: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in value.split(";"))


def test_csp_allows_nothing_inline_and_nothing_from_elsewhere(get):
    for name, response in all_answers(get).items():
        csp = csp_directives(response.headers["Content-Security-Policy"])
        assert csp["default-src"] == "'none'", name
        for directive in ("script-src", "style-src", "img-src", "form-action"):
            assert csp[directive] == "'self'", (name, directive)
        for directive in ("base-uri", "object-src", "frame-ancestors"):
            assert csp[directive] == "'none'", (name, directive)
        assert "unsafe" not in response.headers["Content-Security-Policy"]
        assert response.headers["Content-Security-Policy"] == CSP


@pytest.mark.parametrize("header, value", [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
])
def test_header_is_on_every_answer(get, header, value):
    for name, response in all_answers(get).items():
        assert response.headers.get(header) == value, name


def test_permissions_policy_turns_off_powerful_features_everywhere(get):
    for name, response in all_answers(get).items():
        policy = dict(part.strip().split("=")
                      for part in response.headers["Permissions-Policy"].split(","))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert policy[feature] == "()", (name, feature)


def test_every_textual_answer_names_its_charset(get):
    for name, response in all_answers(get).items():
        if response.status_code == 304:
            continue
        content_type = response.headers["Content-Type"]
        assert re.search(r'charset="?utf-8"?', content_type, re.I), (name, content_type)


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get(PAGE).headers
    secure = client.get(PAGE, base_url="https://example.org")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    again = client.get(PAGE, base_url="https://example.org")  # from the page cache
    assert again.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get(PAGE).headers


def test_forwarded_proto_counts_only_behind_a_configured_proxy(make_app):
    forwarded = {"X-Forwarded-Proto": "https"}
    direct = make_app().test_client().get(PAGE, headers=forwarded)
    assert "Strict-Transport-Security" not in direct.headers
    proxied = make_app(PROXY_FIX=1).test_client().get(PAGE, headers=forwarded)
    assert "Strict-Transport-Security" in proxied.headers


@pytest.mark.parametrize("path", [PAGE, "/en/", "/zh/guides/", "/en/feeds/disclosures.atom",
                                  "/en/feeds/hazards/flood.rss"])
def test_pages_and_feeds_may_be_cached_briefly_and_served_stale(get, path):
    response = get(path)
    cache_control = dict(
        (part.split("=") + [True])[:2] for part in response.headers["Cache-Control"].split(", "))
    assert cache_control == {"public": True, "max-age": "60", "stale-while-revalidate": "300",
                             "stale-if-error": "86400"}
    assert response.headers["ETag"].startswith('"')


def test_errors_are_cached_briefly_and_failures_not_at_all(get):
    assert get("/en/guides/no-such-guide").headers["Cache-Control"] == "public, max-age=60"
    assert get("/boom").headers["Cache-Control"] == "no-store"
    assert get("/healthz").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("asset", ["css/site.css", "favicon.svg"])
def test_static_files_are_hashed_and_immutable_for_a_year(get, asset):
    response = get(asset)
    assert re.search(r"\.[0-9a-f]{12}\.\w+$", response.request.path)
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("encoding, decompress", [("gzip", gzip.decompress),
                                                  ("br", brotli.decompress)])
def test_static_files_are_served_compressed_when_accepted(get, encoding, decompress):
    plain = get("css/site.css")
    assert "Content-Encoding" not in plain.headers
    packed = get("css/site.css", headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == encoding
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert len(packed.data) < len(plain.data) / 2
    assert decompress(packed.data) == plain.data


def test_brotli_is_preferred_when_both_are_accepted(get):
    response = get("css/site.css", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"


class InlineFinder(HTMLParser):
    """Collects what a strict CSP would block: inline script, inline style, handlers."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        # A script file of the site's own (script-src 'self') is allowed; inline is not.
        own_file = (attrs.get("src") or "").startswith("/static/")
        if tag == "script" and attrs.get("type") != "application/ld+json" and not own_file:
            self.found.append(f"<script {attrs}>")
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{tag} {name}=")


@pytest.mark.parametrize("path", ["/en/", "/zh/", PAGE, "/en/guides/", "/en/disclosures/",
                                  "/en/disclosures/tap-water-rumour", "/en/hotlines",
                                  "/en/pages/about", "/en/hazards/flood", "/en/no-such-page"])
def test_pages_need_nothing_the_policy_blocks(client, path):
    finder = InlineFinder()
    finder.feed(client.get(path).get_data(as_text=True))
    assert finder.found == []
