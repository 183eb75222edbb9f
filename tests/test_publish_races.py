"""Publications that must never be lost: a file changed twice within the filesystem's
clock tick, a render starved by a busy process, two workers with different outcomes."""
import os
import time

from portal import markup
from portal.content.loader import RACY, UNSETTLED
from portal.kinds import load, registry
from portal.reload import fingerprint
from portal.store import ContentStore

GUIDE = """---
title: {title}
summary: What to do.
kind: self-help
hazards: [flood]
updated: 2026-11-01
review_by: 2027-11-01
---
{body}
"""


def write(path, title, body, mtime_ns=None):
    path.write_text(GUIDE.format(title=title, body=body), encoding="utf-8")
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))


def test_a_rewrite_that_keeps_size_and_mtime_is_still_published(content_dir):
    """Two saves in one tick of a coarse filesystem clock: same stamp, other bytes."""
    path = content_dir / "en/guides/same-stamp.md"
    stamp = time.time_ns()
    write(path, "First version", "Alpha", stamp)
    first = load(content_dir)
    assert first.entry("en", "guides", "same-stamp").title == "First version"
    write(path, "Other version", "Omega", stamp)  # the same size, the same mtime
    assert os.stat(path).st_mtime_ns == stamp
    second = load(content_dir, previous=first)
    assert second.entry("en", "guides", "same-stamp").title == "Other version"


def test_a_recent_file_keeps_the_watcher_looking_until_it_has_settled(content_dir):
    path = content_dir / "en/guides/recent.md"
    write(path, "Recent", "Body")
    store = ContentStore(str(content_dir), registry(), "translations", "en")
    library = store.library
    assert library.fingerprint.endswith(UNSETTLED)
    assert fingerprint(store) != library.fingerprint  # so the watcher loads again
    old = time.time_ns() - int((RACY + 5) * 1e9)
    for file in content_dir.rglob("*"):
        os.utime(file, ns=(old, old))
    settled = store.reload()
    assert not settled.fingerprint.endswith(UNSETTLED)
    assert fingerprint(store) == settled.fingerprint  # nothing more to do while idle
    assert settled is library  # the same content: the same library, its memos kept


def test_workers_that_published_differently_never_share_a_generation(content_dir, monkeypatch):
    """A file that failed in one process and not in another: the search index of one
    generation is shared by every worker, so the names must differ."""
    path = content_dir / "en/guides/bridge.md"
    write(path, "Bridge closed", "Word2marker")
    published = load(content_dir)
    real = markup.render

    def starved(text, *args, **kwargs):
        if "Word2marker" in text:
            raise markup.MarkupError("the text could not be rendered within 1 s")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(markup, "render", starved)
    failed = load(content_dir)
    assert failed.entry("en", "guides", "bridge") is None and failed.errors
    assert published.entry("en", "guides", "bridge") is not None
    assert failed.generation != published.generation
