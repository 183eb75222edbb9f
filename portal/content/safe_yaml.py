"""Read a YAML mapping from an untrusted file: plain values only, each field's line kept.

Front matter and site.yml are a flat list of fields with short lists and small
maps. What YAML offers beyond that (anchors and aliases, tags, deep nesting)
is never needed there and lets a small file cost gigabytes or a crash, so it
is refused before any Python object is built.
"""
from __future__ import annotations

import yaml

from .errors import ContentError, shown

MAX_DEPTH = 20  # the front matter mapping itself is the first level
MAX_DIGITS = 40

_YAML = "tag:yaml.org,2002:"
_STR, _INT = _YAML + "str", _YAML + "int"
_PLAIN = frozenset(_YAML + t for t in ("str", "int", "float", "bool", "null", "seq", "map"))
_ALIASES = "anchors and aliases (&name, *name) are not allowed in front matter"

# libyaml's parser when PyYAML was built with it: several times faster.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """Safe YAML that leaves dates as text: the field converters parse them
    and can then say which field and line hold an impossible date.

    A bare ``=`` or ``<<`` is text too: the safe loader has no constructor
    for the first, and merge keys need aliases, which are refused."""


_AS_TEXT = {_YAML + "timestamp", _YAML + "value", _YAML + "merge"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _AS_TEXT]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


def load_mapping(source: str, path: str, first_line: int) -> tuple[dict, dict[str, int]]:
    """The YAML mapping in ``source`` and the line of each of its fields.

    Whatever the text, the only exception is a :class:`ContentError`."""
    loader = None
    try:
        if "&" in source:  # no anchor, no alias: skip the extra pass
            _refuse_anchors(source, path, first_line)
        loader = _Loader(source)
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            raise ContentError(path, first_line + node.start_mark.line, "",
                               "front matter must be a list of 'field: value' lines")
        lines: dict[str, int] = {}
        seen = {id(node)}
        for key, value in node.value:
            line = first_line + key.start_mark.line
            name = _field_name(key, path, line)
            if name in lines:
                raise ContentError(path, line, name,
                                   f"field appears twice (first on line {lines[name]})")
            lines[name] = line
            _check_value(value, seen, path, first_line, line, name)
        meta = {}
        for key, value in node.value:
            try:
                meta[key.value] = loader.construct_object(value, deep=True)
            except yaml.YAMLError:
                raise
            except Exception as exc:  # nothing in one file may escape as anything else
                problem = f"cannot read this value ({type(exc).__name__}); quote it if it is text"
                raise ContentError(path, lines[key.value], key.value, problem) from None
        return meta, lines
    except yaml.YAMLError as exc:
        raise _invalid(exc, source, path, first_line) from None
    except ContentError:
        raise
    except Exception as exc:  # a parser bug must not take the site down
        raise ContentError(path, first_line, "",
                           f"cannot read the front matter ({type(exc).__name__})") from None
    finally:
        if loader is not None:
            loader.dispose()


def _refuse_anchors(source: str, path: str, first_line: int) -> None:
    """Refuse anchors and aliases from the event stream, before anything is
    composed: a 500-byte "billion laughs" file expands to gigabytes."""
    loader = _Loader(source)
    depth, field, top_nodes = 0, "", 0
    try:
        while not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            if isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if not isinstance(event, yaml.NodeEvent):
                continue
            if depth == 1:  # the top level: keys and values take turns
                if top_nodes % 2 == 0:
                    field = event.value if isinstance(event, yaml.ScalarEvent) else ""
                top_nodes += 1
            if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
                raise ContentError(path, first_line + event.start_mark.line, field, _ALIASES)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
    finally:
        loader.dispose()


def _field_name(key: yaml.Node, path: str, line: int) -> str:
    if isinstance(key, yaml.ScalarNode) and key.tag == _STR:
        return key.value
    what = shown(key.value) if isinstance(key, yaml.ScalarNode) else "a list or mapping"
    raise ContentError(path, line, "", f"field names must be words such as title, not {what}; "
                       "quote it if it is meant as text")


def _check_value(node: yaml.Node, seen: set[int], path: str, first_line: int, line: int,
                 name: str) -> None:
    """Walk one field's composed nodes, without recursion, refusing what
    would be expensive or dangerous to build or to read later: shared nodes
    (aliases), tags other than the plain ones (!!python/..., !!binary,
    !!timestamp), nesting deeper than MAX_DEPTH, and integers too long to be
    meant (past 4,300 digits Python will not even turn them into text)."""
    stack = [(node, 2, line)]
    while stack:
        node, depth, where = stack.pop()
        if id(node) in seen:
            raise ContentError(path, where, name, _ALIASES)
        seen.add(id(node))
        here = first_line + node.start_mark.line
        if node.tag not in _PLAIN:
            tag = node.tag.replace(_YAML, "!!")
            raise ContentError(path, here, name, f"YAML tags ({shown(tag)} here) are not "
                               "allowed in front matter; quote the value if it is text")
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _INT and len(node.value) > MAX_DIGITS:
                raise ContentError(path, here, name, f"number longer than {MAX_DIGITS} "
                                   "digits; quote it if it is meant as text")
            continue
        if depth > MAX_DEPTH:
            raise ContentError(path, here, name, f"nested more than {MAX_DEPTH} levels deep")
        children = (n for pair in node.value for n in pair) if isinstance(
            node, yaml.MappingNode) else node.value
        stack.extend((child, depth + 1, here) for child in children)


def _invalid(exc: yaml.YAMLError, source: str, path: str, first_line: int) -> ContentError:
    # The context mark is where the broken construct starts (an unclosed
    # bracket, say), which is where the official has to look.
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    # A mark at the very end (an unclosed bracket on the last line) would name the
    # closing '---' line; the last line of the front matter is where to look.
    last = first_line + max(source.rstrip("\n").count("\n"), 0)
    line = min(first_line + mark.line, last) if mark else first_line
    problem = getattr(exc, "problem", None) or str(exc)
    problem_mark = getattr(exc, "problem_mark", None)
    if problem_mark and "\t" in _line_of(source, problem_mark)[: problem_mark.column + 1]:
        problem, line = "tabs cannot indent YAML; use spaces", first_line + problem_mark.line
    elif "maximum nesting depth" in problem:  # libyaml's own limit, past ours
        problem = f"nested more than {MAX_DEPTH} levels deep"
    return ContentError(path, line, "", f"invalid YAML: {problem}")


def _line_of(source: str, mark) -> str:
    lines = source.split("\n")
    return lines[mark.line] if 0 <= mark.line < len(lines) else ""
