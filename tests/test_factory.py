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


def test_the_readme_configuration_table_is_the_settings_table():
    import re

    from portal.settings import SETTINGS
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `PORTAL_([A-Z_]+)` \| ([^|]+) \|", readme, re.MULTILINE)
    assert [(name, shown.strip()) for name, shown in rows] == \
        [(s.name, s.shown_default()) for s in SETTINGS]


def test_settings_are_converted_once_and_bad_values_are_named(monkeypatch):
    import pytest

    from portal.settings import SettingError
    monkeypatch.setenv("PORTAL_RELOAD_INTERVAL", "0.25")
    monkeypatch.setenv("PORTAL_IMAGE_HOSTS", "images.example.org, maps.example.org")
    monkeypatch.setenv("PORTAL_STATIC_CORS", "yes")
    app = create_app()
    assert app.config["RELOAD_INTERVAL"] == 0.25
    assert app.config["IMAGE_HOSTS"] == ("images.example.org", "maps.example.org")
    assert app.config["STATIC_CORS"] is True
    monkeypatch.setenv("PORTAL_FEED_SIZE", "fifty")
    with pytest.raises(SettingError, match="PORTAL_FEED_SIZE"):
        create_app()


def test_creating_the_app_and_asking_for_help_write_nothing(tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    env = {"PATH": "/usr/bin:/bin", "PORTAL_BUILD_DIR": str(tmp_path / "build"),
           "PORTAL_INDEX_DIR": str(tmp_path / "index"), "HOME": str(tmp_path)}
    portal = Path(sys.executable).parent / "portal"
    for args in (["--help"], ["check"]):
        subprocess.run([str(portal), *args], env=env, cwd=tmp_path, capture_output=True,
                       timeout=120)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
