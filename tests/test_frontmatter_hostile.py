"""Nothing one file can hold takes the site down: hostile and odd front matter."""
import datetime as dt
import time

import pytest

from portal.content import ContentError
from portal.kinds import load
from portal.content import fields
from portal.content.errors import MAX_MESSAGE, FieldError, shown
from portal.content.frontmatter import clean_text, decode, load_mapping, parse
from portal.content.safe_yaml import MAX_DEPTH
from tests.conftest import CONTENT, NOW, write

GUIDE = """---
title: Test guide
summary: A summary.
kind: self-help
hazards: [flood]
updated: 2026-10-01
review_by: 2027-10-01
---
Body.
"""
ALERT = (CONTENT / "en/disclosures/cold-wave-alert.md").read_text()

# The "billion laughs": 522 bytes that expand to 9**9 strings when built
# and to a 722 MB message when echoed back.
BOMB = "".join(
    ["a: &a [" + ",".join(['"lol"'] * 9) + "]\n"]
    + [f"{k}: &{k} [{','.join(['*' + p] * 9)}]\n" for p, k in zip("abcdefgh", "bcdefghi")])


@pytest.fixture(scope="module")
def site():
    return load(CONTENT).site


def only_error(content_dir, rel, text):
    write(content_dir / rel, text)
    library = load(content_dir)
    [error] = library.errors
    assert error.path == rel
    assert len(error.message) <= MAX_MESSAGE
    return error


def test_alias_bomb_is_refused_before_it_expands(content_dir):
    assert len(BOMB) < 600
    started = time.perf_counter()
    error = only_error(content_dir, "en/guides/bomb.md",
                       GUIDE.replace("hazards: [flood]\n", BOMB + "hazards: *i\n"))
    assert time.perf_counter() - started < 5
    assert (error.line, error.field) == (5, "a")
    assert "anchors and aliases (&name, *name) are not allowed" in error.message


def test_an_anchor_alone_is_refused_too():
    with pytest.raises(ContentError) as info:
        parse(GUIDE.replace("kind: self-help", "kind: &k self-help"), "g.md")
    assert (info.value.line, info.value.field) == (4, "kind")
    assert "anchors and aliases" in info.value.message


def test_alias_bomb_in_site_yml_names_its_line(content_dir):
    site_yml = content_dir / "site.yml"
    site_yml.write_text(site_yml.read_text() + BOMB)
    lines = site_yml.read_text().count("\n") - BOMB.count("\n")
    with pytest.raises(ContentError) as info:
        load(content_dir)
    assert info.value.path == "site.yml" and info.value.line == lines + 1
    assert "anchors and aliases" in info.value.message


def test_error_messages_are_capped():
    error = ContentError("en/guides/x.md", 3, "title" * 100, "x" * 10**6)
    assert len(error.message) <= MAX_MESSAGE and error.message.endswith("…")
    assert len(str(error)) < 400
    assert len(ContentError("p", 1, "", "a\nb").message.splitlines()) == 1
    assert len(str(FieldError("y" * 10**5))) <= MAX_MESSAGE


def test_values_echoed_back_are_shortened(content_dir):
    error = only_error(content_dir, "en/guides/long.md",
                       GUIDE.replace("kind: self-help", "kind: " + "swimming" * 10_000))
    assert error.field == "kind" and "'… is not one of: self-help" in error.message


@pytest.mark.parametrize("value", [
    "x" * 10**6, b"\x00" * 10**6, 10**4000, list(range(10**5)), {str(i): i for i in range(10**4)},
])
def test_shown_is_short_for_anything(value):
    assert len(shown(value)) <= 120


def deep(levels):
    value = ["flood"]
    for _ in range(levels):
        value = [value]
    return value


def test_hazards_nested_990_deep_is_a_content_error(content_dir):
    error = only_error(content_dir, "en/guides/deep.md",
                       GUIDE.replace("[flood]", "[" * 990 + "flood" + "]" * 990))
    assert (error.line, error.field) == (5, "hazards")
    assert f"nested more than {MAX_DEPTH} levels deep" in error.message


def test_nesting_at_the_limit_reaches_the_converter(content_dir):
    levels = MAX_DEPTH - 1  # the front matter mapping itself is the first level
    error = only_error(content_dir, "en/guides/deep.md",
                       GUIDE.replace("[flood]", "[" * levels + "flood" + "]" * levels))
    assert error.field == "hazards" and "must be a list of hazard keys" in error.message


@pytest.mark.parametrize("convert", [fields.text, fields.hazards, fields.slug, fields.issuer,
                                     fields.choice("a", "b"), fields.date, fields.datetime,
                                     fields.text_list, fields.polygons, fields.circles,
                                     fields.changes, fields.geocodes])
def test_no_converter_recurses_into_a_deep_value(convert, site):
    for value in (deep(10_000), [deep(10_000)], {"at": deep(10_000), "note": deep(10_000)}):
        with pytest.raises(FieldError) as info:
            convert(value, site)
        assert len(str(info.value)) <= MAX_MESSAGE


@pytest.mark.parametrize("old, new, line, field", [
    ("published: 2026-11-19T08:00:00+08:00", "published: 0001-01-01T00:00:00+14:00", 6,
     "published"),
    ("expires: 2026-11-25T20:00:00+08:00", "expires: 9999-12-31T23:59:59-12:00", 12, "expires"),
    ("expires: 2026-11-25T20:00:00+08:00", "expires: 2199-12-31T23:00:00-12:00", 12, "expires"),
    ("published: 2026-11-19T08:00:00+08:00",
     "published: 2026-11-19T08:00:00+08:00\nupdated: 9999-12-31T23:59:59-12:00", 7, "updated"),
])
def test_date_times_outside_the_years_served_are_refused(content_dir, old, new, line, field):
    error = only_error(content_dir, "en/disclosures/far.md", ALERT.replace(old, new))
    assert (error.line, error.field) == (line, field)
    assert "dates must fall in the years 1900 to 2199" in error.message


@pytest.mark.parametrize("old, new, field", [
    ("updated: 2026-10-01", "updated: 1899-12-31", "updated"),
    ("review_by: 2027-10-01", "review_by: 2200-01-01", "review_by"),
    ("review_by: 2027-10-01", "review_by: 0001-01-01", "review_by"),
])
def test_dates_outside_the_years_served_are_refused(content_dir, old, new, field):
    error = only_error(content_dir, "en/guides/far.md", GUIDE.replace(old, new))
    assert error.field == field and "1900 to 2199" in error.message


def test_the_ends_of_the_range_are_accepted(site):
    assert fields.date("1900-01-01", site) == dt.date(1900, 1, 1)
    assert fields.datetime("2199-12-31T23:59:59+08:00", site).year == 2199
    with pytest.raises(FieldError):
        fields.date(dt.date(1, 1, 1), site)
    with pytest.raises(FieldError):
        fields.datetime(dt.datetime.max.replace(tzinfo=dt.timezone(dt.timedelta(hours=-12))), site)


@pytest.mark.parametrize("raw, expected", [
    ("Boil \u202eretaw\u202c water", "Boil retaw water"),
    ("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069Clean", "Clean"),
    ("\ufeffBOM and zero\u200bwidth\u2060joiner", "BOM and zerowidthjoiner"),
    ("नमस्\u200dते \u200cक्ष", "नमस्\u200dते \u200cक्ष"),  # ZWJ and ZWNJ stay
    ("洪水来临之前：撤离路线", "洪水来临之前：撤离路线"),
    ("\u200e\u200fmarks", "\u200e\u200fmarks"),
    ("lone \ud800surrogate", "lone surrogate"),
    ("C1 \x85escape\x9f", "C1 escape"),
])
def test_text_fields_drop_characters_that_reorder_or_hide_text(raw, expected, site):
    assert fields.text(raw, site) == expected


def test_a_title_of_only_invisible_characters_is_empty(site):
    with pytest.raises(FieldError, match="must not be empty"):
        fields.text("\u202e\u200b\ufeff", site)


def test_hidden_characters_are_gone_from_a_loaded_title(content_dir):
    write(content_dir / "en/guides/rlo.md",
          GUIDE.replace("Test guide", "Test \u202eediug\u202c \x85x"))
    assert load(content_dir).get("en", "guides", "rlo", NOW).title == "Test ediug x"


def test_clean_text_never_lets_c1_controls_through():
    assert clean_text("a\x80b\x85c\x9fd\xa0e") == "abcd\xa0e"
    assert decode("---\ntitle: caf\u0085é\n".encode(), "x.md") == "---\ntitle: café\n"


@pytest.mark.parametrize("front, line, field, message", [
    ("title: !!python/object:os.system x", 2, "title",
     "YAML tags ('!!python/object:os.system' here)"),
    ("title: !!binary aGVsbG8=", 2, "title", "YAML tags ('!!binary' here) are not allowed"),
    ("title: a\nsummary: !custom b", 3, "summary", "YAML tags ('!custom' here)"),
    ("- title\n- summary", 2, "", "front matter must be a list of 'field: value' lines"),
    ("just text", 2, "", "front matter must be a list of 'field: value' lines"),
    ("title: a\n1: x", 3, "", "field names must be words such as title, not '1'"),
    ("? [a]\n: b", 2, "", "field names must be words such as title, not a list or mapping"),
    ("title: a\n~: x", 3, "", "field names must be words such as title, not '~'"),
    ("title: a\nnull: x", 3, "", "not 'null'"),
    ("yes: x", 2, "", "not 'yes'"),
    ("title: " + "9" * 5000, 2, "title", "number longer than 40 digits"),
    ("title: 0x" + "f" * 5000, 2, "title", "number longer than 40 digits"),
    ("hazards:\n  - flood\n  - " + "1:" * 100 + "1", 4, "hazards", "number longer than 40 digits"),
    ("title: 0x_", 2, "title", "cannot read this value (ValueError)"),
    ("title: a\ntitle: b", 3, "title", "field appears twice (first on line 2)"),
    ("title: a\n\tsummary: b", 3, "", "tabs cannot indent YAML; use spaces"),
    ("hazards:\n\t- flood", 3, "", "tabs cannot indent YAML"),
])
def test_yaml_oddities_are_content_errors_with_line_and_field(front, line, field, message):
    with pytest.raises(ContentError) as info:
        parse(f"---\n{front}\n---\nBody\n", "en/guides/odd.md")
    error = info.value
    assert (error.path, error.line, error.field) == ("en/guides/odd.md", line, field)
    assert message in error.message


@pytest.mark.parametrize("old, new, field, message", [
    ("title: Test guide", "title: .nan", "title", ".nan and .inf are not values here"),
    ("summary: A summary.", "summary: -.inf", "summary", ".nan and .inf"),
    ("updated: 2026-10-01", "updated: .inf", "updated", "must be a date"),
    ("review_by: 2027-10-01", "review_by: .NaN", "review_by", "must be a date"),
    ("hazards: [flood]", "hazards: [.nan]", "hazards", "must be a list of hazard keys"),
    ("kind: self-help", "kind: [self-help]", "kind", "must be one of: self-help"),
    ("kind: self-help", "kind: {a: b}", "kind", "must be one of"),
])
def test_values_of_the_wrong_kind_are_named(content_dir, old, new, field, message):
    error = only_error(content_dir, "en/guides/odd.md", GUIDE.replace(old, new))
    assert error.field == field and message in error.message


def test_more_than_one_document_is_invalid_yaml():
    with pytest.raises(ContentError, match="invalid YAML"):
        load_mapping("title: a\n---\nb: c", "site.yml", first_line=1)


def test_a_bare_equals_sign_or_merge_marker_is_text():
    meta, _ = load_mapping("title: =\nsummary: <<\nhazards: [<<]", "x.md", first_line=2)
    assert meta == {"title": "=", "summary": "<<", "hazards": ["<<"]}


def test_explicit_str_tag_and_quotes_stay_allowed():
    meta, lines = load_mapping("title: !!str 2026\nsummary: '&not an anchor'\nissuer: ! x",
                               "x.md", first_line=2)
    assert meta == {"title": "2026", "summary": "&not an anchor", "issuer": "x"}
    assert lines == {"title": 2, "summary": 3, "issuer": 4}


def test_booleans_as_text_read_as_written(site):
    assert fields.text(True, site) == "true"
    assert fields.choice("false", "true")(False, site) == "false"


def test_nesting_past_the_parsers_own_limit_is_named_too():
    with pytest.raises(ContentError, match="nested more than 20 levels deep"):
        load_mapping("hazards: " + "[" * 5000 + "]" * 5000, "site.yml", first_line=1)
