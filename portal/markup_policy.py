"""What a rendered body may contain, and a report of what publishing takes away."""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3

# What the enabled extensions emit, and nothing else. No `style`: strict CSP
# would block it, so tables use the `align` attribute instead. No `dir`: it
# can turn text around (bidi spoofing).
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
})
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "abbr": {"title"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "sms"})

# The classes admonition and footnotes emit. Anything else could dress a body
# up as the site's own emergency banner or verdict box.
CLASSES = {
    "div": frozenset({"admonition", "footnote"}),
    "p": frozenset({"admonition-title"}),
    "a": frozenset({"footnote-ref", "footnote-backref"}),
}
ADMONITION_TYPES = frozenset({"note", "warning", "tip", "danger", "important", "caution", "hint",
                              "attention", "error"})

# Enough to show what is wrong; a pasted web page would otherwise bring thousands.
MAX_PROBLEMS = 50

# Every id from a body starts with this, so a heading named "Main" cannot take
# the id of the page's own landmarks.
ID_PREFIX = "c-"

# Characters XML 1.0 forbids or discourages (C0 but tab and newlines, DEL, C1,
# surrogates, non-characters): a feed with one of them does not parse.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")

# A numeric character reference, read as HTML reads one (the semicolon is optional).
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
# A start tag, roughly. No `<` inside a name or unquoted value: each try then
# stops at the next `<`, which keeps the scan linear (it runs in C, where the
# deadline cannot stop it).
_TAG = re.compile(r"""<([a-zA-Z][a-zA-Z0-9-]*)"""
                  r"""((?:\s+[^\s"'/<>=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>""")
_ATTR = re.compile(r"""([^\s"'/<>=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_IMG_WITHOUT_SRC = re.compile(r"<img((?:\s+(?!src=)[a-z-]+=\"[^\"]*\")*)>")
_ALT = re.compile(r'\salt="([^"]*)"')


def strip_forbidden(text: str) -> str:
    return _FORBIDDEN.sub("", text)


def _drop_forbidden_ref(match: re.Match) -> str:
    code = int(match[1], 16) if match[1] else int(match[2])
    return "" if code == 0 or code > 0x10FFFF or _FORBIDDEN.match(chr(code)) else match[0]


class Policy:
    """The sanitiser's rules for one body, and what they removed from it."""

    TAGS = TAGS
    ATTRIBUTES = ATTRIBUTES
    URL_SCHEMES = URL_SCHEMES

    def __init__(self, text: str, image_hosts: frozenset[str]):
        self.text = text
        self.image_hosts = frozenset(host.lower() for host in image_hosts)
        self.ids: set[str] = set()
        self._problems: dict[tuple[int, str], None] = {}  # (line, message), in order found
        self._searched: dict[str, int] = {}  # needle -> where the next search starts

    def survey(self, fragment: str) -> None:
        """Note the ids in the converted HTML and what nh3 will remove from it."""
        for match in _TAG.finditer(fragment):
            tag = match[1].lower()
            if tag not in TAGS:
                self._problem(f"raw HTML <{tag}> is removed when published", f"<{tag}")
                continue
            allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set())
            attrs = {}
            for name, *values in _ATTR.findall(match[2]):
                name, value = name.lower(), html.unescape("".join(values))
                attrs[name] = value
                if name not in allowed:
                    self._problem(f"attribute {name} on <{tag}> is removed when published",
                                  f"{name}=", name)
                elif name == "id":
                    self.ids.add(value)
                elif name in ("href", "src") and (scheme := _SCHEME.match(value.strip())) \
                        and scheme[1].lower() not in URL_SCHEMES:
                    self._problem(f"address {value[:40]} is removed when published: use an "
                                  "http, https, mailto, tel or sms address", value)
            if tag == "img" and not attrs.get("alt", "").strip():
                self._problem("image has no alt text: describe it for people who cannot see it",
                              *(f"]({attrs['src']}", attrs["src"]) if attrs.get("src") else (),
                              "![](", "<img")

    def filter(self, tag: str, attr: str, value: str) -> str | None:
        """nh3's attribute filter: classes, ids and addresses."""
        if attr == "class":
            return self._classes(tag, value)
        if attr == "id":
            return ID_PREFIX + value
        if attr == "href":
            return self._href(value)
        if attr == "src":
            return self._src(value)
        return value

    def clean(self, fragment: str) -> str:
        # Everything that removes characters happens before nh3 judges the
        # result: removed after, `java&#1;script:` would join up into a scheme.
        fragment = _CHAR_REF.sub(_drop_forbidden_ref, strip_forbidden(fragment))
        cleaned = nh3.clean(fragment, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                            attribute_filter=self.filter, link_rel="noopener noreferrer",
                            strip_comments=True)
        # An image that lost its address is replaced by its alt text (already escaped).
        cleaned = _IMG_WITHOUT_SRC.sub(_alt_text, cleaned)
        return _FORBIDDEN.sub("\ufffd", cleaned)  # none is left; should one be, it joins nothing

    def report(self) -> tuple[tuple[int, str], ...]:
        return tuple(sorted(self._problems, key=lambda problem: problem[0]))

    def _classes(self, tag: str, value: str) -> str | None:
        names = value.split()
        allowed = CLASSES.get(tag, frozenset())
        if tag == "div" and "admonition" in names:
            allowed = allowed | ADMONITION_TYPES
        kept = [name for name in names if name in allowed]
        for name in names:
            if name not in allowed:
                self._problem(f"class {name} on <{tag}> is removed when published", name)
        return " ".join(kept) or None

    def _href(self, value: str) -> str | None:
        url = _normalise(value)
        if url.startswith("//"):
            self._problem(f"link {value[:40]} is removed when published: write the address "
                          "with https://", value)
            return None
        if url.startswith("#"):
            fragment = url[1:]
            return f"#{ID_PREFIX}{fragment}" if fragment in self.ids else value
        path, hash_, fragment = url.partition("#")
        if hash_ and fragment and not _SCHEME.match(url) and not fragment.startswith(ID_PREFIX):
            return f"{path}#{ID_PREFIX}{fragment}"  # a heading on another page of the site
        return value

    def _src(self, value: str) -> str | None:
        url = _normalise(value)
        parts = urlsplit(url)
        if not url.startswith("//") and not parts.scheme:
            return value  # this site
        if parts.scheme in ("http", "https") and not url.startswith("//") \
                and (parts.hostname or "") in self.image_hosts:
            return value
        self._problem(f"image from {parts.hostname or value[:40]} is removed when published: "
                      "only images on this site or on the allowed hosts are shown", value)
        return None

    def _problem(self, message: str, *needles: str) -> None:
        if len(self._problems) < MAX_PROBLEMS:
            self._problems.setdefault((self._line(needles), message))

    def _line(self, needles) -> int:
        """Line of the next occurrence of the first needle found in the text, else 1."""
        for needle in needles:
            if not needle:
                continue
            pattern = re.compile(re.escape(needle), re.IGNORECASE)
            start = self._searched.get(needle, 0)
            found = pattern.search(self.text, start) or pattern.search(self.text)
            if found:
                self._searched[needle] = found.start() + 1
                return self.text.count("\n", 0, found.start()) + 1
        return 1


def _normalise(url: str) -> str:
    """The address as a browser reads it: outer spaces and controls, tabs and newlines
    inside, and backslashes (read as slashes) do not hide a `//host`."""
    return re.sub(r"[\t\n\r]", "", url.strip("\x00- ")).replace("\\", "/")


def _alt_text(match: re.Match) -> str:
    alt = _ALT.search(match[0])
    return html.escape(html.unescape(alt[1]), quote=False) if alt else ""
