"""Split a content file into YAML front matter and Markdown, keeping line numbers."""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .errors import ContentError

# C0 controls other than tab, newline and carriage return, and U+FFFE/U+FFFF,
# are not allowed in XML (feeds, CAP) and are never meaningful in prose.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


# libyaml's parser when PyYAML was built with it: several times faster.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """Safe YAML that leaves dates as text: the field converters parse them
    and can then say which field and line hold an impossible date."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
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
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            raise ContentError(path, first_line + node.start_mark.line, "",
                               "front matter must be a list of 'field: value' lines")
        lines: dict[str, int] = {}
        for key, _ in node.value:
            name = str(key.value)
            if name in lines:
                raise ContentError(path, first_line + key.start_mark.line, name,
                                   f"field appears twice (first on line {lines[name]})")
            lines[name] = first_line + key.start_mark.line
        return loader.construct_document(node), lines
    except yaml.YAMLError as exc:
        # The context mark is where the broken construct starts (an unclosed
        # bracket, say), which is where the official has to look.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(path, line, "", f"invalid YAML: {problem}") from None
    finally:
        loader.dispose()
