"""The fields a guide carries, and what the rest of the site needs to know of guides."""
from __future__ import annotations

import datetime as dt

from ...content.fields import COMMON, Field, choice, date, hazards
from ...content.kind import Facet, Kind, SearchFields
from .model import KINDS, Guide

SCHEMA = {
    **COMMON,
    "kind": Field(choice(*KINDS)),
    "hazards": Field(hazards),
    "updated": Field(date),
    "review_by": Field(date),
}

SKELETON = """---
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


def skeleton(slug: str, now: dt.datetime, subtype: str | None) -> str:
    return SKELETON.format(title=slug.replace("-", " ").capitalize(), today=now.date(),
                           review=now.date() + dt.timedelta(days=365))


def search_fields(item: Guide, site) -> SearchFields:
    return SearchFields(date=item.updated)


KIND = Kind(
    name="guides", singular="guide", item=Guide, schema=SCHEMA,
    search=search_fields, facets={"kind": Facet(KINDS, lambda item: (item.kind,))},
    endpoint="guides.item", list_endpoint="guides.index", skeleton=skeleton,
)
