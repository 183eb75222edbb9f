"""WebSub hub advertising and pings, and RFC 5005 feed archives."""
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import feedparser
import pytest
from lxml import etree

from tests.test_reload import NEW
from tests.conftest import write


class Hub(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        Hub.received.append(urllib.parse.parse_qs(self.rfile.read(length).decode()))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hub():
    Hub.received = []
    server = HTTPServer(("127.0.0.1", 0), Hub)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


def test_feeds_advertise_the_hub(make_app, hub):
    client = make_app(WEBSUB_HUB=hub).test_client()
    response = client.get("/en/feeds/alert.atom")
    assert response.headers["Link"] == (
        f'<{hub}>; rel="hub", <https://example.org/en/feeds/alert.atom>; rel="self"')
    for url in ("/en/feeds/alert.atom", "/zh/feeds/hazards/flood.rss"):
        links = feedparser.parse(client.get(url).data).feed.links
        assert [l.href for l in links if l.rel == "hub"] == [hub]


def test_no_hub_no_advertising(client):
    response = client.get("/en/feeds/alert.atom")
    assert "Link" not in response.headers and b'rel="hub"' not in response.data


def test_a_published_disclosure_pings_the_hub_for_its_feeds(make_app, content_dir, hub):
    app = make_app(content_dir, WEBSUB_HUB=hub, RELOAD_INTERVAL=60, RELOAD_SETTLE=0.01)
    write(content_dir / "en/disclosures/boil-water-lifted.md", NEW)
    assert app.extensions["portal.watcher"].check()
    pinged = {entry["hub.url"][0] for entry in Hub.received}
    assert all(entry["hub.mode"] == ["publish"] for entry in Hub.received)
    for lang in ("en", "zh"):
        for fmt in ("atom", "rss"):
            assert f"https://example.org/{lang}/feeds/disclosures.{fmt}" in pinged
            assert f"https://example.org/{lang}/feeds/announcement.{fmt}" in pinged
            assert f"https://example.org/{lang}/feeds/hazards/flood.{fmt}" in pinged
    assert not any("alert" in url or "earthquake" in url for url in pinged)


def test_a_guide_edit_pings_nothing(make_app, content_dir, hub):
    app = make_app(content_dir, WEBSUB_HUB=hub, RELOAD_INTERVAL=60, RELOAD_SETTLE=0.01)
    path = content_dir / "en/guides/flood-safety.md"
    path.write_text(path.read_text() + "\nMore advice.\n")
    assert app.extensions["portal.watcher"].check()
    assert Hub.received == []


def links(document):
    return {l.get("rel"): l.get("href") for l in document.iterfind("{http://www.w3.org/2005/Atom}link")}


def test_archives_keep_the_whole_history_reachable(make_app):
    client = make_app(FEED_SIZE=2).test_client()
    current = etree.fromstring(client.get("/en/feeds/disclosures.atom").data)
    assert len(current.findall("{http://www.w3.org/2005/Atom}entry")) == 2
    # 7 public disclosures in English at the tests' "now": pages 1-3 are complete archives.
    assert links(current)["prev-archive"] == "https://example.org/en/feeds/disclosures/archive/3.atom"

    seen, url = [], links(current)["prev-archive"]
    while url:
        response = client.get(url.replace("https://example.org", ""))
        assert response.status_code == 200
        page = etree.fromstring(response.data)
        assert page.find("{http://purl.org/syndication/history/1.0}archive") is not None
        assert links(page)["current"] == "https://example.org/en/feeds/disclosures.atom"
        assert not feedparser.parse(response.data).bozo
        seen += [e.findtext("{http://www.w3.org/2005/Atom}id")
                 for e in page.iterfind("{http://www.w3.org/2005/Atom}entry")]
        url = links(page).get("prev-archive")
    newest = [e.findtext("{http://www.w3.org/2005/Atom}id")
              for e in current.iterfind("{http://www.w3.org/2005/Atom}entry")]
    everything = feedparser.parse(make_app().test_client().get("/en/feeds/disclosures.atom").data)
    assert set(seen) | set(newest) == {e.id for e in everything.entries}
    first = etree.fromstring(client.get("/en/feeds/disclosures/archive/1.atom").data)
    assert "prev-archive" not in links(first)
    assert links(first)["next-archive"] == "https://example.org/en/feeds/disclosures/archive/2.atom"


def test_rss_links_to_archives_too_and_missing_pages_are_404(make_app):
    client = make_app(FEED_SIZE=2).test_client()
    assert b'rel="prev-archive"' in client.get("/en/feeds/disclosures.rss").data
    assert client.get("/en/feeds/disclosures/archive/4.atom").status_code == 404
    assert client.get("/en/feeds/disclosures/archive/0.atom").status_code == 404
    assert client.get("/en/feeds/hazards/flood/archive/1.atom").status_code == 200


def test_small_feeds_have_no_archives(client):
    assert b"prev-archive" not in client.get("/en/feeds/disclosures.atom").data
