"""Matching and ranking from arrays agree with whoosh's own query of the same words.

Search matches on cached docnum sets and phrase arrays and ranks by summing
BM25F weights (portal/search/postings.py, scoring.py); whoosh's query tree
(query.to_query) run by whoosh's searcher is the reference: the same documents,
the same scores, on a fresh index and on one updated after a publication (two
segments, a replaced document deleted).
"""
import math
import shutil
from pathlib import Path

import pytest

from portal.kinds import load
from portal.search import build_index
from portal.search.engine import SearchIndex
from portal.search.query import parse, to_query
from portal.settings import BY_NAME
from tests.conftest import write

# The bundled content: hundreds of documents in both languages.
BUNDLED = Path(BY_NAME["CONTENT_DIR"].default)

QUERIES = [
    "flood", "evacuation shelter", "power outage", "heat stroke water", "CPR",
    '"boil water"', '"stay indoors"', "洪水", "避难场所", "地震 避难", "“不要乘坐电梯”", "水",
    "停 电", "flood 洪水", "generator carbon monoxide", "nothing-matches-this-word",
]
CHANGED = """---
title: Flood shelters open tonight
summary: Evacuation shelters are open; bring water and medicine.
kind: mutual-rescue
hazards: [flood]
updated: 2026-11-02
review_by: 2027-11-02
---
Flood water is rising. Go to the nearest evacuation shelter, boil water before drinking.
"""


def reference(index: SearchIndex, parsed, require_all: bool,
              phrases_checked: bool = False) -> dict[int, float]:
    """whoosh's matches and scores. Ranking looks only at matched documents, already
    known to hold the quoted phrases: a phrase's words are then scored as all of them
    in a field (``phrases_checked``), as the search page always ranked them."""
    with index._searcher() as searcher:
        query = to_query(parsed, require_all, index.matching.expander(searcher),
                         phrases_checked=phrases_checked)
        return {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}


def ours(index: SearchIndex, parsed, require_all: bool) -> tuple[set[int], dict[int, float]]:
    everything = frozenset(range(index._ix.doc_count_all()))
    with index._searcher() as searcher:
        matched = index.matching.matched(searcher, parsed, everything, require_all,
                                         deadline=math.inf)
        scores = index.scorer.scores(searcher, parsed, require_all,
                                     index.matching.expander(searcher))
    return matched & set(index.docnums.values()), {n: float(scores[n]) for n in matched}


def check(index: SearchIndex) -> int:
    """How many of the queries found something; each compared with whoosh."""
    found = 0
    for text in QUERIES:
        parsed = parse(text)
        for require_all in (True, False):
            expected = reference(index, parsed, require_all)
            matched, scores = ours(index, parsed, require_all)
            assert matched == set(expected), (text, require_all)
            ranked = reference(index, parsed, require_all, phrases_checked=True)
            for docnum in expected:
                assert scores[docnum] == pytest.approx(ranked[docnum], rel=1e-6), (text, docnum)
        found += bool(expected)
    return found


def test_fresh_index_matches_and_scores_as_whoosh_does(tmp_path):
    index = SearchIndex(build_index(load(BUNDLED), tmp_path))
    try:
        assert check(index) >= 12  # most of the queries find documents
    finally:
        index.close()


def test_updated_index_matches_and_scores_as_whoosh_does(tmp_path):
    content_dir = tmp_path / "content"
    shutil.copytree(BUNDLED, content_dir)
    build_index(load(content_dir), tmp_path / "index")
    write(Path(content_dir) / "en" / "guides" / "flood-shelters.md", CHANGED)
    guide = content_dir / "en" / "guides" / "flood-prepare-and-evacuate.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nBoil water after a flood.\n",
                     encoding="utf-8")
    path = build_index(load(content_dir), tmp_path / "index")
    index = SearchIndex(path)
    try:
        with index._searcher() as searcher:
            assert len(searcher.reader().leaf_readers()) > 1
            assert searcher.reader().has_deletions()
        assert check(index) >= 12
    finally:
        index.close()


def answers(library, path):
    from portal.search import Request
    from tests.conftest import NOW
    index = SearchIndex(path)
    try:
        with index._searcher() as searcher:
            segments = len(searcher.reader().leaf_readers())
        found = {}
        for text in QUERIES:
            for lang in ("en", "zh"):
                results = index.search(library, lang, NOW, Request(text))
                found[text, lang] = (results.total, results.facets,
                                     [(hit.slug, hit.lang, round(hit.score, 9), hit.snippet)
                                      for hit in results.hits])
        return segments, found
    finally:
        index.close()


def test_an_index_written_by_several_processes_answers_as_one_written_by_one(
        tmp_path, monkeypatch):
    from portal.search import documents
    library = load(BUNDLED)
    built = {}
    for procs in (1, 3):
        monkeypatch.setattr(documents, "processes", lambda count, procs=procs: procs)
        built[procs] = build_index(library, tmp_path / str(procs))
    one_segments, one = answers(library, built[1])
    three_segments, three = answers(library, built[3])
    assert (one_segments, three_segments) == (1, 3)
    assert sum(1 for total, _, _ in one.values() if total) >= 20
    assert three == one
    assert (built[3] / "words.json").read_bytes() == (built[1] / "words.json").read_bytes()


def test_a_process_that_fails_writing_its_share_fails_the_build_with_its_error(
        tmp_path, monkeypatch):
    from portal.search import current, documents
    real = documents.document

    def broken(library, item):
        if item.slug.startswith("flood"):
            raise ValueError(f"cannot index {item.slug}")
        return real(library, item)

    monkeypatch.setattr(documents, "document", broken)
    monkeypatch.setattr(documents, "processes", lambda count: 2)
    with pytest.raises(RuntimeError, match="ValueError: cannot index flood"):
        build_index(load(BUNDLED), tmp_path)
    # Nothing half-written is left, nor pointed at.
    assert current(tmp_path) is None
    assert [p.name for p in tmp_path.iterdir()] == [".lock"]
