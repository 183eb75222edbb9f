"""Skeletons for `portal new`: every field the loader needs, with a note on each."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .content.fields import SLUG

GUIDE = """---
title: {title}            # what the guide helps with, in plain words
summary: One or two sentences shown in lists and search results.
kind: self-help            # self-help | mutual-rescue | prevention
hazards: [flood]           # keys from site.yml hazard_classes
updated: {today}
review_by: {review}        # after this date the guide is flagged as due for review
draft: true                # remove this line to publish
---
## First section

Write short steps, one idea per line.
"""

DISCLOSURE = """---
title: {title}
summary: One or two sentences shown in lists, feeds and search results.
type: {type}               # announcement | rumour-correction | alert
issuer: emergency-office   # a key from site.yml issuers
published: {now}   # a later time schedules publication
hazards: [flood]
{extra}draft: true                # remove this line to publish
---
Write what happened, what people should do, and when the next update comes.
"""

EXTRA = {
    "announcement": "",
    "rumour-correction": (
        'claim: "The rumour exactly as it circulated."\n'
        "verdict: false            # false | misleading | unproven | true\n"
        'appeared_in: ["Where it was seen, for example a chat group"]\n'),
    "alert": (
        "severity: moderate        # minor | moderate | severe | extreme\n"
        "urgency: expected         # immediate | expected | future | past | unknown\n"
        "certainty: likely         # observed | likely | possible | unlikely | unknown\n"
        'area: "Which places are affected"\n'
        "expires: {expires}\n"),
}


def write_skeleton(content_dir: str | Path, section: str, slug: str, lang: str, type_: str,
                   now: dt.datetime | None = None) -> Path:
    if not SLUG.fullmatch(slug):
        raise ValueError(f"{slug!r} is not a valid slug: use lowercase letters, digits and hyphens")
    now = (now or dt.datetime.now().astimezone()).replace(microsecond=0)
    folder = "guides" if section == "guide" else "disclosures"
    path = Path(content_dir) / lang / folder / f"{slug}.md"
    title = slug.replace("-", " ").capitalize()
    if section == "guide":
        text = GUIDE.format(title=title, today=now.date(),
                            review=now.date() + dt.timedelta(days=365))
    else:
        extra = EXTRA[type_].format(expires=(now + dt.timedelta(days=1)).isoformat())
        text = DISCLOSURE.format(title=title, type=type_, now=now.isoformat(), extra=extra)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(text)
    except FileExistsError:
        raise FileExistsError(f"{path} already exists; edit it or choose another slug") from None
    return path
