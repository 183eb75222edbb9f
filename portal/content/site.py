"""Read ``site.yml``: names, hazard taxonomy, issuers and hotlines."""
from __future__ import annotations

import dataclasses
import zoneinfo
from pathlib import Path
from types import MappingProxyType

from babel import Locale, UnknownLocaleError

from .errors import ContentError, FieldError, shown
from .fields import SLUG, geocodes, polygons
from .frontmatter import load_mapping, decode
from .model import Area, Hazard, HazardClass, Hotline, Issuer, Site

SITE_FILE = "site.yml"


def read_site(root: Path) -> bytes:
    try:
        return (root / SITE_FILE).read_bytes()
    except OSError as exc:
        raise ContentError(SITE_FILE, 1, "", f"cannot read: {exc.strerror}") from None


def load_site(root: Path, sections=None) -> Site:
    return parse_site(read_site(root), sections)


def names(value) -> MappingProxyType:
    """A name per language (``{en: Flood, zh: 洪涝}``; a bare string is English)."""
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict) or not value or not all(
            isinstance(v, (str, int)) for v in value.values()):
        raise FieldError("must map language codes to names, for example {en: Flood, zh: 洪涝}")
    return MappingProxyType({str(k): str(v) for k, v in value.items()})


def parse_site(data: bytes, sections=None) -> Site:
    """The settings in ``data``; raises a ContentError naming the line and field.

    ``sections`` maps the keys kinds read (see Kind.site) to their parsers."""
    meta, lines = load_mapping(decode(data, SITE_FILE), SITE_FILE, first_line=1)

    def fail(field: str, message: str):
        raise ContentError(SITE_FILE, lines.get(field, 1), field, message)

    def names_of(value, field: str) -> MappingProxyType:
        try:
            return names(value)
        except FieldError as exc:
            fail(field, str(exc))

    classes, hazards = {}, {}
    if not isinstance(meta.get("hazard_classes"), dict):
        fail("hazard_classes", "must map hazard classes to their names and hazards")
    for class_key, spec in meta["hazard_classes"].items():
        if not isinstance(spec, dict) or not isinstance(spec.get("hazards"), dict):
            fail("hazard_classes", f"class {class_key!r} needs a name and a map of hazards")
        for key, hazard_names in spec["hazards"].items():
            if not SLUG.fullmatch(str(key)):
                fail("hazard_classes", f"hazard key {key!r} is not a slug")
            if key in hazards:
                fail("hazard_classes", f"hazard {key!r} is listed twice")
            hazards[key] = Hazard(key, class_key, names_of(hazard_names, "hazard_classes"))
        classes[class_key] = HazardClass(class_key,
                                         names_of(spec.get("name"), "hazard_classes"),
                                         tuple(spec["hazards"]))

    issuers = {}
    for key, spec in (meta.get("issuers") or {}).items():
        if not isinstance(spec, dict) or "phone" not in spec:
            fail("issuers", f"issuer {key!r} needs a name and a phone")
        issuers[key] = Issuer(key, names_of(spec.get("name"), "issuers"), str(spec["phone"]))

    hotlines = []
    for spec in meta.get("hotlines") or []:
        if not isinstance(spec, dict) or "number" not in spec:
            fail("hotlines", "each hotline needs a number and a name")
        hotlines.append(Hotline(str(spec["number"]), names_of(spec.get("name"), "hotlines")))

    areas = {}
    spec_areas = meta.get("areas") or {}
    if not isinstance(spec_areas, dict):
        fail("areas", "must map area keys to a name per language and a geocode or polygon")
    for key, spec in spec_areas.items():
        if not SLUG.fullmatch(str(key)):
            fail("areas", f"area key {shown(key)} is not a slug")
        if not isinstance(spec, dict) or "name" not in spec:
            fail("areas", f"area {key!r} needs a name per language")
        try:
            area_codes = geocodes(spec["geocode"], None) if spec.get("geocode") else ()
            area_polygons = polygons(spec["polygon"], None) if spec.get("polygon") else ()
        except FieldError as exc:
            fail("areas", f"area {key!r}: {exc}")
        if not area_codes and not area_polygons:
            fail("areas", f"area {key!r} needs a geocode or a polygon, so alert systems can "
                          "place it")
        areas[str(key)] = Area(str(key), names_of(spec["name"], "areas"), area_codes, area_polygons)

    parsed = {}
    for key, parse in (sections or {}).items():
        try:
            parsed[key] = parse(meta.get(key))
        except FieldError as exc:
            fail(key, str(exc))

    return Site(
        sections=MappingProxyType(parsed),
        areas=MappingProxyType(areas),
        names=names_of(meta.get("name"), "name"),
        office=names_of(meta.get("office") or meta.get("name"), "office"),
        short_names=short_names(meta, fail, names_of),
        timezone=time_zone(meta.get("timezone"), fail),
        locales=locales(meta.get("locales"), fail),
        hazard_classes=MappingProxyType(classes),
        hazards=MappingProxyType(hazards),
        issuers=MappingProxyType(issuers),
        hotlines=tuple(hotlines),
    )


def time_zone(value, fail) -> str | None:
    """The IANA name of the district's time zone (Asia/Shanghai): times in it are
    shown without their offset."""
    if value is None:
        return None
    try:
        zoneinfo.ZoneInfo(str(value))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        fail("timezone", f"{shown(value)} is not a time zone name, for example Asia/Shanghai")
    return str(value)


def locales(value, fail) -> MappingProxyType:
    """The locale each language's dates and numbers follow (en: en_GB)."""
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, dict):
        fail("locales", "must map language codes to locales, for example {en: en_GB}")
    found = {}
    for lang, code in value.items():
        try:
            Locale.parse(str(code).replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            fail("locales", f"{lang}: {shown(code)} is not a locale, for example en_GB")
        found[str(lang)] = str(code).replace("-", "_")
    return MappingProxyType(found)


SHORT_NAME = 16  # OpenSearch ShortName: at most 16 characters


def short_names(meta, fail, names_of) -> MappingProxyType:
    """The name a browser shows for the site's search (and an installed app), per
    language: ``short_name`` when given, else the full name when it is short enough."""
    if meta.get("short_name") is None:
        full = names_of(meta.get("name"), "name")
        return MappingProxyType({k: v for k, v in full.items() if len(v) <= SHORT_NAME})
    found = names_of(meta["short_name"], "short_name")
    for lang, name in found.items():
        if len(name) > SHORT_NAME:
            fail("short_name", f"{lang}: {name!r} is {len(name)} characters; at most "
                               f"{SHORT_NAME} fit a browser's search box")
    return found


def with_references(site: Site, previous: Site | None, items) -> Site:
    """``site`` plus the hazards and issuers it dropped that items still serving use.

    Those items were reported when they failed to load against the new
    ``site.yml`` and serve their last good version; keeping the names they refer
    to means no page breaks on them."""
    if previous is None:
        return site
    hazards, classes, issuers = dict(site.hazards), dict(site.hazard_classes), dict(site.issuers)
    for item in items:
        for key in item.hazards:
            if key not in hazards and key in previous.hazards:
                hazard = previous.hazards[key]
                hazards[key] = hazard
                if hazard.category not in classes:
                    old = previous.hazard_classes[hazard.category]
                    classes[hazard.category] = HazardClass(old.key, old.names, ())
        key = getattr(item, "issuer", None)
        if key and key not in issuers and key in previous.issuers:
            issuers[key] = previous.issuers[key]
    if len(hazards) == len(site.hazards) and len(issuers) == len(site.issuers) \
            and len(classes) == len(site.hazard_classes):
        return site
    return dataclasses.replace(site, hazards=MappingProxyType(hazards),
                               hazard_classes=MappingProxyType(classes),
                               issuers=MappingProxyType(issuers))
