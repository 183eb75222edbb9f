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


SHARED_BUILD = ("templates", "static")


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory):
    """What every app the tests make can share under its BUILD_DIR: compiled templates
    (by their source's checksum) and the static files (by their content's hash, with
    .br and .gz). Each app's start would otherwise compile every template and compress
    every file again, a second of each test's time; with them there, it starts as
    after a restart. The tests of that (test_start_up_work.py) bring their own."""
    root = tmp_path_factory.mktemp("shared-build")
    for name in SHARED_BUILD:
        (root / name).mkdir()
    return root


@pytest.fixture
def make_app(tmp_path, clock, shared_build):
    build = tmp_path / "build"

    def make(content=CONTENT, **config):
        if "BUILD_DIR" not in config and not build.exists():
            build.mkdir(parents=True)
            for name in SHARED_BUILD:
                (build / name).symlink_to(shared_build / name, target_is_directory=True)
        return prepare(create_app({
            "TESTING": True,
            "CONTENT_DIR": str(content),
            "BUILD_DIR": str(build),
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
