"""The static mirror on a plain static server with no configuration: every page is
text/html at its own URL, and no page shows filters that cannot work there."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask import url_for

from portal.freeze import freeze, urls

BUNDLED = Path(__file__).parent.parent / "content"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    from portal import create_app, prepare
    tmp = tmp_path_factory.mktemp("mirror")
    app = prepare(create_app({
        "TESTING": True, "CONTENT_DIR": str(BUNDLED), "BUILD_DIR": str(tmp / "build"),
        "INDEX_DIR": str(tmp / "index"), "BASE_URL": "https://example.org",
        "RELOAD_INTERVAL": 0}))
    target = tmp / "site"
    freeze(app, target)
    freeze(app, target)  # again over the first: the swap works on an existing mirror
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                               "127.0.0.1", "--directory", str(target)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    with app.test_request_context():
        pages = [url_for(endpoint, **values) for endpoint, values in urls(app)]
    yield base, pages, target
    server.terminate()
    server.wait(timeout=10)


def test_every_page_is_served_as_html_at_its_url(mirror):
    base, pages, _ = mirror
    html_pages = [p for p in pages if "." not in p.rsplit("/", 1)[-1]]
    assert len(html_pages) > 50
    for path in html_pages:
        with urllib.request.urlopen(base + path, timeout=5) as response:
            assert response.status == 200, path
            assert response.headers.get_content_type() == "text/html", path
            body = response.read().decode()
            assert body.lstrip().lower().startswith("<!doctype html"), path
            assert 'class="filters"' not in body, path


def test_feeds_keep_their_urls_and_types(mirror):
    base, pages, _ = mirror
    with urllib.request.urlopen(base + "/en/feeds/disclosures.atom", timeout=5) as response:
        assert response.headers.get_content_type() == "application/atom+xml"
    with urllib.request.urlopen(base + "/en/feeds/disclosures.json", timeout=5) as response:
        assert response.headers.get_content_type() == "application/json"


def test_no_page_is_left_as_a_file_without_an_extension(mirror):
    _, _, target = mirror
    for path in target.rglob("*"):
        if path.is_file() and not path.suffix and "static" not in path.parts:
            assert not path.read_bytes().lstrip().lower().startswith(b"<!doctype"), path
    assert not any(p.name.startswith(".site.") for p in target.parent.iterdir())
