"""Front matter schema: one converter per field, typed in one place.

A converter takes the raw YAML value and the site settings and returns the
typed value or raises :class:`FieldError` with a message for the official.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import FieldError, shown
from .frontmatter import clean_text

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")



def text(value: Any, site) -> str:
    line = clean_text(scalar(value, "must be a line of text"))
    result = " ".join(_INVISIBLE.sub("", line).split())
    if not result:
        raise FieldError("must not be empty")
    return result


# Characters that reorder or hide text without showing themselves: the bidi
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the
# byte-order mark, the zero-width space, the word joiner and the invisible
# operators, and the deprecated format controls. A title is one short line:
# none of them is needed there, and each can make it read as something else.
# ZWNJ and ZWJ (U+200C, U+200D) stay, some scripts and emoji need them, and so
# do the marks LRM and RLM (U+200E, U+200F), which only nudge neutral characters.
# A lone surrogate (only a pure-Python YAML parser lets one through) would make
# every page and feed that shows the text fail to encode.
_INVISIBLE = re.compile("[\u200b\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ud800-\udfff]")
FIRST_YEAR, LAST_YEAR = 1900, 2199
_UTC = dt.timezone.utc


def scalar(value: Any, expected: str = "must be a single value, not a list or a map") -> str:
    """``value`` as text when it is one plain value (text, a number, true/false, a date);
    otherwise :class:`FieldError` with ``expected`` as its message."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value.bit_length() > 256:  # never meant, and slow to write out
            raise FieldError(f"{expected}; this number is far too long")
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FieldError(f"{expected}; .nan and .inf are not values here")
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise FieldError(expected)


def boolean(value: Any, site) -> bool:
    if not isinstance(value, bool):
        raise FieldError("must be true or false")
    return value


def _check_year(when: dt.date, value: Any) -> None:
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise _out_of_range(value)


def _out_of_range(value: Any) -> FieldError:
    return FieldError(f"{shown(value)} is out of range: dates must fall in the years "
                      f"{FIRST_YEAR} to {LAST_YEAR}")


def date(value: Any, site) -> dt.date:
    if isinstance(value, dt.datetime):
        parsed = value.date()
    elif isinstance(value, dt.date):
        parsed = value
    else:
        raw = scalar(value, "must be a date, written as YYYY-MM-DD").strip()
        try:
            parsed = dt.date.fromisoformat(raw)
        except ValueError:
            raise FieldError(f"{shown(value)} is not a date; write it as YYYY-MM-DD") from None
    _check_year(parsed, value)
    return parsed


def datetime(value: Any, site) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        raise FieldError(f"{value} has no time; write it as YYYY-MM-DDTHH:MM:SS+08:00")
    else:
        raw = scalar(value, "must be a date-time, written as YYYY-MM-DDTHH:MM:SS+08:00").strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise FieldError(f"{raw} has no time; write it as YYYY-MM-DDTHH:MM:SS+08:00")
        try:
            parsed = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise FieldError(f"{shown(value)} is not a date-time; "
                             "write it as YYYY-MM-DDTHH:MM:SS+08:00") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise FieldError(f"{shown(value)} has no UTC offset; add one, for example +08:00")
    _check_year(parsed, value)
    try:  # feeds, CAP and the search index work in UTC: that year must be in range too
        _check_year(parsed.astimezone(_UTC), value)
    except OverflowError:
        raise _out_of_range(value) from None
    return parsed


def choice(*allowed: str) -> Callable[[Any, Any], str]:
    def convert(value: Any, site) -> str:
        # YAML reads `verdict: false` as a boolean: scalar() gives it back as text.
        word = scalar(value, f"must be one of: {', '.join(allowed)}")
        if word not in allowed:
            raise FieldError(f"{shown(word)} is not one of: {', '.join(allowed)}")
        return word
    return convert


def slug(value: Any, site) -> str:
    value = scalar(value, "must be a slug (lowercase letters, digits, hyphens)")
    if not SLUG.fullmatch(value):
        raise FieldError(f"{shown(value)} is not a slug (lowercase letters, digits, hyphens)")
    return value


def _known(value: Any, known, what: str) -> str:
    key = scalar(value, f"must be one {what} key, for example {next(iter(known), what)}")
    if key not in known:
        raise FieldError(f"unknown {what} {shown(key)}; known: {_listed(known)}")
    return key


def _listed(keys, limit: int = 20) -> str:
    keys = list(keys)
    more = f" and {len(keys) - limit} more" if len(keys) > limit else ""
    return ", ".join(keys[:limit]) + more


def hazards(value: Any, site) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        raise FieldError("must be a list of hazard keys, for example [flood]")
    keys = [scalar(v, "must be a list of hazard keys, for example [flood]") for v in values]
    unknown = [k for k in keys if k not in site.hazards]
    if unknown:
        raise FieldError(f"unknown hazard {', '.join(map(shown, unknown[:5]))}; "
                         f"known: {_listed(site.hazards)}")
    return tuple(dict.fromkeys(keys))


def issuer(value: Any, site) -> str:
    return _known(value, site.issuers, "issuer")


def areas(value: Any, site) -> tuple[str, ...]:
    """Keys of site.yml `areas`."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        raise FieldError("must be a list of area keys from site.yml, for example [old-town]")
    unknown = [v for v in values if not isinstance(v, str) or v not in site.areas]
    if unknown:
        known = ", ".join(list(site.areas)[:20]) or "none yet: add `areas:` to site.yml"
        raise FieldError(f"unknown area {', '.join(shown(v) for v in unknown[:5])}; known: {known}")
    return tuple(dict.fromkeys(values))


def url(value: Any, site) -> str:
    """An absolute http(s) address, as written."""
    address = scalar(value, "must be one web address").strip()
    parts = re.fullmatch(r"https?://([^/?#\s@]+)(?:[/?#][^\s]*)?", address, re.I)
    if not parts or len(address) > 2000 or re.search(r"[\x00-\x1f\x7f<>\"]", address):
        raise FieldError(f"must be a web address starting with https:// or http://, "
                         f"not {shown(address)}")
    return address


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
            raise FieldError(f"{shown(polygon)} is not a polygon: write 'lat,lon lat,lon ...' with "
                             "at least four points, the last the same as the first")
        result.append(polygon)
    return tuple(result)


def circles(value: Any, site) -> tuple[str, ...]:
    """CAP circles: "lat,lon radius-in-km"."""
    result = []
    for circle in text_list(value, site):
        if not re.fullmatch(_COORD + r" \d+(?:\.\d+)?", circle):
            raise FieldError(f"{shown(circle)} is not a circle: write 'lat,lon radius_km'")
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
