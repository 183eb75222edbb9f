"""A test alert as a CAP 1.2 document: status Exercise, and the exact message that will
be sent, so no aggregator or phone can take it for a real alert.

One message per test alert, one <info> per language it exists in, the default
language first; identifiers, senders and areas as disclosures' CAP documents make
them (portal/kinds/disclosures/cap.py)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.etree import ElementTree as ET

from ...content.model import Site, localized
from ..disclosures import cap
from .model import Event


def build(versions: Sequence[Event], site: Site, base_url: str,
          page_url: Callable[[Event], str], place_of: Callable[[Event], object]) -> bytes:
    """``versions``: the same test alert in each language, the default language first;
    ``place_of(item)``: its place, or None."""
    first = versions[0]
    alert = ET.Element("alert", xmlns=cap.NS)
    cap._text(alert, "identifier", cap.identifier(base_url, first.slug, "events"))
    cap._text(alert, "sender", cap.sender(base_url))
    cap._text(alert, "sent", cap._stamp(max(v.modified for v in versions)))
    cap._text(alert, "status", "Exercise")
    cap._text(alert, "msgType", "Alert")
    cap._text(alert, "scope", "Public")
    cap._text(alert, "note", first.notice)
    for item in versions:
        _info(alert, item, site, page_url(item), place_of(item))
    ET.indent(alert)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(alert, encoding="utf-8")


def _info(alert: ET.Element, item: Event, site: Site, url: str, place) -> None:
    info = ET.SubElement(alert, "info")
    cap._text(info, "language", item.lang)
    for category in cap.categories(item, site):
        cap._text(info, "category", category)
    cap._text(info, "event", item.title)
    cap._text(info, "responseType", "None")
    for name in ("urgency", "severity", "certainty"):
        cap._text(info, name, "Unknown")
    cap._text(info, "effective", cap._stamp(item.start))
    cap._text(info, "onset", cap._stamp(item.start))
    cap._text(info, "expires", cap._stamp(item.end))
    organiser = site.issuers[item.organiser]
    cap._text(info, "senderName", localized(organiser.names, item.lang))
    cap._text(info, "headline", item.title)
    cap._text(info, "description", item.message or "")
    cap._text(info, "instruction", item.notice)
    cap._text(info, "web", url)
    cap._text(info, "contact", organiser.phone)
    parameter = ET.SubElement(info, "parameter")
    cap._text(parameter, "valueName", "SMS")
    cap._text(parameter, "value", item.message or "")
    area = site.areas.get(getattr(place, "area", None) or "")
    if area is not None:
        cap._area(info, localized(area.names, item.lang), area.polygons, (), area.geocodes)
    else:
        cap._area(info, cap._short(getattr(place, "title", None), item.address,
                                   localized(site.names, item.lang)), (), (), ())
