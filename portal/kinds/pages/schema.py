"""The fields a page carries."""
from __future__ import annotations

import datetime as dt

from ...content.fields import COMMON, Field, text
from ...content.kind import Kind
from .model import Page

SCHEMA = {**COMMON, "summary": Field(text, required=False)}

SKELETON = """---
title: {title}
summary: One sentence shown to search engines.
draft: true                # remove this line to publish
---
Write the page here.
"""


def skeleton(slug: str, now: dt.datetime, subtype: str | None) -> str:
    return SKELETON.format(title=slug.replace("-", " ").capitalize())


KIND = Kind(name="pages", singular="page", item=Page, schema=SCHEMA,
            endpoint="pages.item", skeleton=skeleton)
