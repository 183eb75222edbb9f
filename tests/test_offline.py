"""Offline reading, without a browser: the worker, the manifest per language, the list
of saved pages with their sizes, the strict CSP, and nothing of it in the static mirror."""
from __future__ import annotations

import pytest

from tests.conftest import CONTENT


@pytest.fixture
def bundled(make_app):
    return make_app(CONTENT.parent.parent / "content")


def test_the_worker_is_served_at_the_root_with_a_strict_policy(bundled):
    response = bundled.test_client().get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert b"__VERSION__" not in response.data
    page = bundled.test_client().get("/en/")
    csp = page.headers["Content-Security-Policy"]
    assert "worker-src 'self'" in csp and "manifest-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    html = page.get_data(as_text=True)
    assert '<link rel="manifest" href="/en/manifest.webmanifest">' in html
    assert "<script>" not in html  # the script is a file of the site's own


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_manifest_per_language_with_its_name_and_icons(bundled, lang):
    client = bundled.test_client()
    response = client.get(f"/{lang}/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    site = bundled.extensions["portal.store"].library.site
    assert manifest["name"] == site.names[lang]
    assert manifest["start_url"] == f"/{lang}/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        answer = client.get(icon["src"])
        assert answer.status_code == 200, icon
        answer.close()


def test_the_offline_list_names_every_guide_place_and_plan_with_its_size(bundled):
    client = bundled.test_client()
    listed = client.get("/zh/offline.json").get_json()
    store = bundled.extensions["portal.store"]
    library, now = store.library, store.now()
    urls = {entry["url"]: entry["bytes"] for entry in listed["urls"]}
    for kind in ("guides", "places", "plans"):
        for item in library.section("zh", kind, now):
            assert f"/zh/{kind}/{item.slug}" in urls
    assert "/zh/hotlines" in urls and "/zh/" in urls
    # The sizes are what a browser downloads.
    for url in ("/zh/hotlines", f"/zh/guides/{library.section('zh', 'guides', now)[0].slug}"):
        assert urls[url] == len(client.get(url).data)
    assert listed["bytes"] == sum(urls.values())
    assert "12345" in listed["notice"] and "{time}" in listed["notice"]
    assert listed["state"] in (client.get("/zh/").headers["X-Content-State"],)


def test_without_javascript_the_save_control_is_hidden(bundled):
    html = bundled.test_client().get("/en/").get_data(as_text=True)
    start = html.index('class="offline-save"')
    assert " hidden" in html[html.rindex("<section", 0, start):html.index(">", start)]


def test_the_static_mirror_has_no_worker_and_no_manifest_link(bundled, tmp_path):
    from portal.freeze import freeze
    target = tmp_path / "mirror"
    freeze(bundled, target)
    assert not (target / "sw.js").exists()
    home = (target / "en" / "index.html").read_text(encoding="utf-8")
    assert 'rel="manifest"' not in home and "offline.js" not in home
    assert 'class="offline-save"' not in home
    assert (target / "en" / "handbook.pdf").read_bytes().startswith(b"%PDF")
