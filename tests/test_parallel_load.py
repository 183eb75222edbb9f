"""A cold start reads new files on every core, and serves exactly what one process would."""
import os

import pytest

from portal import markup
from portal.content import parallel
from portal.kinds import registry
from portal.store import ContentStore

from tests.conftest import write

pytestmark = pytest.mark.skipif(parallel.processes() < 2, reason="one core: nothing to share")


def started(content, build):
    return ContentStore(str(content), registry(), "translations", "en",
                        last_good_dir=str(build / "last-good")).library


def served(library):
    return {item.path: item for item in library.all()}, sorted(map(str, library.problems))


@pytest.fixture
def renders_here(monkeypatch):
    """Bodies rendered by Markdown in this process (not in the forked ones)."""
    calls = []
    real, me = markup.render, os.getpid()

    def counting(text, *args, **kwargs):
        if os.getpid() == me:
            calls.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(markup, "render", counting)
    return calls


def test_new_files_are_read_by_other_processes_with_the_same_result(
        tmp_path, content_dir, monkeypatch, renders_here):
    write(content_dir / "en/guides/broken.md", "---\ntitle: Broken\nkind: nonsense\n---\nText.\n")
    monkeypatch.setattr(parallel, "MINIMUM", 10**9)
    alone = started(content_dir, tmp_path / "alone")
    assert renders_here  # one process: every body rendered here
    renders_here.clear()
    monkeypatch.setattr(parallel, "MINIMUM", 2)
    monkeypatch.setattr(parallel, "CHUNK", 3)
    shared = started(content_dir, tmp_path / "shared")
    assert renders_here == []  # every body rendered in the forked processes
    assert shared.generation == alone.generation
    assert served(shared) == served(alone)
    assert any("broken.md" in str(p) and "kind" in str(p) for p in shared.errors)


def test_a_chunk_that_fails_elsewhere_is_read_here(tmp_path, content_dir, monkeypatch):
    monkeypatch.setattr(parallel, "MINIMUM", 10**9)
    alone = started(content_dir, tmp_path / "alone")
    monkeypatch.setattr(parallel, "MINIMUM", 2)
    monkeypatch.setattr(parallel, "CHUNK", 2)
    real = parallel._read_chunk

    def failing(entries):
        if any("/guides/" in entry.rel for entry in entries):
            raise RuntimeError("lost")
        return real(entries)

    monkeypatch.setattr(parallel, "_read_chunk", failing)
    shared = started(content_dir, tmp_path / "shared")
    assert served(shared) == served(alone)


def test_a_file_changed_after_the_parallel_read_is_served_as_it_is_now(
        tmp_path, content_dir, monkeypatch):
    guide = next((content_dir / "en/guides").glob("*.md"))
    monkeypatch.setattr(parallel, "MINIMUM", 2)
    real = parallel.read_many

    def then_edit(*args):
        found = real(*args)
        guide.write_text(guide.read_text(encoding="utf-8").replace(
            "\n---\n", "\n---\nEdited meanwhile.\n", 1), encoding="utf-8")
        return found

    monkeypatch.setattr("portal.content.loader.read_many", then_edit)
    library = started(content_dir, tmp_path / "build")
    assert "Edited meanwhile." in library.entry("en", "guides", guide.stem).html


def test_the_loader_alone_reads_in_parallel(tmp_path):
    """`portal.kinds.load` with nothing else imported (no snapshot, no store): items
    still pickle back from the forked processes, nothing falls back to one process."""
    import subprocess
    import sys
    from bench.corpus import write_tree
    write_tree(tmp_path / "content", 400)
    script = ("import logging, sys\n"
              "logging.basicConfig(level=logging.WARNING)\n"
              "from portal.content import parallel\n"
              "from portal.kinds import load\n"
              "library = load(sys.argv[1])\n"
              "print(len(library))\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "content")],
                          capture_output=True, text=True, timeout=300, check=True)
    assert "in parallel failed" not in done.stderr, done.stderr
    assert int(done.stdout) >= 400
