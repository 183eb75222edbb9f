"""File events for the content watcher, also inside a gevent-patched worker process."""
import subprocess
import sys
import textwrap
import threading
import time

from portal.inotify import Watch


def wait_for(event: threading.Event, seconds: float = 5.0) -> bool:
    found = event.wait(seconds)
    event.clear()
    return found


def test_writes_new_folders_moves_and_removals_are_reported(tmp_path):
    changed = threading.Event()
    Watch(str(tmp_path), changed.set, lambda name: name.endswith(".md")).start()
    (tmp_path / "a.md").write_text("one")
    assert wait_for(changed)
    time.sleep(0.2)
    changed.clear()
    (tmp_path / "notes.txt").write_text("not content")
    assert not wait_for(changed, 0.5)
    (tmp_path / "en").mkdir()
    assert wait_for(changed)
    time.sleep(0.2)
    changed.clear()
    (tmp_path / "en/b.md").write_text("two")  # in a folder made after the watch began
    assert wait_for(changed)
    (tmp_path / "en/b.md").rename(tmp_path / "en/c.md")
    assert wait_for(changed)
    (tmp_path / "a.md").unlink()
    assert wait_for(changed)
    (tmp_path / "a.md").write_text("again")
    (tmp_path / "a.md").read_text()  # reading is no change
    assert wait_for(changed)
    time.sleep(0.2)
    changed.clear()
    (tmp_path / "a.md").read_text()
    assert not wait_for(changed, 0.5)


def test_events_still_arrive_in_a_process_gevent_has_patched(tmp_path):
    """As in a gunicorn worker: patched, then a watch started from a real thread."""
    script = textwrap.dedent(f"""
        from gevent import monkey
        monkey.patch_all(thread=False)
        import threading, time, pathlib
        from portal.inotify import Watch
        root = pathlib.Path({str(tmp_path)!r})
        changed = threading.Event()
        def later():
            Watch(str(root), changed.set, lambda n: n.endswith(".md")).start()
            for n in range(3):
                (root / f"x{{n}}.md").write_text(str(n))
                assert changed.wait(5), f"change {{n}} not reported"
                changed.clear()
                time.sleep(0.2)
                changed.clear()
            print("ok")
        thread = threading.Thread(target=later)
        thread.start()
        thread.join(30)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "ok", done.stderr
