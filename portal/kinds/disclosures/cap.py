"""Alerts as OASIS Common Alerting Protocol 1.2 documents.

One document per alert, with one <info> block per language the alert exists
in. The supersedes chain decides the message type: an alert that supersedes
an earlier alert is an Update; a disclosure of another type that supersedes
an alert (a "warning lifted" announcement) is a Cancel. Either carries
<references> to every earlier message in its chain.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from ...content.model import Site, localized
from ...search.text import plain_text
from .model import Disclosure
from .queries import area_text

NS = "urn:oasis:names:tc:emergency:cap:1.2"
# CAP categories by hazard, then by hazard class for hazards not listed.
CATEGORY_BY_HAZARD = {
    "earthquake": "Geo", "landslide": "Geo", "wildfire": "Fire", "fire": "Fire",
    "chemical": "CBRNE", "power-outage": "Infra", "gas-leak": "Safety",
}
CATEGORY_BY_CLASS = {
    "natural-disaster": "Met", "accident": "Safety", "public-health": "Health",
    "social-security": "Security",
}


def identifier(base_url: str, slug: str) -> str:
    return f"{urlsplit(base_url).hostname or 'localhost'}.disclosures.{slug}"


def sender(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"


def message_type(item: Disclosure, chain: Sequence[Disclosure]) -> str:
    if not chain:
        return "Alert"
    return "Update" if item.type == "alert" else "Cancel"


def categories(item: Disclosure, site: Site) -> list[str]:
    found = []
    for key in item.hazards:
        hazard = site.hazards[key]
        category = CATEGORY_BY_HAZARD.get(key) or CATEGORY_BY_CLASS.get(hazard.category, "Other")
        if category not in found:
            found.append(category)
    return found or ["Other"]


def build(versions: Sequence[Disclosure], chain: Sequence[Disclosure], site: Site, base_url: str,
          page_url: Callable[[Disclosure], str]) -> bytes:
    """``versions``: the same disclosure in each language, the default language first.
    ``chain``: the earlier messages it supersedes, oldest first."""
    first = versions[0]
    alert = ET.Element("alert", xmlns=NS)
    _text(alert, "identifier", identifier(base_url, first.slug))
    _text(alert, "sender", sender(base_url))
    _text(alert, "sent", first.modified.isoformat(timespec="seconds"))
    _text(alert, "status", "Actual")
    _text(alert, "msgType", message_type(first, chain))
    _text(alert, "scope", "Public")
    if chain:
        _text(alert, "references", " ".join(
            f"{sender(base_url)},{identifier(base_url, old.slug)},"
            f"{old.modified.isoformat(timespec='seconds')}" for old in chain))
    for item in versions:
        _info(alert, item, site, page_url(item))
    ET.indent(alert)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(alert, encoding="utf-8")


def _info(alert: ET.Element, item: Disclosure, site: Site, url: str) -> None:
    info = ET.SubElement(alert, "info")
    _text(info, "language", item.lang)
    for category in categories(item, site):
        _text(info, "category", category)
    event = localized(site.hazards[item.hazards[0]].names, item.lang) if item.hazards else item.title
    _text(info, "event", event)
    is_alert = item.type == "alert"
    _text(info, "urgency", (item.urgency or "past").capitalize() if is_alert else "Past")
    _text(info, "severity", (item.severity or "unknown").capitalize() if is_alert else "Unknown")
    _text(info, "certainty", (item.certainty or "unknown").capitalize() if is_alert else "Unknown")
    _text(info, "effective", item.published.isoformat(timespec="seconds"))
    if item.expires:
        _text(info, "expires", item.expires.isoformat(timespec="seconds"))
    issuer = site.issuers[item.issuer]
    _text(info, "senderName", localized(issuer.names, item.lang))
    _text(info, "headline", item.title)
    _text(info, "description", plain_text(item.html) or item.summary)
    _text(info, "instruction", "\n".join(item.instructions) or item.summary)
    _text(info, "web", url)
    _text(info, "contact", issuer.phone)
    # One <area> per named area of site.yml, located by its geocodes and polygons;
    # then what the alert itself draws, if anything.
    for key in item.areas:
        if key in site.areas:
            named = site.areas[key]
            _area(info, localized(named.names, item.lang), named.polygons, (), named.geocodes)
    if item.polygons or item.circles or item.geocodes or not item.areas:
        _area(info, item.area or area_text(site, item, item.lang)
              or localized(site.names, item.lang), item.polygons, item.circles, item.geocodes)


def _area(info: ET.Element, description: str, polygons, circles, geocodes) -> None:
    area = ET.SubElement(info, "area")
    _text(area, "areaDesc", description)
    for polygon in polygons:
        _text(area, "polygon", polygon)
    for circle in circles:
        _text(area, "circle", circle)
    for name, value in geocodes:
        geocode = ET.SubElement(area, "geocode")
        _text(geocode, "valueName", name)
        _text(geocode, "value", value)


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = value
    return element
