"""A content tree of many documents, written as officials write them, for load and memory runs.

Sentences come from the bundled content, so pages look and weigh like real ones; made-up
street names keep the vocabulary growing as a real archive's does. Same slug in en and zh
makes a translation pair, as in content/.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
from pathlib import Path

from portal import config
from portal.content import load
from portal.content.fields import KINDS, TYPES

SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]?")
SYLLABLES = "ka ri mo sen ta lu ven dor ash bel cor fin gal hem ith jor".split()
HAN = "东南西北中山河湖桥港湾林园新旧上下前后大小金银石水田村镇街巷路"
START = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _sentences(source: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"en": [], "zh": []}
    for path in sorted(source.glob("*/*/*.md")):
        lang = path.relative_to(source).parts[0]
        if lang in found:
            body = path.read_text(encoding="utf-8").split("---", 2)[-1]
            text = re.sub(r"[#*>|`\[\]()_-]+", " ", body)
            found[lang] += [s.strip() for s in SENTENCE.findall(text) if len(s.strip()) > 12]
    return found


def _front(fields: dict, body: str) -> str:
    # JSON strings and lists are valid YAML flow scalars, and far quicker to write.
    head = "".join(f"{key}: {value if isinstance(value, dt.date) else json.dumps(value, ensure_ascii=False)}\n"
                   for key, value in fields.items())
    return f"---\n{head}---\n{body}\n"


def write_tree(target: Path, documents: int = 10_000, seed: int = 7,
               source: Path = Path(config.CONTENT_DIR)) -> Path:
    """Write ``documents`` Markdown files (plus site.yml) under ``target``; returns it."""
    rng = random.Random(seed)
    site = load(str(source)).site
    pool = _sentences(source)
    places = {"en": [" ".join(rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
                              for _ in range(2)).title() + " Street" for _ in range(3000)],
              "zh": ["".join(rng.choice(HAN) for _ in range(3)) + "路" for _ in range(3000)]}
    hazards, issuers = sorted(site.hazards), sorted(site.issuers)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy(source / "site.yml", target / "site.yml")
    for lang in ("en", "zh"):
        for section in ("guides", "disclosures", "pages"):
            (target / lang / section).mkdir(parents=True)
    for lang in ("en", "zh"):
        for page in (source / lang / "pages").glob("*.md"):
            shutil.copy(page, target / lang / "pages" / page.name)

    def say(lang: str, count: int) -> str:
        return " ".join(rng.choice(pool[lang]) for _ in range(count))

    for n in range(documents):
        lang, pair = ("en", "zh")[n % 2], n // 2
        place = rng.choice(places[lang])
        title = f"{rng.choice(pool[lang])[:60].rstrip(' ,;:')} {place}"
        chosen = rng.sample(hazards, rng.randint(1, 2))
        body = "\n\n".join([
            say(lang, 3), f"## {say(lang, 1)[:50]}", say(lang, 4),
            "\n".join(f"- {rng.choice(pool[lang])}" for _ in range(rng.randint(3, 6))),
            f"## {say(lang, 1)[:50]}", say(lang, rng.randint(3, 8)),
        ])
        if pair % 5 < 3:
            slug = f"guide-{pair}"
            fields = {"title": title, "summary": say(lang, 1), "kind": KINDS[pair % len(KINDS)],
                      "hazards": chosen, "updated": (START.date() + dt.timedelta(days=pair % 300)),
                      "review_by": dt.date(2027, 12, 31)}
            section = "guides"
        else:
            slug = f"notice-{pair}"
            fields = {"title": title, "summary": say(lang, 1), "type": TYPES[0],
                      "issuer": issuers[pair % len(issuers)],
                      "published": START + dt.timedelta(minutes=pair),
                      "hazards": chosen}
            section = "disclosures"
        (target / lang / section / f"{slug}.md").write_text(_front(fields, body), "utf-8")
    return target
