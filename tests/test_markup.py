"""Markdown is rendered with the extensions officials use and never carries script."""
from html.parser import HTMLParser

import pytest

from portal.markup import render


class Elements(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def assert_inert(html):
    """No script-capable element, no event handler or style, no unsafe URL scheme."""
    for tag, attrs in Elements(html).found:
        assert tag not in {"script", "iframe", "svg", "form", "input", "object", "embed", "style"}
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style", (tag, name)
            if name in {"href", "src"}:
                scheme = (value or "").split(":", 1)[0].lower() if ":" in (value or "") else ""
                assert scheme in {"", "http", "https", "mailto"}, (tag, value)

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"></svg>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "![x](javascript:alert(1))",
    '<form action="https://evil.example"><input name="q"></form>',
    "Text {: onclick=\"alert(1)\" }",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_nothing_executable_survives(source):
    assert_inert(render(source).html)


def test_extensions_are_rendered():
    html = render("""## Heading {: #custom }

| a | b |
|:--|--:|
| 1 | 2 |

!!! warning "Careful"
    Stay away.

Note[^1]

[^1]: Footnote.

1. one
2. two
""", backlink_title="Back to {}").html
    assert '<h2 id="c-custom">Heading</h2>' in html
    assert '<th align="left">a</th>' in html and "style" not in html
    assert '<div class="admonition warning">' in html
    assert 'class="footnote-ref"' in html and 'title="Back to 1"' in html
    assert "<ol>" in html


def test_safe_links_are_kept():
    html = render("[a](https://x.org) [b](mailto:a@b.org) [c](/en/guides/flood) [d](#top)").html
    for href in ("https://x.org", "mailto:a@b.org", "/en/guides/flood", "#top"):
        assert f'href="{href}"' in html


def test_body_h1_becomes_h2_so_the_title_stays_the_only_h1():
    rendered = render("# Big\n\ntext")
    assert "<h1" not in rendered.html and rendered.toc[0].level == 2


def test_toc_keeps_chinese_headings():
    rendered = render("## 准备应急包\n\n### 饮用水 & 食物\n")
    assert [(t.level, t.id, t.name) for t in rendered.toc] == [
        (2, "c-准备应急包", "准备应急包"), (3, "c-饮用水-食物", "饮用水 & 食物")]
