import datetime as dt
import shutil
from dataclasses import dataclass

import pytest

from portal.content import Item, Kind, Library, Registry
from portal.content.checks import review
from portal.kinds import load

from .conftest import CONTENT, NOW, write

TODAY = NOW.date()


def load_library(path):
    return load(path)


@pytest.fixture
def content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def warnings(root, today=TODAY, **options):
    return [str(w) for w in review(load_library(root), today, root=root, **options)]


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def guide(body="Some advice.", updated="2026-10-01", review_by="2027-10-01", draft=False):
    return (f"---\ntitle: A guide\nsummary: Advice.\nkind: self-help\nhazards: [flood]\n"
            f"updated: {updated}\nreview_by: {review_by}\n{'draft: true' if draft else ''}\n"
            f"---\n{body}\n")


def test_all_warnings_are_warnings_sorted_by_path_and_line(content):
    found = review(load_library(content), TODAY, root=content)
    assert found and all(w.severity == "warning" for w in found)
    assert found == sorted(found, key=lambda w: (w.path, w.line))


def test_review_by_in_the_past(content):
    found = warnings(content)
    assert ("en/guides/earthquake-drop-cover.md:7: review_by: due for review since 2026-01-10: "
            "check the advice and move review_by on") in found
    assert not any("fire-escape-plan.md" in w and "review_by" in w for w in found)


def test_review_by_today_is_not_yet_due(content):
    found = warnings(content, today=dt.date(2026, 1, 10))
    assert not any("due for review" in w for w in found)


def test_missing_translation_is_reported_on_the_existing_file(content):
    found = warnings(content)
    assert "en/guides/flood-rescue.md:1: no zh translation (zh/guides/flood-rescue.md)" in found
    assert not any(w.startswith("en/guides/flood-safety.md:1: no zh") for w in found)


def test_translation_without_a_source(content):
    write(content / "zh/guides/only-chinese.md", guide())
    assert "zh/guides/only-chinese.md:1: no en translation (en/guides/only-chinese.md)" \
        in warnings(content)


def test_draft_needs_no_translation_yet(content):
    assert not any("unfinished-draft" in w and "translation" in w for w in warnings(content))


def test_translation_older_than_its_source(content):
    edit(content / "en/guides/flood-safety.md", "updated: 2026-10-01", "updated: 2026-11-01")
    assert ("zh/guides/flood-safety.md:6: updated: older than its en version "
            "(updated 2026-11-01 there)") in warnings(content)


def test_translation_as_new_as_its_source_is_fine(content):
    assert not any("older than" in w for w in warnings(content))


def test_disclosure_translation_older_than_an_updated_source(content):
    edit(content / "en/disclosures/cold-wave-alert.md", "expires:",
         "updated: 2026-11-20T09:30:00+08:00\nexpires:")
    assert ("zh/disclosures/cold-wave-alert.md:1: updated: older than its en version "
            "(updated 2026-11-20 09:30+08:00 there)") in warnings(content)


@dataclass(frozen=True, kw_only=True)
class Drill(Item):
    """A kind the checks have never heard of."""
    updated: dt.date | dt.datetime
    review_by: dt.date | None = None
    published: dt.datetime | None = None
    expires: dt.datetime | None = None


def drill(lang, **fields):
    return Drill(lang=lang, section="drills", slug="river", path=f"{lang}/drills/river.md",
                 group="river", title="River drill", html=fields.pop("html", ""),
                 lines={"updated": 4, "review_by": 5, "expires": 6}, **fields)


def test_any_kind_is_reviewed_through_its_attributes(content):
    site = load_library(content).site
    at = dt.datetime(2026, 11, 1, 9, tzinfo=dt.timezone.utc)
    drills = Kind(name="drills", singular="drill", item=Drill, schema={})
    library = Library(site, kinds=Registry([drills]), items=[
        drill("en", updated=dt.date(2026, 11, 2), review_by=dt.date(2026, 1, 1),
              published=at, expires=at, html='<a href="/en/drills/river">me</a>'),
        drill("zh", updated=at, html='<a href="/zh/drills/lake">x</a>'),
    ])
    assert [str(w) for w in review(library, TODAY)] == [
        "en/drills/river.md:5: review_by: due for review since 2026-01-01: "
        "check the advice and move review_by on",
        "en/drills/river.md:6: expires: expires at 2026-11-01 09:00+00:00 "
        "the moment it is published",
        "zh/drills/river.md:1: broken link /zh/drills/lake: no drills item has the slug 'lake'",
        # A date against a date-time: compared by day.
        "zh/drills/river.md:4: updated: older than its en version (updated 2026-11-02 there)",
    ]


LINKS = """Intro line.

See [rescue](/en/guides/flood-rescue), [about](/zh/pages/about#who), [list](/en/guides/),
[flood](/en/hazards/flood?x=1), [relative](flood-rescue) and [up](../pages/about).
Elsewhere: [w](https://example.org/en/guides/nope), [m](mailto:a@b.org), [t](tel:110),
[logo](/static/logo.svg), [search](/en/search?q=flood), [feed](/en/feeds/alert.atom),
[home](/en/), [cap](/en/disclosures/cold-wave-alert.cap), [note](#top).

Broken: [a](/en/guides/no-such-guide)
[b](/fr/guides/flood-rescue) [c](/en/guide/flood-rescue)
[d](/en/hazards/lava) [e](missing-one#part) [f](/en/guides/unfinished-draft)
[g](/guides/flood-rescue)
"""


def test_links(content):
    write(content / "en/guides/links.md", guide(LINKS))
    found = [w for w in warnings(content) if w.startswith("en/guides/links.md")]
    assert found == [
        "en/guides/links.md:1: no zh translation (zh/guides/links.md)",
        "en/guides/links.md:18: broken link /en/guides/no-such-guide: "
        "no guides item has the slug 'no-such-guide'",
        "en/guides/links.md:19: broken link /en/guide/flood-rescue: "
        "no section 'guide' (sections: disclosures, guides, pages)",
        "en/guides/links.md:19: broken link /fr/guides/flood-rescue: "
        "the site has no fr pages (languages: en, zh)",
        "en/guides/links.md:20: broken link /en/hazards/lava: no hazard 'lava' in site.yml",
        "en/guides/links.md:20: broken link missing-one#part (/en/guides/missing-one): "
        "no guides item has the slug 'missing-one'",
        "en/guides/links.md:20: links to a draft: /en/guides/unfinished-draft",
        "en/guides/links.md:21: broken link /guides/flood-rescue: "
        "pages start with /<lang>/, for example /en/",
    ]


def test_link_to_an_item_only_in_another_language_is_fine(content):
    # The page falls back to the version that exists.
    write(content / "zh/guides/links.md", guide("[x](/zh/guides/flood-rescue)"))
    assert not any("broken link" in w for w in warnings(content))


def test_sections_limit_the_known_sections(content):
    write(content / "en/guides/links.md", guide("[p](/en/pages/about)"))
    found = warnings(content, sections=["guides", "disclosures"])
    assert any("broken link /en/pages/about: no section 'pages'" in w for w in found)


def test_sections_for_kinds_not_loaded_yet(content):
    write(content / "en/guides/links.md", guide("[p](/en/places/)"))
    assert any("no section 'places'" in w for w in warnings(content))
    assert not any("places" in w for w in warnings(
        content, sections=["guides", "disclosures", "pages", "places"]))


def test_link_written_twice_is_reported_on_each_line(content):
    write(content / "en/guides/links.md", guide("[a](/en/guides/gone)\n\n[b](/en/guides/gone)"))
    found = [w for w in warnings(content) if "broken link" in w]
    assert [w.split(":")[1] for w in found] == ["10", "12"]


def test_link_line_without_the_source_is_line_one(content):
    write(content / "en/guides/links.md", guide("\n\n[a](/en/guides/gone)"))
    found = [str(w) for w in review(load_library(content), TODAY) if "broken" in w.message]
    assert found == ["en/guides/links.md:1: broken link /en/guides/gone: "
                     "no guides item has the slug 'gone'"]


def test_a_longer_link_is_not_mistaken_for_a_shorter_one(content):
    write(content / "en/guides/links.md",
          guide("[a](/en/guides/gone-for-good)\n[b](/en/guides/gone)"))
    found = [w for w in warnings(content) if "'gone'" in w]
    assert [w.split(":")[1] for w in found] == ["11"]


def test_expires_before_published(content):
    edit(content / "en/disclosures/cold-wave-alert.md", "expires: 2026-11-25T20:00:00+08:00",
         "expires: 2026-11-18T20:00:00+08:00")
    assert ("en/disclosures/cold-wave-alert.md:12: expires: expires at 2026-11-18 20:00+08:00 "
            "before it is published at 2026-11-19 08:00+08:00") in warnings(content)


def test_expires_when_published(content):
    edit(content / "en/disclosures/cold-wave-alert.md", "expires: 2026-11-25T20:00:00+08:00",
         "expires: 2026-11-19T00:00:00Z")
    assert ("en/disclosures/cold-wave-alert.md:12: expires: expires at 2026-11-19 00:00+00:00 "
            "the moment it is published") in warnings(content)


def test_expiry_after_publication_is_fine(content):
    assert not any("expires:" in w for w in warnings(content))


def test_updated_in_the_future(content):
    edit(content / "en/guides/fire-escape-plan.md", "updated: 2026-08-01", "updated: 2027-08-01")
    assert ("en/guides/fire-escape-plan.md:6: updated: updated 2027-08-01 is in the future "
            "(today is 2026-11-20): check the date") in warnings(content)


def test_scheduled_item_may_be_updated_before_it_goes_live(content):
    edit(content / "en/disclosures/scheduled-drill.md", "hazards:",
         "updated: 2026-12-01T09:00:00+08:00\nhazards:")
    assert not any("in the future" in w for w in warnings(content))


def test_bundled_test_content_has_only_the_expected_warnings(content):
    kinds = {w.split(": ", 1)[1].split(" ")[0] for w in warnings(content)}
    assert kinds <= {"no", "review_by:"}


def test_routes_are_fine_only_in_a_known_language(content):
    write(content / "en/guides/links.md", guide("[a](/en/search) [b](/xx/search) [c](/desk/x)"))
    found = [w for w in warnings(content) if "broken" in w]
    assert found == ["en/guides/links.md:10: broken link /xx/search: "
                     "the site has no xx pages (languages: en, zh)"]
    found = [w for w in warnings(content, routes=["<lang>/search"]) if "broken" in w]
    assert len(found) == 2 and "broken link /desk/x: pages start with /<lang>/" in found[0]
