"""Typed content: the site settings and the items officials write."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping


def localized(names: Mapping[str, str], lang: str, fallback: str = "en") -> str:
    """Pick the name in ``lang``, else the fallback language, else any."""
    return names.get(lang) or names.get(fallback) or next(iter(names.values()), "")


@dataclass(frozen=True)
class Hazard:
    key: str
    category: str  # key of its hazard class
    names: Mapping[str, str]


@dataclass(frozen=True)
class HazardClass:
    key: str
    names: Mapping[str, str]
    hazards: tuple[str, ...]


@dataclass(frozen=True)
class Issuer:
    key: str
    names: Mapping[str, str]
    phone: str


@dataclass(frozen=True)
class Hotline:
    number: str
    names: Mapping[str, str]


@dataclass(frozen=True)
class Site:
    names: Mapping[str, str]
    office: Mapping[str, str]
    hazard_classes: Mapping[str, HazardClass]
    hazards: Mapping[str, Hazard]
    issuers: Mapping[str, Issuer]
    hotlines: tuple[Hotline, ...]


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    name: str


@dataclass(frozen=True, kw_only=True)
class Item:
    lang: str
    section: str  # guides | disclosures | pages
    slug: str
    path: str  # relative to the content directory, for messages
    group: str  # section-relative path shared by all translations
    title: str
    summary: str = ""
    html: str
    toc: tuple[TocEntry, ...] = ()
    hazards: tuple[str, ...] = ()
    draft: bool = False
    meta: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def is_public(self, now: dt.datetime) -> bool:
        return not self.draft


@dataclass(frozen=True, kw_only=True)
class Guide(Item):
    kind: str
    updated: dt.date
    review_by: dt.date

    def due_for_review(self, today: dt.date) -> bool:
        return today > self.review_by


@dataclass(frozen=True, kw_only=True)
class Page(Item):
    pass


@dataclass(frozen=True, kw_only=True)
class Disclosure(Item):
    type: str
    issuer: str
    published: dt.datetime
    updated: dt.datetime | None = None
    supersedes: str | None = None
    changes: tuple[tuple[dt.datetime, str], ...] = ()
    banner: bool = False
    claim: str | None = None
    verdict: str | None = None
    appeared_in: tuple[str, ...] = ()
    severity: str | None = None
    urgency: str | None = None
    certainty: str | None = None
    area: str | None = None
    expires: dt.datetime | None = None
    instruction: str | None = None
    polygons: tuple[str, ...] = ()
    circles: tuple[str, ...] = ()
    geocodes: tuple[tuple[str, str], ...] = ()

    def is_public(self, now: dt.datetime) -> bool:
        return not self.draft and self.published <= now

    def is_active(self, now: dt.datetime) -> bool:
        return self.expires is None or now < self.expires

    @property
    def modified(self) -> dt.datetime:
        return self.updated or self.published


SECTIONS = {"guides": Guide, "disclosures": Disclosure, "pages": Page}
