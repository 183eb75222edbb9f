import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import Phase, settings

from portal import create_app, prepare

# A failing example is reported once shrunk, without hypothesis's explain phase: that
# phase traces every line of each further example (tens of times slower), and one
# failing search case kept a CI run busy past its time limit instead of failing.
settings.register_profile("portal", settings.default,
                          phases=tuple(phase for phase in Phase if phase is not Phase.explain))
settings.load_profile("portal")

CONTENT = Path(__file__).parent / "content"
# The tests' "now": after the rain warnings expired, while the cold wave alert is in force.
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime = NOW):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def content_dir(tmp_path):
    """A private copy of tests/content that a test may change."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture
def make_app(tmp_path, clock):
    def make(content=CONTENT, **config):
        return prepare(create_app({
            "TESTING": True,
            "CONTENT_DIR": str(content),
            "BUILD_DIR": str(tmp_path / "build"),
            "INDEX_DIR": str(tmp_path / "index"),
            "BASE_URL": "https://example.org",
            "CLOCK": clock,
            "RELOAD_INTERVAL": 0,  # tests that want live reload turn it on
            "DATABASE_URL": f"sqlite:///{tmp_path}/portal.db",
            **config,
        }))
    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
