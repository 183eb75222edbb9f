"""create_app reads PORTAL_* settings and serves the bundled content by default."""
from portal import create_app
from portal.settings import ROOT


def test_defaults_serve_the_bundled_content(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_BUILD_DIR", str(tmp_path))
    app = create_app()
    assert app.config["CONTENT_DIR"] == str(ROOT / "content")
    assert len(app.extensions["portal.store"].library) > 20


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    from tests.conftest import CONTENT
    monkeypatch.setenv("PORTAL_CONTENT_DIR", str(CONTENT))
    monkeypatch.setenv("PORTAL_BASE_URL", "https://alerts.example.gov")
    monkeypatch.setenv("PORTAL_BUILD_DIR", str(tmp_path))
    monkeypatch.setenv("PORTAL_CACHE_MAX_AGE", "30")
    app = create_app()
    assert app.config["BASE_URL"] == "https://alerts.example.gov"
    assert app.config["CACHE_MAX_AGE"] == 30
    assert app.extensions["portal.store"].library.get("en", "guides", "flood-safety",
                                                       app.extensions["portal.store"].now())
