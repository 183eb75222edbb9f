"""Index generations: build beside the served one, swap atomically, pick up, retire."""
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path


from portal import create_app
from portal.cli import index_command
from portal.kinds import load
from portal.search import Request, Search, SearchIndex, build_index, current, ensure_index, \
    generation_dir, prepare
from portal.search.manifest import problem
from tests.conftest import CONTENT, NOW, write

BIN = Path(sys.executable).parent
GUIDE = """---
title: Ferry safety in high water
summary: When the river is high, ferries stop.
kind: prevention
hazards: [flood]
updated: 2026-10-01
review_by: 2027-10-01
---
Never board a ferry during a flood warning.
"""


def titles(search, library, q, lang="en"):
    results = search.search(library, lang, NOW, Request(q))
    return [hit.slug for hit in results.hits]


def generations(index_dir):
    return sorted(p.name for p in Path(index_dir).iterdir() if p.is_dir())


def test_build_writes_a_complete_generation_and_points_current_at_it(tmp_path):
    library = load(CONTENT)
    path = build_index(library, tmp_path)
    assert path == generation_dir(tmp_path, library.generation)
    assert (path / "READY").is_file()
    assert current(tmp_path) == path
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build-")]


def test_ensure_builds_once(tmp_path):
    library = load(CONTENT)
    first = ensure_index(library, tmp_path)
    stamp = (first / "READY").stat().st_mtime_ns
    assert ensure_index(library, tmp_path) == first
    assert (first / "READY").stat().st_mtime_ns == stamp


def test_a_new_generation_is_picked_up_and_the_old_one_keeps_serving_meanwhile(
        tmp_path, content_dir):
    old = load(content_dir)
    build_index(old, tmp_path / "index")
    search = Search(tmp_path / "index", auto_build=False)
    assert "ferry-safety" not in titles(search, old, "ferry")
    write(content_dir / "en/guides/ferry-safety.md", GUIDE)
    new = load(content_dir)
    # Not built yet, and this process may not build: the previous index answers.
    assert titles(search, new, "flood")
    build_index(new, tmp_path / "index")
    assert titles(search, new, "ferry") == ["ferry-safety"]
    assert search.index_for(new).generation == new.generation


def test_a_worker_builds_the_missing_generation_itself(tmp_path, content_dir):
    old = load(content_dir)
    build_index(old, tmp_path / "index")
    search = Search(tmp_path / "index")
    titles(search, old, "flood")
    write(content_dir / "en/guides/ferry-safety.md", GUIDE)
    new = load(content_dir)
    assert titles(search, new, "ferry") == ["ferry-safety"]
    search.join()
    assert current(tmp_path / "index").name.endswith(new.generation)


def test_old_generations_are_removed_after_the_grace_period(tmp_path, content_dir):
    index_dir = tmp_path / "index"
    first = build_index(load(content_dir), index_dir, grace=0)
    write(content_dir / "en/guides/ferry-safety.md", GUIDE)
    second = build_index(load(content_dir), index_dir, grace=0)
    assert (first / "RETIRED").exists()  # marked now, removed on a later swap
    (content_dir / "en/guides/ferry-safety.md").unlink()
    write(content_dir / "en/guides/ferry-rules.md", GUIDE)
    third = build_index(load(content_dir), index_dir, grace=0)
    assert generations(index_dir) == sorted([second.name, third.name])
    assert (second / "RETIRED").exists() and not (third / "RETIRED").exists()


def test_within_the_grace_period_old_generations_stay(tmp_path, content_dir):
    index_dir = tmp_path / "index"
    first = build_index(load(content_dir), index_dir)
    write(content_dir / "en/guides/ferry-safety.md", GUIDE)
    build_index(load(content_dir), index_dir)
    (content_dir / "en/guides/ferry-safety.md").unlink()
    assert build_index(load(content_dir), index_dir) == first  # back: revived, not rebuilt
    assert not (first / "RETIRED").exists()
    assert len(generations(index_dir)) == 2


def test_an_open_index_keeps_answering_after_its_files_are_removed(tmp_path):
    library = load(CONTENT)
    search = Search(tmp_path, auto_build=False)
    build_index(library, tmp_path)
    assert titles(search, library, "flood")
    shutil.rmtree(generation_dir(tmp_path, library.generation))
    assert titles(search, library, "earthquake")


def test_several_processes_building_at_once_share_one_build_without_lock_errors(
        tmp_path, content_dir):
    write(content_dir / "en/guides/ferry-safety.md", GUIDE)
    command = [str(BIN / "portal"), "index", "--content-dir", str(content_dir),
               "--index-dir", str(tmp_path / "index")]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(3)]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    assert sum(b"built in" in out for out, _ in outputs) == 1
    assert len(generations(tmp_path / "index")) == 1


def test_portal_index_command(tmp_path):
    result = create_app({"TESTING": True}).test_cli_runner().invoke(index_command, ["--content-dir", str(CONTENT),
                                                "--index-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "built in" in result.output
    again = create_app({"TESTING": True}).test_cli_runner().invoke(index_command, ["--content-dir", str(CONTENT),
                                               "--index-dir", str(tmp_path)])
    assert "up to date" in again.output


def test_portal_index_reports_unusable_content(tmp_path):
    result = create_app({"TESTING": True}).test_cli_runner().invoke(index_command, ["--content-dir", str(tmp_path / "missing"),
                                                "--index-dir", str(tmp_path / "index")])
    assert result.exit_code != 0 and "site.yml" in result.output


def test_creating_the_app_writes_no_index_and_prepare_builds_it(tmp_path):
    app = create_app({"TESTING": True, "CONTENT_DIR": str(CONTENT),
                      "BUILD_DIR": str(tmp_path / "build"), "INDEX_DIR": str(tmp_path / "index")})
    assert not (tmp_path / "index").exists()
    assert "index" in app.cli.commands
    library = app.extensions["portal.store"].library
    built = prepare(app)
    assert built == current(tmp_path / "index") == generation_dir(tmp_path / "index",
                                                                  library.generation)
    stamp = (built / "READY").stat().st_mtime_ns
    assert prepare(app) == built and (built / "READY").stat().st_mtime_ns == stamp


def test_the_command_line_writes_no_index_until_asked(tmp_path):
    env = {**os.environ, "PORTAL_CONTENT_DIR": str(CONTENT),
           "PORTAL_INDEX_DIR": str(tmp_path / "index"), "PORTAL_BUILD_DIR": str(tmp_path / "b")}
    result = subprocess.run([str(BIN / "portal"), "--help"], env=env, capture_output=True)
    assert result.returncode == 0 and b" index " in result.stdout
    assert not (tmp_path / "index").exists()


def test_scheduled_items_need_no_rebuild(tmp_path):
    library = load(CONTENT)
    search = Search(tmp_path)
    build_index(library, tmp_path)
    before = search.search(library, "en", NOW, Request("drill"))
    later = NOW + dt.timedelta(days=20)
    after = search.search(library, "en", later, Request("drill"))
    assert before.total == 0 and [h.slug for h in after.hits] == ["scheduled-drill"]


def test_a_few_changes_update_a_copy_of_the_current_generation(tmp_path, content_dir):
    index_dir = tmp_path / "index"
    built = []
    before = load(content_dir)
    first = build_index(before, index_dir, on_built=lambda n, s: built.append(n))
    write(content_dir / "en/guides/ferry-safety.md", GUIDE)
    flood = content_dir / "en/guides/flood-safety.md"
    flood.write_text(flood.read_text().replace("Turn around, don't drown.", "Kayaks capsize."))
    (content_dir / "en/guides/fire-escape-plan.md").unlink()
    library = load(content_dir)
    second = build_index(library, index_dir, on_built=lambda n, s: built.append(n))
    assert built[1] == 2 < built[0]  # the new guide and the changed one, not everything
    assert (first / "READY").exists()  # the served generation was not touched
    search = Search(index_dir, auto_build=False)
    assert titles(search, library, "ferry") == ["ferry-safety"]
    assert titles(search, library, "kayaks") == ["flood-safety"]
    assert titles(search, library, '"turn around"') == []
    assert titles(search, library, "flood") and "fire-escape-plan" not in titles(
        search, library, "fire escape")
    vocabulary = search.index_for(library).vocabulary
    assert vocabulary.nearest("kayacs") == "kayaks" and "drown" not in vocabulary.counts
    assert search.index_for(library).path == second
    # The new generation shares the unchanged files with the served one (links, not
    # copies), and the served one is exactly as it was: whole, answering as before.
    shared = [p.name for p in first.iterdir()
              if (second / p.name).exists() and os.path.samestat(p.stat(), (second / p.name).stat())]
    assert any(name.startswith("MAIN_") for name in shared), shared
    assert problem(first) is None and problem(second) is None
    served = SearchIndex(first)
    try:
        assert [hit.slug for hit in served.search(before, "en", NOW, Request('"turn around"')).hits] \
            == ["flood-safety"]
    finally:
        served.close()


def test_many_changes_are_written_afresh(tmp_path, content_dir, monkeypatch):
    monkeypatch.setattr("portal.search.documents.UPDATE_LIMIT", 0)
    built = []
    build_index(load(content_dir), tmp_path, on_built=lambda n, s: built.append(n))
    write(content_dir / "en/guides/ferry-safety.md", GUIDE)
    build_index(load(content_dir), tmp_path, on_built=lambda n, s: built.append(n))
    assert built[1] == built[0] + 1


def test_an_update_only_build_brings_a_few_changes_in_and_leaves_a_rewrite_alone(tmp_path):
    # What the gunicorn master does before forking workers with a change: a few changed
    # documents are added at once; a change of many is left to the
    # background build, so that pages never wait for a whole index to be written.
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    index_dir = tmp_path / "index"
    first = build_index(load(content), index_dir)
    write(content / "en/guides/ferry-safety.md", GUIDE)
    library = load(content)
    updated = build_index(library, index_dir, afresh=False)
    assert updated == generation_dir(index_dir, library.generation) == current(index_dir)
    assert "ferry-safety" in titles(Search(index_dir), library, "ferry")
    for n in range(25):  # more new documents than an update takes on
        write(content / f"en/guides/ferry-safety-{n}.md",
              GUIDE.replace("Ferry safety", f"Ferry safety {n}"))
    rewritten = load(content)
    assert rewritten.generation != library.generation
    assert build_index(rewritten, index_dir, afresh=False) is None
    assert current(index_dir) == updated and first != updated
    assert not generation_dir(index_dir, rewritten.generation).exists()
    assert not [p for p in index_dir.iterdir() if p.name.startswith(".build-")]
