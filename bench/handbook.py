"""The household handbook (/<lang>/handbook.pdf): build time and size per language, at
the bundled content and at BENCH_HANDBOOK_GUIDES guides (1,000: half in each language).

Each build is what the site does on its background thread after a content change:
render every guide, the hotlines, the places with their map and the plans' levels to
HTML and lay it out as A4 with WeasyPrint. Requests never wait for it (the last
handbook is served meanwhile), so the time shown is how long a change takes to reach
the PDF, not a response time.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from bench.corpus import BUNDLED, _bodies

GUIDES = int(os.environ.get("BENCH_HANDBOOK_GUIDES", 1000))


def guide_tree(destination: Path, guides: int) -> int:
    """The bundled content plus generated guides until it holds ``guides`` of them."""
    shutil.copytree(BUNDLED, destination, dirs_exist_ok=True)
    count = sum(1 for _ in destination.glob("*/guides/*.md"))
    n = 0
    while count < guides:
        n += 1
        for lang in ("en", "zh"):
            if count >= guides:
                break
            bodies = _bodies(lang, "guides")
            front, body = bodies[n % len(bodies)]
            front = re.sub(r"^title: (.*)$",
                           lambda m: "title: " + json.dumps(f"{m.group(1).strip(chr(34))} {n}",
                                                            ensure_ascii=False),
                           front, count=1, flags=re.M)
            path = destination / lang / "guides" / f"generated-guide-{n:05d}.md"
            path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
            count += 1
    return count


def measure(content: Path, work: Path) -> list[tuple[str, int, float, int, int]]:
    """(lang, guides, seconds, bytes, pages) per language."""
    from pypdf import PdfReader

    from portal import create_app
    app = create_app({"CONTENT_DIR": str(content), "BUILD_DIR": str(work / "build"),
                      "INDEX_DIR": str(work / "index"), "RELOAD_INTERVAL": 0,
                      "DATABASE_URL": f"sqlite:///{work}/portal.db"})
    store = app.extensions["portal.store"]
    library, builder = store.library, app.extensions["portal.handbook"]
    rows = []
    for lang in library.languages:
        started = time.perf_counter()
        built = builder.build(lang)
        seconds = time.perf_counter() - started
        guides = len(library.section(lang, "guides", store.now()))
        pages = len(PdfReader(builder.directory() / next(
            p.name for p in builder.directory().glob(f"{lang}-*.pdf"))).pages)
        rows.append((lang, guides, seconds, built.size, pages))
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-handbook-") as tmp:
        tmp = Path(tmp)
        big = tmp / "content-big"
        guide_tree(big, GUIDES)
        for label, content in (("bundled content", BUNDLED), (f"{GUIDES:,} guides", big)):
            work = tmp / label.replace(" ", "-").replace(",", "")
            for lang, guides, seconds, size, pages in measure(content, work):
                print(f"handbook {label:>16} {lang}: {guides:5d} guides, {pages:5d} pages, "
                      f"{size / 1_000_000:6.1f} MB, built in {seconds:6.1f} s", flush=True)


if __name__ == "__main__":
    main()
