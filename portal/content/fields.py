"""Front matter schema: one converter per field, typed in one place.

A converter takes the raw YAML value and the site settings and returns the
typed value or raises :class:`FieldError` with a message for the official.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import FieldError
from .frontmatter import clean_text

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")



def text(value: Any, site) -> str:
    if isinstance(value, (dict, list)) or value is None:
        raise FieldError("must be a line of text")
    result = " ".join(clean_text(str(value)).split())
    if not result:
        raise FieldError("must not be empty")
    return result


def boolean(value: Any, site) -> bool:
    if not isinstance(value, bool):
        raise FieldError("must be true or false")
    return value


def date(value: Any, site) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise FieldError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None


def datetime(value: Any, site) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value).strip()):
        raise FieldError(f"{value} has no time; write it as YYYY-MM-DDTHH:MM:SS+08:00")
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise FieldError(
                f"{value!r} is not a date-time; write it as YYYY-MM-DDTHH:MM:SS+08:00") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise FieldError(f"{value} has no UTC offset; add one, for example +08:00")
    return parsed


def choice(*allowed: str) -> Callable[[Any, Any], str]:
    def convert(value: Any, site) -> str:
        if isinstance(value, bool):  # YAML reads `verdict: false` as a boolean
            value = "true" if value else "false"
        if str(value) not in allowed:
            raise FieldError(f"{value!r} is not one of: {', '.join(allowed)}")
        return str(value)
    return convert


def slug(value: Any, site) -> str:
    value = str(value)
    if not SLUG.fullmatch(value):
        raise FieldError(f"{value!r} is not a slug (lowercase letters, digits, hyphens)")
    return value


def hazards(value: Any, site) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        raise FieldError("must be a list of hazard keys, for example [flood]")
    unknown = [str(v) for v in values if str(v) not in site.hazards]
    if unknown:
        raise FieldError(f"unknown hazard {', '.join(map(repr, unknown))}; "
                         f"known: {', '.join(site.hazards)}")
    return tuple(dict.fromkeys(str(v) for v in values))


def issuer(value: Any, site) -> str:
    if str(value) not in site.issuers:
        raise FieldError(f"unknown issuer {value!r}; known: {', '.join(site.issuers)}")
    return str(value)


def text_list(value: Any, site) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list):
        raise FieldError("must be a line of text or a list of them")
    return tuple(text(v, site) for v in values)


_COORD = r"-?\d{1,3}(?:\.\d+)?,-?\d{1,3}(?:\.\d+)?"


def polygons(value: Any, site) -> tuple[str, ...]:
    """CAP polygons: "lat,lon lat,lon ..." with at least four pairs, first equal to last."""
    result = []
    for polygon in text_list(value, site):
        pairs = polygon.split()
        if len(pairs) < 4 or pairs[0] != pairs[-1] or not all(re.fullmatch(_COORD, p) for p in pairs):
            raise FieldError(f"{polygon!r} is not a polygon: write 'lat,lon lat,lon ...' with "
                             "at least four points, the last the same as the first")
        result.append(polygon)
    return tuple(result)


def circles(value: Any, site) -> tuple[str, ...]:
    """CAP circles: "lat,lon radius-in-km"."""
    result = []
    for circle in text_list(value, site):
        if not re.fullmatch(_COORD + r" \d+(?:\.\d+)?", circle):
            raise FieldError(f"{circle!r} is not a circle: write 'lat,lon radius_km'")
        result.append(circle)
    return tuple(result)


def geocodes(value: Any, site) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not value:
        raise FieldError("must map code names to values, for example {postcode: '310000'}")
    return tuple((text(k, site), text(v, site)) for k, v in value.items())


def changes(value: Any, site) -> tuple[tuple[dt.datetime, str], ...]:
    """A change history: a list of `{at: <date-time>, note: <text>}`."""
    if not isinstance(value, list):
        raise FieldError("must be a list of {at: <date-time>, note: <what changed>}")
    result = []
    for entry in value:
        if not isinstance(entry, dict) or "at" not in entry or "note" not in entry:
            raise FieldError("each change needs `at` (a date-time) and `note` (what changed)")
        result.append((datetime(entry["at"], site), text(entry["note"], site)))
    return tuple(sorted(result, reverse=True))


@dataclass(frozen=True)
class Field:
    convert: Callable[[Any, Any], Any]
    required: bool = True


COMMON = {
    "title": Field(text),
    "summary": Field(text),
    "draft": Field(boolean, required=False),
}
