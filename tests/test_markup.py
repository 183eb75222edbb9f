"""Markdown is rendered with the extensions officials use and never carries script."""
import re
from html.parser import HTMLParser
from xml.sax.saxutils import escape as xml_escape

import pytest
from lxml import etree

from portal.markup import render
from tests.conftest import CONTENT


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
                assert scheme in {"", "http", "https", "mailto", "tel", "sms"}, (tag, value)
                assert not (value or "").replace("\\", "/").startswith("//"), (tag, value)

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
    "[x](//evil.example)",
    "![x](//evil.example/a.png)",
    "<a href=java&#1&#2&#3&#4&#5&#6&#7&#8&#11&#12script:javascript:alert(1)>x</a>",
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


def hrefs_and_ids(html):
    elements = Elements(html).found
    return ([attrs["href"] for _, attrs in elements if "href" in attrs],
            {attrs["id"] for _, attrs in elements if "id" in attrs})


@pytest.mark.parametrize("source", [
    '<div class="emergency-banner">Evacuate now</div>',
    '<p class="verdict verdict-true">Verdict: true</p>',
    "Verdict: true\n{: .verdict-true }",
    '!!! verdict-true "Verdict: true"\n    It is true.',
    '<p class="hint">not a form hint</p>',
    '<span class="notice superseded">x</span>',
])
def test_a_body_cannot_borrow_the_sites_classes(source):
    rendered = render(source)
    classes = {name for _, attrs in Elements(rendered.html).found
               for name in (attrs.get("class") or "").split()}
    assert classes <= {"admonition", "admonition-title"}
    assert any("class" in message and "removed" in message for _, message in rendered.problems)


def test_the_extensions_keep_their_classes():
    html = render('!!! danger "Flood"\n    Leave.\n\n!!! tip\n    Go up.\n\nA[^1]\n\n[^1]: B.\n').html
    for kept in ('class="admonition danger"', 'class="admonition tip"', 'class="admonition-title"',
                 'class="footnote"', 'class="footnote-ref"', 'class="footnote-backref"'):
        assert kept in html


def test_ids_are_prefixed_and_same_page_links_follow():
    rendered = render("""# Main

## Latest title

### Custom {: #here }

See [the list](#latest-title), [below](#here), [the top of the page](#top),
[the flood guide](/en/guides/flood#before-the-water-rises) and[^note].

[^note]: A note.
""")
    hrefs, ids = hrefs_and_ids(rendered.html)
    assert ids == {"c-main", "c-latest-title", "c-here", "c-fnref:note", "c-fn:note"}
    assert [entry.id for entry in rendered.toc] == ["c-main", "c-latest-title", "c-here"]
    assert {entry.id for entry in rendered.toc} <= ids
    assert hrefs == ["#c-latest-title", "#c-here", "#top",
                     "/en/guides/flood#c-before-the-water-rises", "#c-fn:note", "#c-fnref:note"]


def test_dir_is_removed_so_text_cannot_be_turned_around():
    rendered = render('<p dir="rtl">eurt si ruomur ehT</p>\n\nText\n{: dir="rtl" }')
    assert "dir=" not in rendered.html
    assert (1, "attribute dir on <p> is removed when published") in rendered.problems


@pytest.mark.parametrize("source, kept", [
    ("![Map](/static/img/map.png)", True),
    ("![Map](img/map.png)", True),
    ("![Map](https://tiles.example.org/map.png)", True),  # an allowed host
    ("![Map](https://evil.example/map.png)", False),
    ("![Map](http://evil.example/map.png)", False),
    ("![Map](//evil.example/map.png)", False),
    ("![Map](//tiles.example.org/map.png)", False),
    ("![Map](/\\evil.example/map.png)", False),
    ('<img src="https://evil.example/map.png" alt="Map">', False),
    ("![Map](data:image/png;base64,iVBORw0KGgo=)", False),
])
def test_images_come_from_this_site_or_allowed_hosts(source, kept):
    html = render(source, image_hosts=frozenset({"tiles.example.org"})).html
    assert ("<img" in html) is kept
    assert "Map" in html  # the alt text stays when the image goes
    assert "evil" not in html


def test_protocol_relative_links_are_removed():
    html = render("[x](//evil.example/a) <a href='\\\\evil.example'>y</a>").html
    assert "evil" not in html and html.count("<a ") == 2


def test_phone_and_sms_links_are_kept():
    html = render("[call 120](tel:120) or [text 12110](sms:12110)").html
    assert '<a href="tel:120" rel="noopener noreferrer">call 120</a>' in html
    assert '<a href="sms:12110" rel="noopener noreferrer">text 12110</a>' in html


def test_links_keep_noopener_noreferrer():
    html = render("[a](https://x.org) <a href='/b' rel='opener'>b</a>").html
    assert html.count('rel="noopener noreferrer"') == 2 and "opener'" not in html


XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@pytest.mark.parametrize("reference", [
    "&#1;", "&#x0;", "&#0;", "&#127;", "&#xFFFE;", "&#xffff;", "&#x85;", "&#x81;", "&#x9F;",
    "&#xD800;", "&#1", "&#x1b;", "\x01", "\x1b", "\x85", "\x7f", "\ufffe",
])
def test_no_character_xml_forbids_gets_through(reference):
    rendered = render(f"## a {reference} b\n\na {reference} b [l{reference}](/x{reference} "
                      f'"t{reference}") ![i{reference}](/i{reference}.png)\n\n'
                      f'<p title="{reference}">{reference}</p>')
    assert not XML_FORBIDDEN.search(rendered.html)
    assert not any(XML_FORBIDDEN.search(entry.id + entry.name) for entry in rendered.toc)
    etree.fromstring(f"<content type='html'>{xml_escape(rendered.html)}</content>")  # as in a feed


def test_removing_characters_cannot_assemble_a_scheme():
    html = render("<a href=java&#1&#2&#3&#4&#5&#6&#7&#8&#11&#12script:javascript:alert(1)>X</a>"
                  "[y](java&#1;script:alert(1)) [z](java\x01script:alert(1))").html
    assert_inert(html)
    assert "javascript" not in html


def test_what_publishing_removes_is_reported_with_its_line():
    rendered = render("""Intro.

![](/static/a.png)

<script>alert(1)</script>

<a href="/x" onclick="go()">x</a>

![Map](https://evil.example/map.png)

<div class="emergency-banner">Evacuate</div>

![](/static/b.png)
""")
    assert rendered.problems == (
        (3, "image has no alt text: describe it for people who cannot see it"),
        (5, "raw HTML <script> is removed when published"),
        (7, "attribute onclick on <a> is removed when published"),
        (9, "image from evil.example is removed when published: only images on this site "
            "or on the allowed hosts are shown"),
        (11, "class emergency-banner on <div> is removed when published"),
        (13, "image has no alt text: describe it for people who cannot see it"),
    )


def test_a_clean_body_has_no_problems():
    text = (CONTENT / "en" / "guides" / "flood-safety.md").read_text(encoding="utf-8")
    rendered = render(text.split("---", 2)[2])
    assert rendered.problems == () and rendered.toc
