"""Live content: a saved file is served without a restart; a broken one is not."""
import time

import pytest

from tests.conftest import write

NEW = """---
title: Boil water notice lifted
summary: Tap water is safe again in the north.
type: announcement
issuer: emergency-office
published: 2026-11-20T09:00:00+08:00
hazards: [flood]
---
The notice is lifted.
"""


def watcher_of(app):
    return app.extensions["portal.watcher"]


def look(app) -> None:
    """One full look at the tree, as the watcher takes. The app's own watcher thread
    (started by the first request) may have loaded the change first; then this look
    finds nothing new. Either way the change is served after it."""
    watcher_of(app).check()


def test_new_changed_and_removed_files_are_served_after_a_check(make_app, content_dir):
    app = make_app(content_dir, RELOAD_INTERVAL=60, RELOAD_SETTLE=0.01)
    client = app.test_client()
    assert client.get("/en/disclosures/boil-water-lifted").status_code == 404
    path = write(content_dir / "en/disclosures/boil-water-lifted.md", NEW)
    look(app)
    assert client.get("/en/disclosures/boil-water-lifted").status_code == 200
    assert "Boil water notice lifted" in client.get("/en/feeds/disclosures.atom").get_data(as_text=True)

    path.write_text(NEW.replace("Boil water notice lifted", "Boil water notice ended"))
    look(app)
    assert "Boil water notice ended" in client.get("/en/disclosures/boil-water-lifted").get_data(as_text=True)

    path.unlink()
    look(app)
    assert client.get("/en/disclosures/boil-water-lifted").status_code == 404


def test_a_file_that_breaks_keeps_its_last_good_version(make_app, content_dir):
    app = make_app(content_dir, RELOAD_INTERVAL=60, RELOAD_SETTLE=0.01)
    client = app.test_client()
    path = content_dir / "en/guides/flood-safety.md"
    path.write_text(path.read_text().replace("title: Staying safe in a flood", "title: [broken"))
    assert watcher_of(app).check()
    assert "Staying safe in a flood" in client.get("/en/guides/flood-safety").get_data(as_text=True)
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded" and health["errors"] == 1
    [error] = app.extensions["portal.store"].library.errors
    assert str(error).startswith("en/guides/flood-safety.md:2: invalid YAML")


def test_nothing_changes_nothing_reloads(make_app, content_dir):
    app = make_app(content_dir, RELOAD_INTERVAL=60, RELOAD_SETTLE=0.01)
    assert not watcher_of(app).check()


@pytest.mark.parametrize("mode", ["events", "poll"])
def test_the_background_watcher_publishes_within_two_seconds(make_app, content_dir, mode):
    app = make_app(content_dir, RELOAD_MODE=mode, RELOAD_INTERVAL=0.2, RELOAD_SETTLE=0.1)
    client = app.test_client()
    client.get("/en/")  # the first request starts this process's watcher
    write(content_dir / "en/disclosures/boil-water-lifted.md", NEW)
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        if client.get("/en/disclosures/boil-water-lifted").status_code == 200:
            break
        time.sleep(0.05)
    assert client.get("/en/disclosures/boil-water-lifted").status_code == 200


def test_a_file_written_just_after_the_watchers_first_look_is_published_in_seconds(
        make_app, content_dir, monkeypatch):
    """The watcher's first full look and its file events leave no gap between them: a
    file saved right after that look is published at once, not at the next periodic
    look a minute on."""
    from portal.reload import Watcher
    first_look = Watcher.check
    looks = []

    def look_then_save(self):
        changed = first_look(self)
        if not looks:
            looks.append(write(content_dir / "en/disclosures/boil-water-lifted.md", NEW))
        return changed

    monkeypatch.setattr(Watcher, "check", look_then_save)
    app = make_app(content_dir, RELOAD_MODE="events", RELOAD_INTERVAL=0.2, RELOAD_SETTLE=0.1,
                   RELOAD_SCAN=60)
    client = app.test_client()
    client.get("/en/")  # starts the watcher, whose first look saves the file
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        if looks and client.get("/en/disclosures/boil-water-lifted").status_code == 200:
            break
        time.sleep(0.05)
    assert looks, "the watcher never took its first look"
    assert client.get("/en/disclosures/boil-water-lifted").status_code == 200


def test_a_process_started_after_a_break_serves_the_last_good_versions(make_app, content_dir):
    """A respawned worker or a restart has no memory of what was published: the last
    good versions are on disk, site.yml included."""
    app = make_app(content_dir, RELOAD_INTERVAL=60, RELOAD_SETTLE=0.01)
    guide = content_dir / "en/guides/flood-safety.md"
    guide.write_text(guide.read_text().replace("Staying safe in a flood", "Flood safety, v2"))
    assert watcher_of(app).check()
    guide.write_text(guide.read_text().replace("title: Flood safety, v2", "title: [broken"))
    site = content_dir / "site.yml"
    site.write_text(site.read_text() + "\n  - [unclosed\n")
    assert watcher_of(app).check()

    later = make_app(content_dir)  # the same BUILD_DIR, as every worker of one server has
    assert "Flood safety, v2" in later.test_client().get("/en/guides/flood-safety").get_data(
        as_text=True)
    errors = {e.path for e in later.extensions["portal.store"].library.errors}
    assert errors == {"site.yml", "en/guides/flood-safety.md"}


def test_a_store_loading_for_forked_workers_tells_each_of_them_every_change_once(make_app,
                                                                                content_dir):
    # The gunicorn master loads changes for the workers it forks: what a change asks of
    # each worker (warming outputs, pinging hubs) is done by a worker forked after it,
    # from the library the workers forked before had, so no change goes untold.
    store = make_app(content_dir, RELOAD_INTERVAL=0).extensions["portal.store"]
    told = []
    store.subscribe(lambda old, new: told.append((old.generation, new.generation)))
    store.defer_listeners = True
    first = store.library.generation
    path = write(content_dir / "en/disclosures/boil-water-lifted.md", NEW)
    second = store.reload().generation
    path.write_text(NEW.replace("Boil water notice lifted", "Boil water notice ended"))
    time.sleep(2.1)  # past the stamp's trust window: its bytes changed, not just its time
    third = store.reload().generation
    assert told == [] and len({first, second, third}) == 3
    # No worker forked between the two: one forked now is told of both, as one change.
    assert [library.generation for library in store.pending] == [first, third]
    store.handed_over()  # workers forked with the third library now
    path.unlink()
    fourth = store.reload().generation
    store.run_pending()  # in a worker forked after that
    deadline = time.monotonic() + 5
    while not told and time.monotonic() < deadline:
        time.sleep(0.01)
    assert told == [(third, fourth)]
