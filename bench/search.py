"""Search at 10,000 documents: whoosh (as the site runs it) against SQLite FTS5.

The corpus is generated from the sentences of the bundled content, in English
and Chinese, with made-up place and street names mixed in so the vocabulary
grows as a real archive's does. Both engines get the same documents after the
same analysis (stemmed English words, CJK bigrams), so the comparison is of the
engines, not of their tokenizers. Each query ranks every match, as the search
page does for its counts and filters, and makes snippets for the first ten.

BENCH_SEARCH_DOCUMENTS (else BENCH_DOCUMENTS, else 10,000) documents,
BENCH_SEARCH_QUERIES (400) queries.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import re
import sqlite3
import statistics
import tempfile
import time

from portal.content import Library
from portal.kinds import load, registry
from portal.kinds.disclosures.model import TYPES, Disclosure
from portal.kinds.guides.model import KINDS, Guide
from portal.settings import BY_NAME

CONTENT_DIR = BY_NAME["CONTENT_DIR"].default
from portal.search import Request, build_index
from portal.search.analysis import terms
from portal.search.documents import document
from portal.search.engine import SearchIndex
from portal.search.query import Parsed, parse

DOCUMENTS = int(os.environ.get("BENCH_SEARCH_DOCUMENTS")
                or os.environ.get("BENCH_DOCUMENTS") or 10_000)
QUERIES = int(os.environ.get("BENCH_SEARCH_QUERIES", 400))
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)
SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]?")
POPULAR = ["flood", "evacuation", "shelter", "heatstroke", "CPR", "earthquake", "power outage",
           "typhoon warning", "洪水", "地震", "避难场所", "中暑", "台风", "停电"]
SYLLABLES = "ka ri mo sen ta lu ven dor ash bel cor fin gal hem ith jor".split()
HAN = "东南西北中山河湖桥港湾林园新旧上下前后大小金银石水田村镇街巷路"


def sentences() -> dict[str, list[str]]:
    from portal.search.text import plain_text
    found: dict[str, list[str]] = {"en": [], "zh": []}
    for item in load(CONTENT_DIR).all():
        if item.lang in found:
            for text in (item.title, item.summary, plain_text(item.html)):
                found[item.lang] += [s.strip() for s in SENTENCE.findall(text) if len(s) > 8]
    return found


def corpus(count: int, rng: random.Random) -> Library:
    site = load(CONTENT_DIR).site
    pool = sentences()
    places = {"en": [" ".join(rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
                              for _ in range(2)).title() + " Street" for _ in range(3000)],
              "zh": ["".join(rng.choice(HAN) for _ in range(3)) + "路" for _ in range(3000)]}
    hazards = list(site.hazards)
    issuers = list(site.issuers)
    items = []
    for n in range(count):
        lang, group = ("en", "zh")[n % 2], f"doc-{n // 2}"
        size = rng.randint(8, 20) if lang == "en" else rng.randint(10, 24)
        body = [rng.choice(pool[lang]) + " " + rng.choice(places[lang]) for _ in range(size)]
        common = dict(lang=lang, slug=group, path=f"{lang}/{group}.md", group=group,
                      title=rng.choice(pool[lang])[:60] + " " + rng.choice(places[lang]),
                      summary=rng.choice(pool[lang]),
                      html="".join(f"<p>{s}</p>" for s in body),
                      hazards=tuple(rng.sample(hazards, rng.randint(1, 2))))
        if n % 5 < 3:
            items.append(Guide(section="guides", kind=rng.choice(KINDS), updated=NOW.date(),
                               review_by=NOW.date(), **common))
        else:
            items.append(Disclosure(section="disclosures", type=rng.choice(TYPES),
                                    issuer=rng.choice(issuers),
                                    published=NOW - dt.timedelta(hours=n), **common))
    return Library(site, items, kinds=registry(), generation=f"bench{count}", default_lang="en")


def query_mix(library: Library, rng: random.Random, count: int) -> list[str]:
    """Half popular queries, a long tail of words, pairs and typos, and some phrases."""
    texts = [item.summary for item in library.all()]
    words = sorted({w for t in texts[:2000] for w in re.findall(r"[A-Za-z]{4,}", t)})
    mix = []
    for _ in range(count):
        roll, text = rng.random(), rng.choice(texts)
        if roll < 0.5:
            mix.append(rng.choice(POPULAR))
        elif roll < 0.65:
            mix.append(rng.choice(words).lower())
        elif roll < 0.75:
            mix.append(f"{rng.choice(words)} {rng.choice(words)}".lower())
        elif roll < 0.85:
            word = rng.choice(words).lower()
            cut = rng.randrange(1, len(word))
            mix.append(word[:cut] + word[cut + 1:])  # a typo
        elif re.search(r"[\u4e00-\u9fff]{6}", text):
            start = rng.randrange(0, max(1, len(text) - 6))
            mix.append(f"“{text[start:start + rng.randint(4, 6)]}”")
        else:
            found = text.split()
            start = rng.randrange(0, max(1, len(found) - 3))
            mix.append('"' + " ".join(found[start:start + 3]) + '"')
    return mix


def fts_build(library: Library, path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, summary, body, keywords,"
               " tokenize='unicode61')")
    with db:
        for n, item in enumerate(library.all()):
            doc = document(library, item)
            db.execute("INSERT INTO docs(rowid, title, summary, body, keywords)"
                       " VALUES (?, ?, ?, ?, ?)",
                       (n, *(" ".join(terms(doc[f])) for f in ("title", "summary", "body",
                                                                "keywords"))))
    return db


def fts_match(parsed: Parsed, require_all: bool = True) -> str:
    clauses = []
    for clause in parsed.clauses:
        quoted = [f'"{t}"' for t in clause.terms]
        singles = [f'"{t}" *' for t in clause.terms if len(t) == 1 and ord(t) > 0x2e7f]
        words = [q for q, t in zip(quoted, clause.terms) if not (len(t) == 1 and ord(t) > 0x2e7f)]
        if clause.phrase and len(words) > 1:
            words = ['"' + " ".join(t.strip('"') for t in words) + '"']
        clauses.append("(" + " AND ".join(words + singles) + ")")
    return (" AND " if require_all else " OR ").join(clauses)


def fts_search(db: sqlite3.Connection, text: str) -> int:
    parsed = parse(text)
    if not parsed.clauses:
        return 0
    rows = db.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY"
                      " bm25(docs, 4.0, 2.0, 1.0, 2.0)", (fts_match(parsed),)).fetchall()
    if not rows and len(parsed.clauses) > 1:
        rows = db.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY"
                          " bm25(docs, 4.0, 2.0, 1.0, 2.0)",
                          (fts_match(parsed, False),)).fetchall()
    top = [row[0] for row in rows[:10]]
    if top:
        db.execute("SELECT snippet(docs, 2, '<mark>', '</mark>', '…', 24) FROM docs"
                   f" WHERE docs MATCH ? AND rowid IN ({','.join('?' * len(top))})",
                   (fts_match(parsed), *top)).fetchall()
    return len(rows)


def segmentation(library: Library, rng: random.Random, probes: int = 300) -> None:
    """CJK bigrams against jieba's whoosh analyzer (run when jieba is installed): does a
    phrase from a document, quoted, unquoted or split at random points, find it?"""
    try:
        import jieba
        from jieba.analyse import ChineseAnalyzer
    except ImportError:
        print("segmentation: jieba is not installed; `pip install jieba` to compare")
        return
    import logging

    from whoosh import fields, index
    from whoosh.qparser import QueryParser

    from portal.search import query as search_query
    from portal.search.analysis import analyzer
    from portal.search.matching import _prefixed
    from portal.search.query import to_query
    from portal.search.text import plain_text
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    docs = [(str(n), plain_text(item.html)) for n, item in enumerate(library.all())
            if item.lang == "zh"][:2000]
    picked = []
    for doc, text in rng.sample(docs, probes):
        run = rng.choice(re.findall(r"[\u4e00-\u9fff]{8,}", text) or ["无"])
        if len(run) < 8:
            continue
        start = rng.randrange(0, len(run) - 6)
        phrase = run[start:start + rng.randint(4, 8)]
        a, b = sorted(rng.sample(range(1, len(phrase)), 2))
        picked.append((doc, phrase, f"{phrase[:a]} {phrase[a:b]} {phrase[b:]}"))
    boosts, search_query.BOOSTS = search_query.BOOSTS, {"body": 1.0}
    try:
        for name, analysis in (("bigram", analyzer()), ("jieba", ChineseAnalyzer())):
            with tempfile.TemporaryDirectory() as tmp:
                ix = index.create_in(tmp, fields.Schema(id=fields.ID(stored=True),
                                                        body=fields.TEXT(analyzer=analysis)))
                started = time.perf_counter()
                with ix.writer(limitmb=256) as writer:
                    for doc, text in docs:
                        writer.add_document(id=doc, body=text)
                built = time.perf_counter() - started
                with ix.searcher() as searcher:
                    def finds(text: str, doc: str) -> bool:
                        if name == "jieba":
                            query = QueryParser("body", ix.schema).parse(text)
                        else:
                            parsed = parse(text)
                            query = to_query(parsed, expand=lambda f, c: _prefixed(
                                searcher.reader(), f, c))
                        return any(hit["id"] == doc for hit in searcher.search(query, limit=None))
                    found = [sum(finds(q, doc) for doc, q in pairs) for pairs in (
                        [(d, f'"{p}"') for d, p, _ in picked], [(d, p) for d, p, _ in picked],
                        [(d, s) for d, _, s in picked])]
                ix.close()
            print(f"segmentation {name:6}: {len(docs)} zh documents indexed in {built:5.1f} s;"
                  f" of {len(picked)} phrases found quoted {found[0]}, unquoted {found[1]},"
                  f" split differently {found[2]}")
    finally:
        search_query.BOOSTS = boosts


def timed(run, queries) -> list[float]:
    out = []
    for text in queries:
        started = time.perf_counter()
        run(text)
        out.append((time.perf_counter() - started) * 1000)
    return out


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main() -> None:
    figures = measure()
    report(figures)
    segmentation(figures["library"], figures["rng"])


def measure(documents: int = DOCUMENTS) -> dict:
    """Build both indexes of one generated corpus and time the same queries on each."""
    rng = random.Random(20261120)
    started = time.perf_counter()
    library = corpus(documents, rng)
    queries = query_mix(library, rng, QUERIES)
    print(f"corpus: {len(library)} documents (en and zh), generated in "
          f"{time.perf_counter() - started:.1f} s; {len(queries)} queries, "
          f"{len(set(queries))} distinct")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        index = SearchIndex(build_index(library, os.path.join(tmp, "index")))
        whoosh_build = time.perf_counter() - started
        started = time.perf_counter()
        db = fts_build(library, os.path.join(tmp, "fts.db"))
        fts_build_time = time.perf_counter() - started
        # Publishing one item: the next generation is an updated copy of this one.
        published = corpus(2, random.Random(1)).all()
        changed = Library(library.site, [*library.all(), *(dataclasses.replace(
            item, slug=f"new-{item.slug}", group=f"new-{item.group}") for item in published)],
            kinds=registry(), generation="bench-published", default_lang="en")
        started = time.perf_counter()
        build_index(changed, os.path.join(tmp, "index"))
        update_time = time.perf_counter() - started

        def ours(text: str) -> None:
            index.search(library, "en", NOW, Request(text))

        def uncached(text: str) -> None:
            index.cache.clear()
            ours(text)

        timed(ours, queries[:20])  # warm the allowed-set cache and the OS page cache
        cold = timed(uncached, queries)
        timed(ours, queries)
        warm = timed(ours, queries)
        fts = timed(lambda text: fts_search(db, text), queries)
        db.close()
        index.close()
    return {"library": library, "rng": rng, "queries": queries, "whoosh_build": whoosh_build,
            "fts_build": fts_build_time, "update": update_time, "cold": cold, "warm": warm,
            "fts": fts}


def report(figures: dict) -> None:
    whoosh_build, fts_build_time = figures["whoosh_build"], figures["fts_build"]
    update_time, cold, warm, fts = (figures[k] for k in ("update", "cold", "warm", "fts"))
    print(f"index build:     whoosh {whoosh_build:6.1f} s   FTS5 {fts_build_time:6.1f} s"
          f"   ratio {whoosh_build / fts_build_time:5.1f}x")
    print(f"index update:    whoosh {update_time:6.2f} s for 2 new documents (publishing)")
    print(f"{'':17}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'p50 vs FTS5':>13}{'p95 vs FTS5':>13}")
    for name, values in (("whoosh uncached", cold), ("whoosh cached", warm), ("FTS5", fts)):
        print(f"{name:17}{pct(values, 50):9.2f}{pct(values, 95):9.2f}{max(values):9.2f}"
              f"{pct(values, 50) / pct(fts, 50):12.2f}x{pct(values, 95) / pct(fts, 95):12.2f}x")
    slow = sum(1 for v in cold if v > 200)
    print(f"uncached searches over 200 ms: {slow} of {len(cold)}")


if __name__ == "__main__":
    main()
