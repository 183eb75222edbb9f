"""site.yml `response_levels`: the steps of the response scale, most serious first."""
from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any

from ...content.errors import FieldError, shown
from ...content.fields import scalar
from ...content.site import names
from .model import COLOURS, ResponseLevel

# The national four-level scale, used when site.yml does not set its own.
DEFAULT = {
    "I": {"name": {"en": "Level I (most serious)", "zh": "Ⅰ级（特别重大）"},
          "short": {"en": "Level I", "zh": "Ⅰ级"}, "colour": "red"},
    "II": {"name": {"en": "Level II (very serious)", "zh": "Ⅱ级（重大）"},
           "short": {"en": "Level II", "zh": "Ⅱ级"}, "colour": "orange"},
    "III": {"name": {"en": "Level III (serious)", "zh": "Ⅲ级（较大）"},
            "short": {"en": "Level III", "zh": "Ⅲ级"}, "colour": "yellow"},
    "IV": {"name": {"en": "Level IV (general)", "zh": "Ⅳ级（一般）"},
           "short": {"en": "Level IV", "zh": "Ⅳ级"}, "colour": "blue"},
}
EXAMPLE = "{I: {name: {en: Level I (most serious), zh: Ⅰ级（特别重大）}, colour: red}, ...}"


def _short(full: str) -> str:
    """"Level I (most serious)" -> "Level I"; "Ⅰ级（特别重大）" -> "Ⅰ级"."""
    for mark in (" (", "（", "("):
        if mark in full:
            return full.split(mark, 1)[0].strip() or full
    return full


def parse(value: Any) -> MappingProxyType:
    """key -> ResponseLevel, in the order written (most serious first)."""
    if value is None:
        value = DEFAULT
    if not isinstance(value, dict) or not value:
        raise FieldError(f"must map level keys to a name per language and a colour, for "
                         f"example {EXAMPLE}")
    found = {}
    for raw_key, spec in value.items():
        key = scalar(raw_key, "level keys must be plain words such as I or IV").strip()
        if not re.fullmatch(r"[A-Za-z0-9]+", key):
            raise FieldError(f"level key {shown(key)} must be letters or digits, such as I or IV")
        if key in found:
            raise FieldError(f"level {shown(key)} is listed twice")
        if not isinstance(spec, dict) or "name" not in spec:
            raise FieldError(f"level {shown(key)} needs a name per language and a colour")
        try:
            full = names(spec["name"])
            short = names(spec["short"]) if spec.get("short") else MappingProxyType(
                {lang: _short(text) for lang, text in full.items()})
        except FieldError as exc:
            raise FieldError(f"level {shown(key)}: {exc}") from None
        colour = spec.get("colour", spec.get("color"))
        if colour not in COLOURS:
            raise FieldError(f"level {shown(key)}: colour {shown(colour)} is not one of the "
                             f"warning colours: {', '.join(COLOURS)}")
        found[key] = ResponseLevel(key, full, short, colour)
    return MappingProxyType(found)


_DEFAULT: list = []


def of(site) -> MappingProxyType:
    """The response levels a site defines (the default scale if it names none)."""
    found = site.sections.get("response_levels") if site is not None else None
    if found is not None:
        return found
    if not _DEFAULT:
        _DEFAULT.append(parse(None))
    return _DEFAULT[0]
