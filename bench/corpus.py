"""A large content tree for benchmarks, made from the bundled content.

Copies content/ (site.yml and every file) and adds generated guides and
disclosures in both languages until the tree holds ``total`` documents. The
generated bodies reuse bundled prose, so Markdown features and both scripts
are represented as in real use.
"""
from __future__ import annotations

import functools
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "content"
FRONT = re.compile(r"^---\n(.*?)\n---\n", re.S)


@functools.cache
def _bodies(lang: str, section: str) -> list[tuple[str, str]]:
    """(front matter, body) of every bundled file of one kind."""
    found = []
    for path in sorted((BUNDLED / lang / section).glob("*.md")):
        text = path.read_text(encoding="utf-8")
        match = FRONT.match(text)
        if re.search(r"^type: response$", match.group(1), re.M):
            continue  # a copy would end or adjust a response that is not in force: an error
        found.append((match.group(1), text[match.end():]))
    return found


def write_tree(destination: Path, total: int = 10_000, seed: int = 7) -> int:
    """Write the tree; return how many documents it holds."""
    rng = random.Random(seed)
    shutil.copytree(BUNDLED, destination, dirs_exist_ok=True)
    count = sum(1 for _ in destination.rglob("*.md"))
    n = 0
    while count < total:
        n += 1
        for lang in ("en", "zh"):
            for section in ("guides", "disclosures"):
                if count >= total:
                    break
                front, body = rng.choice(_bodies(lang, section))
                front = re.sub(r"^title: (.*)$", lambda m: f"title: {m.group(1).strip(chr(34))} {n}"
                               if not m.group(1).startswith(("'", '"')) else m.group(0), front,
                               count=1, flags=re.M)
                front = re.sub(r"^supersedes: .*\n?", "", front, flags=re.M)
                path = destination / lang / section / f"generated-{section[:5]}-{n:05d}.md"
                path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
                count += 1
    return count
