"""The compose form of any kind, built from the registry: one input per field of the
kind's schema (and of the chosen subtype), defaults and hints from its skeleton, and the
file text it makes, checked by the same reader ``portal check`` uses.

A kind merged later gets a form with no change here: fields are typed by what its
skeleton shows (a list, a map) or by the converter's name, choices are read from the
converter itself.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import yaml

from ..content.errors import ContentError
from ..content.fields import SLUG
from ..content.frontmatter import parse
from ..content.reader import read_item, renderer
from .access import owner_field

LINE, LINES, BLOCK, SELECT, TEXT = "line", "lines", "yaml", "select", "text"
# Converters whose value is a list of short lines, or a YAML structure.
LIST_CONVERTERS = {"text_list", "hazards", "areas", "polygons", "circles"}
BLOCK_CONVERTERS = {"changes", "geocodes", "plan_levels", "departments"}
PROSE_CONVERTERS = {"text", "text_list"}
NEVER_SHOWN = {"draft"}  # drafts live on the desk, not in files
_LITERAL = re.compile(r"true|false|-?\d+(?:\.\d+)?|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}"
                      r"(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?|\[[^\n]*\]|\{[^\n]*\}")
_HINT = re.compile(r"^(#\s*)?([a-z_][a-z0-9_]*):\s*(.*?)\s{2,}#\s*(.*)$|^(#\s*)?([a-z_][a-z0-9_]*):"
                   r"\s*(.*)$")


@dataclass
class FormField:
    name: str
    input: str
    required: bool
    value: str = ""
    hint: str = ""
    example: str = ""
    options: tuple[str, ...] = ()
    fixed: bool = False  # set by the desk (the department), shown, not typed
    error: str = ""


def _options(convert) -> tuple[str, ...]:
    for cell in getattr(convert, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
            return value
    return ()


def skeleton_of(kind, subtype: str | None, now: dt.datetime):
    """(values, hints, examples, body) from the kind's skeleton, when it has one."""
    if kind.skeleton is None:
        return {}, {}, {}, ""
    try:
        text = kind.skeleton("new-item", now, subtype)
        parsed = parse(text, "skeleton")
    except (ValueError, ContentError):
        return {}, {}, {}, ""
    hints, examples = {}, {}
    source = text.split("\n---", 1)[0]
    for line in source.splitlines()[1:]:
        found = _HINT.match(line)
        if not found:
            continue
        commented = found.group(1) or found.group(5)
        name = found.group(2) or found.group(6)
        value = found.group(3) if found.group(2) else found.group(7)
        if found.group(4):
            hints.setdefault(name, found.group(4).strip())
        if commented and value:
            examples.setdefault(name, value.strip())
        elif commented and found.group(3) == "" and found.group(2):
            examples.setdefault(name, "")
    return parsed.meta, hints, examples, parsed.body


def input_of(name: str, convert, example) -> str:
    if _options(convert):
        return SELECT
    if isinstance(example, str) and (example.strip() in ("|", "|-", ">") or "\n" in example):
        return TEXT  # several lines of prose (an event's report, say)
    if isinstance(example, dict):
        return BLOCK
    if isinstance(example, list):
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in example) and example:
            return LINE  # [latitude, longitude]: one line
        return LINES if all(not isinstance(v, (dict, list)) for v in example) else BLOCK
    converter = getattr(convert, "__name__", "")
    if converter in LIST_CONVERTERS:
        return LINES
    if converter in BLOCK_CONVERTERS:
        return BLOCK
    return LINE


def shown_value(value, how: str) -> str:
    """A front matter value as the form shows it."""
    if value is None:
        return ""
    if how == BLOCK:
        return yaml.safe_dump(value, allow_unicode=True, sort_keys=False,
                              default_flow_style=False).rstrip("\n")
    if how == LINES and isinstance(value, list):
        return "\n".join(shown_value(v, LINE) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def schema_fields(kind, subtype: str | None):
    schema = dict(kind.schema)
    if kind.subtype is not None and subtype in kind.subtypes:
        schema.update(kind.subtypes[subtype])
    return {name: field for name, field in schema.items() if name not in NEVER_SHOWN}


def form_fields(kind, subtype: str | None, now: dt.datetime, values: dict | None,
                department: str, fresh: bool) -> list[FormField]:
    """The fields of the form, filled with ``values`` (or the skeleton's when ``fresh``)."""
    defaults, hints, examples, _ = skeleton_of(kind, subtype, now)
    owner = owner_field(kind.name)
    found = []
    for name, field in schema_fields(kind, subtype).items():
        example = defaults.get(name, examples.get(name))
        how = input_of(name, field.convert, example)
        prose = getattr(field.convert, "__name__", "") in PROSE_CONVERTERS
        if values is not None:
            value = values.get(name, "")
        elif fresh and name in defaults and not prose:
            value = shown_value(defaults[name], how)
        else:
            value = ""
        shown_example = ""
        if prose and name in defaults and name != "title":  # a skeleton's title is its slug
            shown_example = shown_value(defaults[name], LINE if how == LINE else how)
        elif name in examples:
            shown_example = examples[name]
        entry = FormField(name=name, input=how, required=field.required, value=value,
                          hint=hints.get(name, ""), example=shown_example,
                          options=_options(field.convert))
        if name == owner:
            entry.value, entry.fixed = department, True
        if name == kind.subtype:
            entry.value, entry.fixed = subtype or "", True
        found.append(entry)
    return found


def values_of_file(kind, meta: dict, subtype: str | None) -> dict[str, str]:
    """What the form shows for a file's front matter."""
    values = {}
    for name, field in schema_fields(kind, subtype).items():
        how = input_of(name, field.convert, meta.get(name))
        values[name] = shown_value(meta.get(name), how)
    return values


def _scalar(raw: str) -> str:
    raw = " ".join(raw.split())
    if _LITERAL.fullmatch(raw):
        return raw
    try:
        if "#" not in raw and raw[:1] not in "'\"!&*%@`|>" and \
                yaml.safe_load(f"k: {raw}") == {"k": raw}:
            return raw
    except yaml.YAMLError:
        pass
    return json.dumps(raw, ensure_ascii=False)


def file_text(fields: list[FormField], body: str) -> str:
    """The Markdown file the form makes: front matter in schema order, then the body."""
    lines = ["---"]
    for field in fields:
        raw = (field.value or "").replace("\r\n", "\n").replace("\r", "\n")
        if not raw.strip():
            continue
        if field.input == TEXT and "\n" in raw.strip():
            lines.append(f"{field.name}: |")
            lines += [f"  {line.rstrip()}".rstrip() for line in raw.strip("\n").split("\n")]
        elif field.input in (LINE, SELECT, TEXT):
            lines.append(f"{field.name}: {_scalar(raw)}")
        elif field.input == LINES:
            lines.append(f"{field.name}:")
            lines += [f"  - {_scalar(entry)}" for entry in raw.split("\n") if entry.strip()]
        else:
            lines.append(f"{field.name}:")
            lines += [f"  {line.rstrip()}".replace("\t", "    ") for line in raw.split("\n")]
    lines.append("---")
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return "\n".join(lines) + "\n" + body + "\n"


def read_form(kind, subtype, form, department: str, now: dt.datetime) -> list[FormField]:
    fields = form_fields(kind, subtype, now, {}, department, fresh=False)
    for field in fields:
        if not field.fixed:
            field.value = str(form.get(f"f-{field.name}", ""))[:20_000]
    return fields


@dataclass
class Checked:
    item: object | None
    errors: dict[str, str]   # field -> message
    general: list[str]       # problems that name no field of the form
    warnings: list[str]


def check(library, kinds, image_hosts, rel: str, text: str, fields: list[FormField]) -> Checked:
    """The file as ``portal check`` would see it: the kind's converters, its cross-field
    checks, and its checks against the other items."""
    item, problems = read_item(rel, text.encode("utf-8"), library.site, kinds,
                               renderer(None, image_hosts))
    if item is not None:
        kind = kinds[item.section]
        if kind.links is not None:
            for name, message in kind.links(item, _finder(library, item)):
                problems.append(ContentError(rel, 1, name, message))
    names = {field.name for field in fields}
    errors: dict[str, str] = {}
    general, warnings = [], []
    for problem in problems:
        if problem.severity != "error":
            warnings.append(f"{problem.field}: {problem.message}" if problem.field
                            else problem.message)
        elif problem.field in names and problem.field not in errors:
            errors[problem.field] = problem.message
        else:
            general.append(f"{problem.field}: {problem.message}" if problem.field
                           else problem.message)
    for field in fields:
        field.error = errors.get(field.name, "")
    ok = not errors and not general
    return Checked(item if ok else None, errors, general, warnings)


def _finder(library, item):
    def find(lang, section, slug):
        if (lang, section, slug) == (item.lang, item.section, item.slug):
            return item
        found = library.entry(lang, section, slug)
        if found is not None:
            return found
        return next((library.entry(other, section, slug) for other in library.languages
                     if library.entry(other, section, slug) is not None), None)

    def every(section):
        others = [i for i in library.all() if i.section == section
                  and (i.lang, i.slug) != (item.lang, item.slug)]
        return [*others, item] if item.section == section else others
    find.every = every
    return find


def valid_slug(slug: str) -> bool:
    return bool(slug) and len(slug) <= 100 and SLUG.fullmatch(slug) is not None
