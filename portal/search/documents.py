"""Items as search documents, and writing them into a whoosh index directory.

An index is written whole, or as an update of the previous generation when
only a few items changed: the previous directory is copied, changed and
removed items are deleted, new versions added. Both leave beside the index the
fingerprint of every document (to know what changed next time) and the
spelling vocabulary.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections import Counter
from pathlib import Path

from whoosh import fields, index

from ..atomic import write_atomic
from ..content import Item, Library
from .analysis import Positions, analyzer, distinct_words
from .text import plain_text
from .writer import processes, write_all

VOCABULARY = "words.json"
FINGERPRINTS = "documents.json"
TEXT = ("title", "summary", "body")
# Past this many changed documents (or a quarter of all), writing afresh is simpler
# and the index stays one compact segment.
UPDATE_LIMIT = 500


def schema() -> fields.Schema:
    text = analyzer()
    found = fields.Schema(
        key=fields.ID(stored=True, unique=True, sortable=True),
        lang=fields.ID(stored=True),
        section=fields.ID(stored=True),
        # "name=value" per facet the item's kind declares (kind=self-help, type=alert).
        facets=fields.KEYWORD(stored=True),
        hazards=fields.KEYWORD(stored=True),
        date=fields.DATETIME(stored=True),
        title=fields.TEXT(analyzer=text, stored=True),
        summary=fields.TEXT(analyzer=text, stored=True),
        body=fields.TEXT(analyzer=text, stored=True),
        keywords=fields.TEXT(analyzer=text),
    )
    for name in (*TEXT, "keywords"):
        found[name].format = Positions(field_boost=found[name].format.field_boost)
    return found


def item_key(item: Item) -> str:
    return f"{item.lang}/{item.section}/{item.slug}"


def document(library: Library, item: Item) -> dict:
    """The search document for one item: what is indexed and what snippets come from."""
    site = library.site
    kind = library.kinds[item.section]
    extra = kind.search(item, site)
    keywords = [name for key in item.hazards if key in site.hazards
                for name in site.hazards[key].names.values()]
    keywords += extra.keywords
    return {
        "key": item_key(item),
        "lang": item.lang,
        "section": item.section,
        "facets": " ".join(f"{name}={value}" for name, values in facet_values(library, item)
                           for value in values),
        "hazards": " ".join(item.hazards),
        "date": _datetime(extra.date),
        "title": item.title,
        "summary": " ".join(filter(None, [item.summary, extra.summary])),
        "body": plain_text(item.html),
        "keywords": " ".join(filter(None, keywords)),
    }


def facet_values(library: Library, item: Item) -> list[tuple[str, tuple[str, ...]]]:
    """(facet, values) of an item: its kind's facets, and hazards for every kind."""
    kind = library.kinds[item.section]
    return [*((name, tuple(facet.of(item))) for name, facet in kind.facets.items()),
            ("hazard", tuple(item.hazards))]


def fingerprint(library: Library, item: Item) -> str:
    """Changes whenever the item's search document would.

    The loader already hashed each file's bytes; with the site settings (hazard
    names are indexed) that decides the document, for a fraction of the cost of
    hashing 10,000 rendered bodies again."""
    source = library.sources.get(item.path)
    if source is not None and source.item is item:
        return f"{library.site_digest[:16]}:{source.digest[:24]}"
    parts = (library.site_digest, repr(item))
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def _datetime(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime(value.year, value.month, value.day)


def _indexable(library: Library) -> dict[str, Item]:
    # Drafts are never public; scheduled items are indexed and filtered at query time.
    return {item_key(item): item for item in library.all() if not item.draft}


def write(library: Library, path: Path, procs: int | None = None) -> int:
    """A complete new index of ``library`` in the empty directory ``path``, written by
    ``procs`` processes (by default, as many as are worth it for its size)."""
    items = _indexable(library)
    ix = index.create_in(str(path), schema())
    try:
        vocabulary = write_all(ix, lambda item: document(library, item), list(items.values()),
                               _words, procs or processes(len(items)))
    finally:
        ix.close()
    _sidecars(path, {k: fingerprint(library, i) for k, i in items.items()}, vocabulary)
    return len(items)


def _words(doc: dict) -> set[str]:
    return distinct_words(" ".join(doc[f] for f in TEXT))


def update(library: Library, base: Path, path: Path) -> int | None:
    """``base``'s index brought up to ``library`` in ``path``; the number of documents
    written, or None when writing afresh is the better choice."""
    try:
        old = json.loads((base / FINGERPRINTS).read_text(encoding="utf-8"))
        vocabulary = Counter(json.loads((base / VOCABULARY).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None
    items = _indexable(library)
    new = {key: fingerprint(library, item) for key, item in items.items()}
    stale = [key for key, value in old.items() if new.get(key) != value]
    fresh = [key for key, value in new.items() if old.get(key) != value]
    if len(stale) + len(fresh) > min(UPDATE_LIMIT, max(20, len(new) // 4)):
        return None
    # whoosh never writes a file it has written once (a commit adds segment files and a
    # new table of contents, deletions live in that table): the new generation shares
    # the previous one's files as hard links, rather than copying 50 MB per publication
    # and holding two copies of them in the page cache. What is rewritten here (the
    # sidecars, the manifest) is written to a new file and renamed over its link.
    shutil.copytree(base, path, dirs_exist_ok=True, copy_function=_link,
                    ignore=shutil.ignore_patterns("READY", "RETIRED", "*WRITELOCK", "MANIFEST*",
                                                  VOCABULARY, FINGERPRINTS))
    ix = index.open_dir(str(path))
    with ix.searcher() as searcher:
        for key in stale:
            stored = searcher.document(key=key) or {}
            vocabulary.subtract(distinct_words(" ".join(stored.get(f, "") for f in TEXT)))
    _write(ix, library, [items[key] for key in fresh], vocabulary, delete=stale)
    _sidecars(path, new, +vocabulary)
    return len(fresh)


def _write(ix, library: Library, items, vocabulary: Counter, delete=()) -> None:
    """Delete the ``delete`` keys, add ``items`` and count their words, in one commit."""
    # One file per part of a segment, each mapped by the readers (storage.py).
    writer = ix.writer(compound=False)
    try:
        for key in delete:
            writer.delete_by_term("key", key)
        for item in items:
            doc = document(library, item)
            writer.add_document(**doc)
            vocabulary.update(_words(doc))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # a filesystem without hard links
        shutil.copy2(source, target)


def _sidecars(path: Path, fingerprints: dict[str, str], vocabulary: Counter) -> None:
    # Spelling needs unstemmed words and how common each is: a file beside the
    # index costs far less to build than a whoosh field would.
    # Each written to a new file renamed into place: never through a link to the
    # previous generation's copy.
    write_atomic(path / VOCABULARY, json.dumps(dict(vocabulary.most_common()),
                                               ensure_ascii=False))
    write_atomic(path / FINGERPRINTS, json.dumps(fingerprints))
