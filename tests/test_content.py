"""The content core, without an app: loading, field checks, last good version."""
import datetime as dt

import pytest

from portal.content import ContentError
from portal.kinds import load
from portal.kinds.guides import queries as guides
from portal.kinds.guides.model import Guide
from tests.conftest import CONTENT, NOW, write

GUIDE = """---
title: Test guide
summary: A summary.
kind: self-help
hazards: [flood]
updated: 2026-10-01
review_by: 2027-10-01
---
## Section

Body.
"""


def errors_of(root):
    return [str(e) for e in load(root).errors]


def test_loads_the_test_tree():
    library = load(CONTENT)
    assert library.errors == ()
    guide = library.get("en", "guides", "flood-safety", NOW)
    assert isinstance(guide, Guide)
    assert guide.kind == "self-help" and guide.hazards == ("flood",)
    assert guide.updated == dt.date(2026, 10, 1)
    assert [t.name for t in guide.toc] == ["Before the water rises", "If you are caught in flooding",
                                           "Driving"]
    assert library.languages == ("en", "zh")


def test_translations_are_grouped_by_relative_path():
    library = load(CONTENT)
    guide = library.get("zh", "guides", "flood-safety", NOW)
    assert [t.lang for t in library.translations(guide, NOW)] == ["en", "zh"]


def test_chinese_headings_get_chinese_ids():
    guide = load(CONTENT).get("zh", "guides", "flood-safety", NOW)
    assert guide.toc[0].id == "c-洪水来临之前"
    assert 'id="c-洪水来临之前"' in guide.html


@pytest.mark.parametrize("text, line, field, message", [
    (GUIDE.replace("title: Test guide", "title: [unclosed"), 2, "", "invalid YAML"),
    (GUIDE.replace("summary: A summary.\n", ""), 1, "summary", "required field is missing"),
    (GUIDE.replace("kind: self-help", "kind: self-rescue"), 4, "kind", "'self-rescue' is not one of"),
    (GUIDE.replace("hazards: [flood]", "hazards: [tsunami]"), 5, "hazards", "unknown hazard 'tsunami'"),
    (GUIDE.replace("updated: 2026-10-01", "updated: 1st October"), 6, "updated", "is not a date"),
    (GUIDE.replace("review_by: 2027-10-01", "review_by: 2027-13-01"), 7, "review_by", "is not a date"),
    (GUIDE.replace("---\n## Section", "## Section"), 1, "", "no closing '---'"),
    (GUIDE.replace("kind: self-help", "kind: self-help\ntitle: again"), 5, "title", "field appears twice"),
    ("no front matter\n", 1, "", "must start with a '---' line"),
])
def test_bad_guide_is_named_with_path_line_and_field(content_dir, text, line, field, message):
    write(content_dir / "en/guides/broken.md", text)
    library = load(content_dir)
    [error] = library.errors
    assert (error.path, error.line, error.field) == ("en/guides/broken.md", line, field)
    assert message in error.message
    assert str(error).startswith(f"en/guides/broken.md:{line}: ")
    # Everything else still loads.
    assert library.get("en", "guides", "flood-safety", NOW) is not None
    assert library.get("en", "guides", "broken", NOW) is None


@pytest.mark.parametrize("name", ["Bad_Name.md", "UPPER.md", "two--hyphens.md", "dot.ted.md"])
def test_illegal_slug_is_an_error(content_dir, name):
    write(content_dir / "en/guides" / name, GUIDE)
    [error] = load(content_dir).errors
    assert error.field == "slug" and error.path == f"en/guides/{name}"


def test_duplicate_slug_in_subfolders_is_an_error_and_the_first_file_wins(content_dir):
    write(content_dir / "en/guides/water/flood-safety.md", GUIDE)
    library = load(content_dir)
    [error] = library.errors
    assert error.path == "en/guides/water/flood-safety.md" and error.field == "slug"
    assert "en/guides/flood-safety.md already uses it" in error.message
    assert library.get("en", "guides", "flood-safety", NOW).title == "Staying safe in a flood"


def test_invalid_utf8_is_reported_with_its_line(content_dir):
    (content_dir / "en/guides/latin1.md").write_bytes(GUIDE.encode() + b"caf\xe9\n")
    [error] = load(content_dir).errors
    assert error.path == "en/guides/latin1.md" and error.line == 12 and "UTF-8" in error.message


def test_control_characters_are_removed_at_load(content_dir):
    write(content_dir / "en/guides/ctrl.md", GUIDE.replace("Test guide", "Test\x00 gu\x1bide"))
    assert load(content_dir).get("en", "guides", "ctrl", NOW).title == "Test guide"


def test_last_good_version_keeps_serving_when_a_file_breaks(content_dir):
    good = load(content_dir)
    path = content_dir / "en/guides/flood-safety.md"
    path.write_text(path.read_text().replace("kind: self-help", "kind: ???"))
    after = load(content_dir, previous=good)
    [error] = after.errors
    assert error.path == "en/guides/flood-safety.md" and error.field == "kind"
    assert after.get("en", "guides", "flood-safety", NOW).title == "Staying safe in a flood"


def test_unchanged_files_are_not_parsed_again(content_dir):
    first = load(content_dir)
    second = load(content_dir, previous=first)
    assert second.get("en", "guides", "flood-safety", NOW) is first.get("en", "guides", "flood-safety", NOW)
    assert second.generation == first.generation
    write(content_dir / "en/guides/new-one.md", GUIDE)
    assert load(content_dir, previous=second).generation != first.generation


def test_broken_site_yml_names_the_field(content_dir):
    (content_dir / "site.yml").write_text("name: {en: X}\nhazard_classes: 3\n")
    with pytest.raises(ContentError) as info:
        load(content_dir)
    assert str(info.value).startswith("site.yml:2: hazard_classes:")


def test_broken_site_yml_keeps_the_previous_site_on_reload(content_dir):
    good = load(content_dir)
    (content_dir / "site.yml").write_text("name: [unclosed\n")
    after = load(content_dir, previous=good)
    assert after.site is good.site
    assert any(e.path == "site.yml" for e in after.errors)


def test_drafts_are_hidden():
    library = load(CONTENT)
    assert library.get("en", "guides", "unfinished-draft", NOW) is None
    assert "unfinished-draft" not in [g.slug for g in guides.guides(library, "en", NOW)]


def test_missing_translation_falls_back_to_the_default_language():
    library = load(CONTENT)
    item = library.find("zh", "guides", "fire-escape-plan", NOW)
    assert item.lang == "en"
    zh_list = {g.slug: g.lang for g in guides.guides(library, "zh", NOW)}
    assert zh_list["fire-escape-plan"] == "en" and zh_list["flood-safety"] == "zh"


def test_guide_filters_and_related_guides():
    library = load(CONTENT)
    assert [g.slug for g in guides.guides(library, "en", NOW, kind="mutual-rescue")] == ["flood-rescue"]
    assert {g.slug for g in guides.guides(library, "en", NOW, hazard="flood")} == {"flood-safety", "flood-rescue"}
    guide = library.get("en", "guides", "flood-safety", NOW)
    assert [g.slug for g in guides.related(library, guide, NOW)] == ["flood-rescue"]


def test_due_for_review_after_review_by():
    guide = load(CONTENT).get("en", "guides", "earthquake-drop-cover", NOW)
    assert guide.due_for_review(dt.date(2026, 1, 11))
    assert not guide.due_for_review(dt.date(2026, 1, 10))
