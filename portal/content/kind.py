"""What the core knows of a kind of content: one description per kind, no web framework.

Each kind package (``portal/kinds/<name>``) builds one :class:`Kind`; the loader,
the library, search, feeds, the sitemap, ``portal new`` and ``portal freeze``
iterate the registry of kinds and never name one.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .fields import Field
from .model import Item


def by_title(item: Item) -> Any:
    return item.title.casefold()


def no_moments(item: Item) -> Iterable[dt.datetime]:
    return ()


def changed_on(item: Item) -> dt.date | dt.datetime | None:
    """When an item last changed, as far as its fields say (for the sitemap's lastmod):
    a ``modified`` or ``updated`` moment, else its ``published`` one."""
    for name in ("modified", "updated", "status_updated", "published"):
        value = getattr(item, name, None)
        if isinstance(value, (dt.date, dt.datetime)):
            return value
    return None


@dataclass(frozen=True)
class SearchFields:
    """What a kind adds to an item's search document beyond title, summary and body."""
    date: dt.date | dt.datetime | None = None
    summary: str = ""  # appended to the summary (a rumour's claim, say)
    keywords: tuple[str, ...] = ()


def no_search_fields(item: Item, site) -> SearchFields:
    return SearchFields()


@dataclass(frozen=True)
class Facet:
    """A search and list filter: the values it may take, and an item's values."""
    values: tuple[str, ...]
    of: Callable[[Item], tuple[str, ...]]


@dataclass(frozen=True)
class Kind:
    name: str  # the content folder and the URL segment: /<lang>/<name>/<slug>
    singular: str  # for `portal new <singular> <slug>`
    item: type[Item]
    schema: Mapping[str, Field]
    # A field whose value picks extra fields (disclosures: `type`), and those fields.
    subtype: str | None = None
    subtypes: Mapping[str, Mapping[str, Field]] = field(default_factory=dict)
    order: Callable[[Item], Any] = by_title
    # Moments when an item's public state changes with no file changing
    # (a scheduled publication going live, an alert expiring).
    moments: Callable[[Item], Iterable[dt.datetime]] = no_moments
    # Search: extra document fields, and facets besides `hazard` (name -> values of an item).
    search: Callable[[Item, Any], SearchFields] = no_search_fields
    # Whether an item has stopped being current (an alert that expired or was
    # replaced): search ranks such items after the current ones and marks them.
    ended: Callable[[Any, Item, dt.datetime], bool] | None = None
    facets: Mapping[str, Facet] = field(default_factory=dict)
    # Checks across the fields of one item, once each converted: may fill in derived
    # values in ``values`` and yields (field, message) for what is wrong.
    finish: Callable[[dict, str], Iterable[tuple[str, str]]] | None = None
    # Checks that need the other items (a `supersedes` target, say): yields (field, message).
    # ``find(lang, kind, slug)`` gives an item in that language or, failing that, another.
    # ``find.every(kind)`` lists every item of a kind, in every language.
    links: Callable[[Item, Callable[[str, str, str], Item | None]],
                    Iterable[tuple[str, str]]] | None = None
    # `portal check` advice on one loaded item that needs the library and the time
    # (a promised update now overdue, say): ``review(library, item, now)`` yields
    # (field, message) warnings.
    review: Callable[[Any, Item, dt.datetime], Iterable[tuple[str, str]]] | None = None
    # The web layer's endpoints for an item page (values: lang, slug) and the list page (lang).
    endpoint: str = ""
    list_endpoint: str | None = None
    in_sitemap: bool = True
    # `portal new`: the file text for (slug, now, subtype or None).
    skeleton: Callable[[str, dt.datetime, str | None], str] | None = None
    # Sections of site.yml this kind reads (``response_levels``, say): key -> parser of
    # the raw value (None when absent), raising FieldError; the result is
    # ``site.sections[key]``. A bad section is an error on site.yml's line for it.
    site: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    # Hazards for which this kind has something in force now (an alert, a response):
    # ``active(library, lang, now)``. Other kinds show what serves those hazards.
    active: Callable[[Any, str, dt.datetime], Iterable[str]] | None = None

    def schema_for(self, meta: Mapping) -> Mapping[str, Field]:
        if self.subtype is None:
            return self.schema
        extra = self.subtypes.get(str(meta.get(self.subtype)), {})
        return MappingProxyType({**self.schema, **extra}) if extra else self.schema

    def fields(self) -> frozenset[str]:
        """Every field any item of this kind may carry."""
        names = set(self.schema)
        for extra in self.subtypes.values():
            names.update(extra)
        return frozenset(names)


class Registry(Mapping[str, Kind]):
    """The kinds the site serves, by folder name, in navigation order."""

    def __init__(self, kinds: Iterable[Kind]):
        self._kinds = {kind.name: kind for kind in kinds}

    def __getitem__(self, name: str) -> Kind:
        return self._kinds[name]

    def __iter__(self):
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    def by_singular(self, name: str) -> Kind | None:
        for kind in self._kinds.values():
            if name in (kind.singular, kind.name):
                return kind
        return None

    def facets(self) -> dict[str, tuple[str, ...]]:
        """Every facet a kind declares, with its values; `hazard` is every kind's."""
        found: dict[str, tuple[str, ...]] = {}
        for kind in self._kinds.values():
            for name, facet in kind.facets.items():
                found[name] = tuple(dict.fromkeys((*found.get(name, ()), *facet.values)))
        return found

    def site_sections(self) -> dict[str, Callable[[Any], Any]]:
        """Every site.yml section a kind reads, with its parser."""
        return {key: parse for kind in self._kinds.values() for key, parse in kind.site.items()}

    def facet_names(self) -> tuple[str, ...]:
        return (*self.facets(), "hazard")
