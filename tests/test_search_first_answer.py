"""The first search after a publication finds it, also on a busy machine: the work of a new
content state does not eat the query's time, and a cut-short answer is never kept."""
import time

from portal.kinds import load
from portal.search import Request, build_index, engine
from portal.search.engine import SearchIndex
from tests.conftest import CONTENT, NOW


def index(tmp_path):
    library = load(CONTENT)
    return library, SearchIndex(build_index(library, tmp_path / "index"))


def test_a_slow_new_state_does_not_eat_the_time_of_the_first_search(tmp_path, monkeypatch):
    library, opened = index(tmp_path)
    real = engine.Visible

    def slow(*args):  # a busy machine: the public set of a new state takes a while
        time.sleep(engine.TIME_LIMIT * 1.5)
        return real(*args)

    monkeypatch.setattr(engine, "Visible", slow)
    found = opened.search(library, "en", NOW, Request("flood"))
    assert found.total > 0 and not found.timed_out


def test_an_answer_cut_short_is_not_kept_for_the_content_state(tmp_path, monkeypatch):
    library, opened = index(tmp_path)
    opened.search(library, "en", NOW, Request("earthquake"))  # the state's work done
    monkeypatch.setattr(engine, "TIME_LIMIT", -1.0)  # out of time at once
    cut = opened.search(library, "en", NOW, Request("flood"))
    assert cut.timed_out and cut.total == 0
    monkeypatch.setattr(engine, "TIME_LIMIT", 0.2)
    again = opened.search(library, "en", NOW, Request("flood"))
    assert again.total > 0 and not again.timed_out
