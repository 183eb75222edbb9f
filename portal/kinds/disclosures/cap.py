"""Alerts as OASIS Common Alerting Protocol 1.2 documents.

One message per alert, with one <info> block per language the alert exists in,
the default language first: the same bytes whichever language's URL asks. The
message's own facts (``sent``, ``references``, ``status``, ``expires``, the
category, urgency, severity, certainty, response and the located areas) come from
the message, not from one translation, so every <info> agrees; each <info> gives
the text of its language.

The supersedes chain decides the message type: an alert that supersedes an
earlier alert is an Update; a disclosure of another type that supersedes an
alert (a "warning lifted" announcement) is a Cancel. Either carries
<references> to every earlier message in its chain.

A Cancel speaks of the alert it cancels: it carries that alert's category,
severity, certainty and areas (aggregators match them to what they show), with
urgency Past and responseType AllClear. It expires when the cancelled alert would
have, or, if that time has already passed when the Cancel is published,
CANCEL_LIFETIME after its publication.

responseType: what the alert's `response_type` says; else AllClear for a Cancel,
and by urgency for an alert (RESPONSE_BY_URGENCY): act now (immediate) is
Execute, i.e. follow the instructions given; expected and future are Prepare;
past is AllClear; unknown is Monitor.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from ...content.model import Site, localized
from ...search.text import plain_text
from .model import Disclosure

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
# The words of `response_type` in front matter, and the CAP values they stand for.
RESPONSE_TYPES = {
    "shelter": "Shelter", "evacuate": "Evacuate", "prepare": "Prepare", "execute": "Execute",
    "avoid": "Avoid", "monitor": "Monitor", "assess": "Assess", "all-clear": "AllClear",
    "none": "None",
}
RESPONSE_BY_URGENCY = {
    "immediate": "Execute", "expected": "Prepare", "future": "Prepare", "past": "AllClear",
    "unknown": "Monitor",
}
CANCEL_LIFETIME = dt.timedelta(hours=24)
AREA_DESC_LIMIT = 50  # characters: aggregators show it in a line


def identifier(base_url: str, slug: str, kind: str = "disclosures") -> str:
    return f"{urlsplit(base_url).hostname or 'localhost'}.{kind}.{slug}"


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


def response_types(item: Disclosure, msg_type: str) -> list[str]:
    if item.response_type:
        return [RESPONSE_TYPES[word] for word in item.response_type]
    if msg_type == "Cancel" or item.type != "alert":
        return ["AllClear"]
    return [RESPONSE_BY_URGENCY.get(item.urgency or "unknown", "Monitor")]


def expires(item: Disclosure, cancelled: Disclosure | None) -> dt.datetime:
    """When the message stops applying (see the module's documentation for a Cancel)."""
    if item.type == "alert" and item.expires is not None:
        return item.expires
    if cancelled is not None and cancelled.expires is not None \
            and cancelled.expires > item.published:
        return cancelled.expires
    return item.published + CANCEL_LIFETIME


def _stamp(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")


def build(versions: Sequence[Disclosure], chains: Mapping[str, Sequence[Disclosure]],
          site: Site, base_url: str, page_url: Callable[[Disclosure], str],
          sent_of: Callable[[Disclosure], dt.datetime]) -> bytes:
    """``versions``: the same disclosure in each language, the default language first.
    ``chains``: per language, the earlier messages it supersedes, oldest first.
    ``sent_of(item)``: when a message was last sent: the newest change of any of its
    language versions."""
    first = versions[0]
    chain = chains.get(first.lang, ())
    msg_type = message_type(first, chain)
    # The alert a Cancel withdraws, whose facts it repeats.
    cancelled = next((old for old in reversed(chain) if old.type == "alert"), None) \
        if msg_type == "Cancel" else None
    facts = cancelled if cancelled is not None else first
    alert = ET.Element("alert", xmlns=NS)
    _text(alert, "identifier", identifier(base_url, first.slug))
    _text(alert, "sender", sender(base_url))
    _text(alert, "sent", _stamp(sent_of(first)))
    _text(alert, "status", "Exercise" if facts.exercise or first.exercise else "Actual")
    _text(alert, "msgType", msg_type)
    _text(alert, "scope", "Public")
    if chain:
        _text(alert, "references", " ".join(
            f"{sender(base_url)},{identifier(base_url, old.slug)},{_stamp(sent_of(old))}"
            for old in chain))
    message = {
        "categories": categories(facts, site),
        "responses": response_types(first, msg_type),
        "urgency": "Past" if msg_type == "Cancel" else (first.urgency or "unknown").capitalize(),
        "severity": (facts.severity or "unknown").capitalize(),
        "certainty": (facts.certainty or "unknown").capitalize(),
        "effective": _stamp(first.published),
        "expires": _stamp(expires(first, cancelled)),
        "areas": facts.areas,
        "geometry": (facts.polygons, facts.circles, facts.geocodes),
    }
    for item in versions:
        same = [old for old in reversed(chains.get(item.lang, ())) if old.type == "alert"]
        own = same[0] if msg_type == "Cancel" and same else (cancelled or item)
        _info(alert, item, own, message, site, page_url(item))
    ET.indent(alert)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(alert, encoding="utf-8")


def _info(alert: ET.Element, item: Disclosure, facts: Disclosure, message: dict, site: Site,
          url: str) -> None:
    """``facts``: the alert in this language whose event and area text apply (for a
    Cancel, the alert it cancels; otherwise ``item``)."""
    info = ET.SubElement(alert, "info")
    _text(info, "language", item.lang)
    for category in message["categories"]:
        _text(info, "category", category)
    hazards = facts.hazards or item.hazards
    event = localized(site.hazards[hazards[0]].names, item.lang) if hazards else item.title
    _text(info, "event", event)
    for response in message["responses"]:
        _text(info, "responseType", response)
    for name in ("urgency", "severity", "certainty", "effective", "expires"):
        _text(info, name, message[name])
    issuer = site.issuers[item.issuer]
    _text(info, "senderName", localized(issuer.names, item.lang))
    _text(info, "headline", item.title)
    _text(info, "description", plain_text(item.html) or item.summary)
    _text(info, "instruction", "\n".join(item.instructions) or item.summary)
    _text(info, "web", url)
    _text(info, "contact", issuer.phone)
    if item.type == "alert":
        parameter = ET.SubElement(info, "parameter")
        _text(parameter, "valueName", "SMS")
        _text(parameter, "value", item.sms_text)
    # One <area> per named area of site.yml, located by its geocodes and polygons;
    # then what the alert itself draws, if anything.
    names = []
    for key in message["areas"]:
        if key in site.areas:
            named = site.areas[key]
            names.append(localized(named.names, item.lang))
            _area(info, names[-1], named.polygons, (), named.geocodes)
    polygons, circles, geocodes = message["geometry"]
    if polygons or circles or geocodes or not names:
        _area(info, _short(facts.area, ", ".join(names), localized(site.names, item.lang)),
              polygons, circles, geocodes)


def _short(*candidates: str | None) -> str:
    """The first description that fits in an areaDesc, else the last one cut short."""
    found = [c for c in candidates if c]
    for candidate in found:
        if len(candidate) < AREA_DESC_LIMIT:
            return candidate
    last = found[-1] if found else ""
    return last[:AREA_DESC_LIMIT - 2] + "…"


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
