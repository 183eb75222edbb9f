"""Typed content: the site settings and the items officials write."""
from __future__ import annotations

import copyreg
import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping


def _mappingproxy(data):  # pickle cannot name the mappingproxy type itself
    return MappingProxyType(data)


def _proxy(mapping):
    return _mappingproxy, (dict(mapping),)


# Items and settings hold read-only mappings; they pickle (to the processes reading a
# cold start in parallel, into the start-up snapshot) as the dicts they wrap.
copyreg.pickle(MappingProxyType, _proxy)


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
class Area:
    """A named place alerts can be issued for (CAP <area>): a name per language,
    and the geocodes and polygons that locate it."""
    key: str
    names: Mapping[str, str]
    geocodes: tuple[tuple[str, str], ...] = ()
    polygons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Site:
    names: Mapping[str, str]
    office: Mapping[str, str]
    hazard_classes: Mapping[str, HazardClass]
    hazards: Mapping[str, Hazard]
    issuers: Mapping[str, Issuer]
    hotlines: tuple[Hotline, ...]
    areas: Mapping[str, Area] = field(default_factory=lambda: MappingProxyType({}))
    # A name of at most 16 characters per language (OpenSearch ShortName).
    short_names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    timezone: str | None = None  # IANA name: times in it are shown without an offset

    @property
    def phones(self) -> frozenset[str]:
        """Every number the site knows: hotlines and duty phones."""
        return frozenset([*(h.number for h in self.hotlines),
                          *(i.phone for i in self.issuers.values())])

    locales: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # What kinds read from site.yml (Kind.site): key -> parsed value.
    sections: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    name: str


@dataclass(frozen=True, kw_only=True)
class Item:
    lang: str
    section: str  # the kind: its folder name
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
