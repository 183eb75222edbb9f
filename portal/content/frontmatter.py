"""Split a content file into YAML front matter and Markdown, keeping line numbers."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ContentError
from .safe_yaml import load_mapping

# C0 controls other than tab, newline and carriage return, C1 controls and
# U+FFFE/U+FFFF are not allowed in XML (feeds, CAP) or are discouraged there,
# and are never meaningful in prose (C1 is mostly text mis-decoded from cp1252).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)

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
