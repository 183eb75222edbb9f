"""A damaged index never takes search down: 503 while it is rebuilt, results again after."""
import time
import types
from pathlib import Path

import pytest

import portal.search
from portal import create_app
from portal.kinds import load
from portal.search import Request, Search, current, generation_dir, prepare
from portal.search.build import identity
from portal.search.engine import SearchIndex
from tests.conftest import CONTENT, NOW

URL = "/en/search?q=flood"


def restart(app):
    """The same site in a new process: nothing open, nothing remembered."""
    fresh = create_app(dict(app.config))
    fresh.extensions["portal.search"].wait = 0  # see the 503 rather than wait out the build
    return fresh


def served(app) -> Path:
    library = app.extensions["portal.store"].library
    return generation_dir(app.config["INDEX_DIR"], library.generation)


def healed(app):
    app.extensions["portal.search"].join(30)
    return app.test_client().get(URL)


def assert_results(response):
    assert response.status_code == 200
    assert 'href="/en/guides/flood-safety"' in response.get_data(as_text=True)


def segment(path: Path) -> Path:
    """The biggest file of the index's segment (its postings)."""
    return max((p for p in path.iterdir() if p.name.startswith("MAIN_") and p.is_file()),
               key=lambda p: p.stat().st_size)


def garble_toc(path):
    next(path.glob("*.toc")).write_bytes(b"\x00" * 10)


def truncate_segment(path):
    data = segment(path).read_bytes()
    segment(path).write_bytes(data[:len(data) // 2])


def flip_segment_bytes(path):
    data = bytearray(segment(path).read_bytes())
    for n in range(100, len(data) - 100, 7):
        data[n] ^= 0xFF
    segment(path).write_bytes(bytes(data))


def remove_segment(path):
    segment(path).unlink()


def garble_ready(path):
    (path / "READY").write_bytes(b"\xff\xfe\x00")


def remove_vocabulary(path):
    (path / "words.json").unlink()


DAMAGE = [garble_toc, truncate_segment, flip_segment_bytes, remove_segment, garble_ready,
          remove_vocabulary]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__)
def test_a_damaged_generation_is_a_503_after_a_restart_then_rebuilt(make_app, damage):
    app = make_app()
    assert_results(app.test_client().get(URL))
    before = identity(served(app))
    damage(served(app))
    app = restart(app)
    response = app.test_client().get(URL)
    assert response.status_code == 503
    assert "not available" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert_results(healed(app))
    assert identity(served(app)) != before  # built again, not reopened
    assert current(app.config["INDEX_DIR"]) == served(app)


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__)
def test_prepare_at_start_rebuilds_a_damaged_generation(make_app, damage):
    app = make_app()
    damage(served(app))
    app = restart(app)
    assert prepare(app) == served(app)
    assert_results(app.test_client().get(URL))


def test_a_garbled_current_pointer_is_a_503_then_rebuilt(make_app):
    app = make_app()
    index_dir = Path(app.config["INDEX_DIR"])
    (index_dir / "CURRENT").write_bytes(b"\xff\xfe\x00garbage\x80")
    portal.search.build._discard(index_dir, served(app))  # and nothing built for this content
    app = restart(app)
    assert app.test_client().get(URL).status_code == 503
    assert_results(healed(app))
    assert current(index_dir) == served(app)


@pytest.mark.parametrize("pointer", [b"\xff\xfe\x00", b"../../etc", b"v3-nothing-here", b""])
def test_a_build_mends_a_garbled_current_pointer(make_app, pointer):
    app = make_app()
    index_dir = Path(app.config["INDEX_DIR"])
    (index_dir / "CURRENT").write_bytes(pointer)
    assert current(index_dir) is None
    assert prepare(app) == served(app) == current(index_dir)


def test_a_current_pointer_that_is_a_directory_is_replaced(make_app):
    app = make_app()
    index_dir = Path(app.config["INDEX_DIR"])
    (index_dir / "CURRENT").unlink()
    (index_dir / "CURRENT").mkdir()
    assert prepare(app) == current(index_dir) == served(app)


def test_files_damaged_under_an_open_index_are_found_when_a_search_fails(
        make_app, monkeypatch):
    app = make_app()
    client = app.test_client()
    assert_results(client.get(URL))
    before = identity(served(app))
    flip_segment_bytes(served(app))

    def fails(*args):
        raise OSError("read error")
    monkeypatch.setattr(SearchIndex, "_search", fails)
    assert client.get("/en/search?q=earthquake").status_code == 503
    monkeypatch.undo()
    app.extensions["portal.search"].join(30)
    assert identity(served(app)) != before
    assert_results(client.get(URL))


def test_a_failing_search_on_a_sound_index_rebuilds_nothing(make_app, monkeypatch):
    app = make_app()
    client = app.test_client()
    assert_results(client.get(URL))
    before = identity(served(app))
    monkeypatch.setattr(SearchIndex, "_search", lambda *args: 1 / 0)
    assert client.get("/en/search?q=earthquake").status_code == 503
    app.extensions["portal.search"].join(30)
    assert client.get("/en/search?q=typhoon").status_code == 503
    monkeypatch.undo()
    assert identity(served(app)) == before
    assert_results(client.get(URL))


def test_a_failed_build_is_tried_again_soon(make_app, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("")  # the index directory cannot be made
    app = make_app(INDEX_DIR=str(blocked / "index"))
    client = app.test_client()
    assert client.get(URL).status_code == 503
    app.extensions["portal.search"].join(30)
    blocked.unlink()
    for _ in range(30):  # the first retry is due after a second
        response = client.get(URL)
        app.extensions["portal.search"].join(30)
        if response.status_code == 200:
            break
        assert response.status_code == 503
        time.sleep(0.1)
    assert_results(client.get(URL))


class Clock:
    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


def test_retries_back_off_from_one_second_to_a_minute(tmp_path, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(portal.search, "time", types.SimpleNamespace(monotonic=clock.monotonic))
    attempts = []
    real = portal.search.build_index

    def build(*args, **kwargs):
        attempts.append(clock.now)
        return real(*args, **kwargs)
    monkeypatch.setattr(portal.search, "build_index", build)
    blocked = tmp_path / "blocked"
    blocked.write_text("")
    search = Search(blocked / "index")
    library = load(CONTENT)

    for at in (0, 0.5, 1, 2.9, 3, 6.9, 7, 14.9, 15, 30.9, 31, 62.9, 63, 122.9, 123, 182.9, 183):
        clock.now = 1000.0 + at
        assert search.search(library, "en", NOW, Request("flood")) is None
        search.join(30)
    # 1, 2, 4 ... seconds after each failure, never more than a minute
    assert [t - 1000.0 for t in attempts] == [0, 1, 3, 7, 15, 31, 63, 123, 183]
