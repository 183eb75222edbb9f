"""Split a content file into YAML front matter and Markdown, keeping line numbers."""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .errors import ContentError, shown

# C0 controls other than tab, newline and carriage return, C1 controls and
# U+FFFE/U+FFFF are not allowed in XML (feeds, CAP) or are discouraged there,
# and are never meaningful in prose (C1 is mostly text mis-decoded from cp1252).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)

# Front matter is a flat list of fields with short lists and small maps:
# anything deeper is a mistake or an attack on whatever reads the value.
MAX_DEPTH = 20
MAX_DIGITS = 40
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
# No tag, the non-specific "!" and an explicit !!str are plain text.
_PLAIN_TAGS = frozenset({None, "!", _STR})


# libyaml's parser when PyYAML was built with it: several times faster.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """Safe YAML that leaves dates as text: the field converters parse them
    and can then say which field and line hold an impossible date.

    A bare ``=`` or ``<<`` is text too: the safe loader has no constructor
    for the first, and merge keys need aliases, which front matter refuses."""


_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _AS_TEXT]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Parsed:
    meta: dict
    lines: dict[str, int]  # field name -> 1-based line in the file
    body: str
    body_line: int


def clean_text(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def decode(data: bytes, path: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(path, line, "", "file is not valid UTF-8") from None
    return clean_text(text)


def parse(text: str, path: str) -> Parsed:
    if not text.startswith("---\n"):
        raise ContentError(path, 1, "", "file must start with a '---' line opening the front matter")
    closing = _FENCE.search(text, 4)
    if closing is None:
        raise ContentError(path, 1, "", "front matter has no closing '---' line")
    source = text[4 : closing.start()]
    body_line = text.count("\n", 0, closing.end()) + 2
    meta, lines = load_mapping(source, path, first_line=2)
    return Parsed(meta, lines, text[closing.end() + 1 :], body_line)


def load_mapping(source: str, path: str, first_line: int) -> tuple[dict, dict[str, int]]:
    """The YAML mapping in ``source`` and the line of each of its fields.

    Whatever the text, the only exception is a :class:`ContentError`."""
    loader = None
    try:
        _screen(source, path, first_line)
        loader = _Loader(source)
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            raise ContentError(path, first_line + node.start_mark.line, "",
                               "front matter must be a list of 'field: value' lines")
        meta: dict = {}
        lines: dict[str, int] = {}
        for key, value in node.value:
            line = first_line + key.start_mark.line
            name = _field_name(key, path, line)
            if name in lines:
                raise ContentError(path, line, name,
                                   f"field appears twice (first on line {lines[name]})")
            lines[name] = line
            _check_numbers(value, path, first_line, name)
            try:
                meta[name] = loader.construct_object(value, deep=True)
            except (ContentError, yaml.YAMLError):
                raise
            except Exception as exc:  # noqa: BLE001 - nothing in one file may escape
                raise ContentError(path, line, name, f"cannot read this value "
                                   f"({type(exc).__name__}); quote it if it is text") from None
        return meta, lines
    except yaml.YAMLError as exc:
        # The context mark is where the broken construct starts (an unclosed
        # bracket, say), which is where the official has to look.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        problem_mark = getattr(exc, "problem_mark", None)
        if problem_mark and "\t" in _line_of(source, problem_mark)[: problem_mark.column + 1]:
            problem = "tabs cannot indent YAML; use spaces"
            line = first_line + problem_mark.line
        raise ContentError(path, line, "", f"invalid YAML: {problem}") from None
    except ContentError:
        raise
    except Exception as exc:  # noqa: BLE001 - a parser bug must not take the site down
        raise ContentError(path, first_line, "",
                           f"cannot read the front matter ({type(exc).__name__})") from None
    finally:
        if loader is not None:
            loader.dispose()


def _screen(source: str, path: str, first_line: int) -> None:
    """Refuse, from the event stream and before anything is built, what front
    matter never needs and what makes small files expensive: anchors and
    aliases (a 500-byte file can expand to gigabytes), tags (!!python/...,
    !!binary) and deep nesting (recursion in whatever reads the value)."""
    loader = _Loader(source)
    depth, field, top_mapping, top_nodes = 0, "", False, 0
    try:
        while not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            if not isinstance(event, yaml.NodeEvent):
                if isinstance(event, yaml.CollectionEndEvent):
                    depth -= 1
                continue
            line = first_line + event.start_mark.line
            if depth == 1 and top_mapping:
                if top_nodes % 2 == 0:  # a key, not a value
                    field = event.value if isinstance(event, yaml.ScalarEvent) else ""
                top_nodes += 1
            if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
                raise ContentError(path, line, field, "anchors and aliases (&name, *name) "
                                   "are not allowed in front matter")
            if event.tag not in _PLAIN_TAGS:
                tag = event.tag.replace("tag:yaml.org,2002:", "!!")
                raise ContentError(path, line, field, f"YAML tags ({shown(tag)} here) are not "
                                   "allowed in front matter; quote the value if it is text")
            if isinstance(event, yaml.CollectionStartEvent):
                if depth == 0:
                    top_mapping = isinstance(event, yaml.MappingStartEvent)
                depth += 1
                if depth > MAX_DEPTH:
                    raise ContentError(path, line, field,
                                       f"nested more than {MAX_DEPTH} levels deep")
    finally:
        loader.dispose()


def _field_name(key: yaml.Node, path: str, line: int) -> str:
    if isinstance(key, yaml.ScalarNode) and key.tag == _STR:
        return key.value
    what = shown(key.value) if isinstance(key, yaml.ScalarNode) else "a list or mapping"
    raise ContentError(path, line, "", f"field names must be words such as title, not {what}; "
                       "quote it if it is meant as text")


def _check_numbers(node: yaml.Node, path: str, first_line: int, name: str) -> None:
    """Refuse integers too long to be meant: turning them into Python ints and
    back into text is slow, and past 4,300 digits Python refuses outright."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _INT and len(node.value) > MAX_DIGITS:
                raise ContentError(path, first_line + node.start_mark.line, name,
                                   f"number longer than {MAX_DIGITS} digits; "
                                   "quote it if it is meant as text")
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        else:
            stack.extend(node.value)


def _line_of(source: str, mark) -> str:
    lines = source.split("\n")
    return lines[mark.line] if 0 <= mark.line < len(lines) else ""
