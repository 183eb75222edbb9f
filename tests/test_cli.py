"""The `portal` command: check, new and freeze."""
import json

import feedparser
from portal import create_app
from portal.cli import check_command, new_command
from portal.kinds import load
from tests.conftest import CONTENT, NOW


def run(command, *args):
    return create_app({"TESTING": True}).test_cli_runner().invoke(command, list(args))


def test_check_passes_on_good_content():
    result = run(check_command, "--content-dir", str(CONTENT))
    assert result.exit_code == 0
    assert "0 error(s)" in result.output


def test_check_names_file_line_and_field_and_fails(content_dir):
    path = content_dir / "en/guides/flood-safety.md"
    path.write_text(path.read_text().replace("kind: self-help", "kind: swimming"))
    result = run(check_command, "--content-dir", str(content_dir))
    assert result.exit_code == 1
    assert "en/guides/flood-safety.md:4: kind: 'swimming' is not one of: self-help, mutual-rescue, " \
           "prevention" in result.output


def test_check_json_for_ci(content_dir):
    (content_dir / "site.yml").write_text("name: [broken\n")
    result = run(check_command, "--content-dir", str(content_dir), "--format", "json")
    assert result.exit_code == 1
    [problem] = json.loads(result.output)
    assert problem["path"] == str(content_dir / "site.yml")
    assert problem["line"] == 1 and problem["severity"] == "error"


def test_check_prints_paths_an_editor_can_open_from_the_working_directory(
        content_dir, monkeypatch):
    path = content_dir / "en/guides/flood-safety.md"
    path.write_text(path.read_text().replace("kind: self-help", "kind: swimming"))
    monkeypatch.chdir(content_dir.parent)
    result = run(check_command, "--content-dir", "content")
    assert result.output.startswith("content/en/guides/flood-safety.md:4: kind: ")
    assert (content_dir.parent / "content/en/guides/flood-safety.md").is_file()


def test_bundled_content_is_clean():
    result = run(check_command)
    assert result.exit_code == 0, result.output


def test_new_writes_valid_skeletons_and_never_overwrites(content_dir):
    for args in (["guide", "sandbag-walls"], ["disclosure", "river-alert", "--type", "alert"],
                 ["disclosure", "fake-news", "--type", "rumour-correction", "--lang", "zh"],
                 ["disclosure", "notice"]):
        result = run(new_command, *args, "--content-dir", str(content_dir))
        assert result.exit_code == 0, result.output
        assert result.output.strip().endswith(".md")
    library = load(content_dir)
    assert library.errors == ()
    drafts = {p.slug for p in library.all() if p.draft}
    assert {"sandbag-walls", "river-alert", "fake-news", "notice"} <= drafts
    again = run(new_command, "guide", "sandbag-walls", "--content-dir", str(content_dir))
    assert again.exit_code != 0 and "already exists" in again.output
    bad = run(new_command, "guide", "Bad Slug", "--content-dir", str(content_dir))
    assert bad.exit_code != 0 and "not a valid slug" in bad.output


def test_freeze_writes_every_page_and_feed(app, tmp_path):
    target = tmp_path / "mirror"
    result = app.test_cli_runner().invoke(args=["freeze", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "en/guides/flood-safety/index.html").read_text().count(
        "Staying safe in a flood") >= 1
    assert (target / "zh/guides/index.html").exists()
    assert (target / "en/disclosures/tap-water-rumour/index.html").exists()
    assert not (target / "en/guides/unfinished-draft").exists()
    assert 'class="filters"' not in (target / "en/guides/index.html").read_text()
    assert not feedparser.parse((target / "zh/feeds/alert.atom").read_bytes()).bozo
    css = list((target / "static/css").glob("site.*.css"))
    assert css and css[0].name in (target / "en/index.html").read_text()
    assert "Page not found" in (target / "404.html").read_text()
    home = (target / "en/index.html").read_text()
    assert "search and filters are not available" in home and 'role="search"' not in home


RUMOUR = """---
title: Dam burst rumour
summary: The dam has not burst.
type: rumour-correktion
issuer: emergency-office
published: 2026-11-19T08:00:00+08:00
hazards: [flood, volcano]
claim: The dam burst this morning.
verdict: fasle
hazzards: [flood]
---
The dam is intact.
"""


def test_check_names_every_problem_of_a_file_not_only_the_first(content_dir):
    (content_dir / "en/disclosures/dam-rumour.md").write_text(RUMOUR)
    result = run(check_command, "--content-dir", str(content_dir))
    lines = [line.split("content/", 1)[-1] for line in result.output.splitlines()]
    assert result.exit_code == 1
    assert any(line.startswith("en/disclosures/dam-rumour.md:4: type: 'rumour-correktion' is not "
                               "one of") for line in lines)
    assert any(line.startswith("en/disclosures/dam-rumour.md:7: hazards: unknown hazard 'volcano'")
               for line in lines)
    assert any(line.startswith("en/disclosures/dam-rumour.md:9: verdict: 'fasle' is not one of")
               for line in lines)
    assert any(line.startswith("en/disclosures/dam-rumour.md:10: hazzards: unknown field; "
                               "did you mean 'hazards'?") for line in lines)
    assert "Traceback" not in result.output


def test_unknown_fields_are_warnings_with_a_suggestion(content_dir):
    path = content_dir / "en/guides/flood-safety.md"
    path.write_text(path.read_text().replace("review_by:", "reveiw_by: 2027-01-01\nreview_by:", 1))
    result = run(check_command, "--content-dir", str(content_dir))
    assert result.exit_code == 0
    assert "en/guides/flood-safety.md:7: reveiw_by: unknown field; did you mean 'review_by'?" \
        in result.output
