"""Skeletons for `portal new`: every field the loader needs, with a note on each."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .content import Kind
from .content.fields import SLUG


def write_skeleton(content_dir: str | Path, kind: Kind, slug: str, lang: str,
                   subtype: str | None = None, now: dt.datetime | None = None) -> Path:
    if not SLUG.fullmatch(slug):
        raise ValueError(f"{slug!r} is not a valid slug: use lowercase letters, digits and hyphens")
    if kind.skeleton is None:
        raise ValueError(f"{kind.name} have no skeleton")
    now = (now or dt.datetime.now().astimezone()).replace(microsecond=0)
    text = kind.skeleton(slug, now, subtype)
    path = Path(content_dir) / lang / kind.name / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(text)
    except FileExistsError:
        raise FileExistsError(f"{path} already exists; edit it or choose another slug") from None
    return path
