"""A restart with unchanged content renders nothing and reuses its search index."""
import shutil

import pytest

from portal import markup
from portal.content import loader
from portal.search import build as search_build
from portal.store import ContentStore
from portal.kinds import registry

from tests.conftest import CONTENT


@pytest.fixture
def renders(monkeypatch):
    """Bodies rendered by Markdown from now on (calls of markup.render)."""
    calls = []
    real = markup.render

    def counting(text, *args, **kwargs):
        calls.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(markup, "render", counting)
    return calls


def started(content, build, translations="translations"):
    """A fresh store, as a new server process has one: nothing in memory."""
    return ContentStore(str(content), registry(), translations, "en",
                        last_good_dir=str(build / "last-good"))


def test_a_restart_with_unchanged_content_renders_nothing(tmp_path, content_dir, renders):
    first = started(content_dir, tmp_path / "build").library
    assert len(renders) == len(first)  # a cold start renders every body once
    renders.clear()
    again = started(content_dir, tmp_path / "build").library
    assert renders == []
    assert again.generation == first.generation
    assert {rel: item.html for rel, item in ((i.path, i) for i in again.all())} == \
        {rel: item.html for rel, item in ((i.path, i) for i in first.all())}


def test_a_restart_with_unchanged_files_parses_nothing(tmp_path, content_dir, monkeypatch):
    first = started(content_dir, tmp_path / "build").library
    parsed = []
    real = loader.read_item
    monkeypatch.setattr(loader, "read_item", lambda rel, *a: parsed.append(rel) or real(rel, *a))
    again = started(content_dir, tmp_path / "build").library
    assert parsed == []
    assert again.generation == first.generation and len(again) == len(first)
    guide = next((content_dir / "en/guides").glob("*.md"))
    guide.write_text(guide.read_text(encoding="utf-8").replace("\n---\n", "\n---\nNew first "
                                                              "line.\n", 1), encoding="utf-8")
    changed = started(content_dir, tmp_path / "build").library
    assert parsed == [guide.relative_to(content_dir).as_posix()]
    assert "New first line." in changed.entry("en", "guides", guide.stem).html


def test_without_the_snapshot_a_restart_still_renders_nothing(tmp_path, content_dir,
                                                             renders):
    started(content_dir, tmp_path / "build").library
    shutil.rmtree(tmp_path / "build/snapshot")
    renders.clear()
    started(content_dir, tmp_path / "build").library
    assert renders == []


def test_a_damaged_snapshot_is_a_fresh_start(tmp_path, content_dir):
    first = started(content_dir, tmp_path / "build").library
    [snapshot] = (tmp_path / "build/snapshot").iterdir()
    data = snapshot.read_bytes()
    snapshot.write_bytes(data[: len(data) // 2])
    again = started(content_dir, tmp_path / "build").library
    assert again.generation == first.generation and len(again) == len(first)


def test_only_the_changed_file_is_rendered_again(tmp_path, content_dir, renders):
    started(content_dir, tmp_path / "build").library
    renders.clear()
    guide = next((content_dir / "en/guides").glob("*.md"))
    guide.write_text(guide.read_text(encoding="utf-8") + "\nOne more line for the restart.\n",
                     encoding="utf-8")
    library = started(content_dir, tmp_path / "build").library
    assert len(renders) == 1 and "One more line for the restart." in renders[0]
    assert "One more line for the restart." in library.entry(
        "en", "guides", guide.stem).html


def test_a_new_phone_number_in_site_yml_renders_again(tmp_path, content_dir, renders):
    """tel: links come from site.yml: a body kept from before would miss the new one."""
    guide = content_dir / "en/guides/tel-check.md"
    source = next((content_dir / "en/guides").glob("*.md")).read_text(encoding="utf-8")
    front, _, _ = source.partition("\n---\n")
    guide.write_text(front + "\n---\nCall 96555 or 110 for help.\n", encoding="utf-8")
    first = started(content_dir, tmp_path / "build").library
    assert 'href="tel:96555"' not in first.entry("en", "guides", "tel-check").html
    site = content_dir / "site.yml"
    site.write_text(site.read_text(encoding="utf-8").replace(
        'hotlines:\n', 'hotlines:\n  - number: "96555"\n    name: {en: Water, zh: 供水}\n', 1),
        encoding="utf-8")
    renders.clear()
    library = started(content_dir, tmp_path / "build").library
    assert renders  # the phones changed: bodies are rendered again
    assert 'href="tel:96555"' in library.entry("en", "guides", "tel-check").html


def test_a_changed_footnote_title_in_the_catalogue_renders_again(
        tmp_path, content_dir, renders):
    """The back-link title of footnotes is translated: a new catalogue changes the page."""
    guide = content_dir / "zh/guides/footnote-check.md"
    source = next((content_dir / "zh/guides").glob("*.md")).read_text(encoding="utf-8")
    front, _, _ = source.partition("\n---\n")
    guide.write_text(front + "\n---\n带好证件[^1]。\n\n[^1]: 身份证。\n", encoding="utf-8")
    before = started(content_dir, tmp_path / "build")
    before._backlink_titles = {"en": "Back to footnote {}", "zh": "回到正文第 {} 处"}
    assert "回到正文第 1 处" in before.library.entry("zh", "guides", "footnote-check").html
    renders.clear()
    after = started(content_dir, tmp_path / "build")
    after._backlink_titles = {"en": "Back to footnote {}", "zh": "返回正文脚注 {}"}
    shown = after.library.entry("zh", "guides", "footnote-check").html
    assert "返回正文脚注 1" in shown and "回到正文第" not in shown
    assert any("带好证件" in text for text in renders)


def test_a_damaged_kept_rendering_is_rendered_again(tmp_path, content_dir, renders):
    first = started(content_dir, tmp_path / "build").library
    kept = list((tmp_path / "build/render").rglob("*.json"))
    assert len(kept) == len(first)
    for path in kept:
        path.write_bytes(b'{"html": ')
    shutil.rmtree(tmp_path / "build/snapshot")  # so that the bodies are looked up
    renders.clear()
    again = started(content_dir, tmp_path / "build").library
    assert len(renders) == len(first)
    assert {i.path: i.html for i in again.all()} == {i.path: i.html for i in first.all()}


def test_a_restart_with_an_unchanged_tree_reuses_its_search_index(make_app, content_dir,
                                                                   monkeypatch):
    make_app(content_dir)  # prepare() builds the index of this tree
    writes = []
    real = search_build.write

    def counting(library, path):
        writes.append(library.generation)
        return real(library, path)

    monkeypatch.setattr(search_build, "write", counting)
    monkeypatch.setattr(search_build, "update", lambda *a: writes.append("update"))
    app = make_app(content_dir)  # a restart: a new app, the same directories
    assert writes == []
    with app.test_client() as client:
        page = client.get("/en/search?q=flood")
    assert page.status_code == 200 and b"flood" in page.data.lower()


def test_a_restart_compiles_no_template_and_serves_the_same_pages(
        tmp_path, content_dir, monkeypatch):
    from jinja2 import Environment
    from portal import create_app, prepare
    config = {"TESTING": True, "CONTENT_DIR": str(content_dir), "RELOAD_INTERVAL": 0,
              "BUILD_DIR": str(tmp_path / "build"), "INDEX_DIR": str(tmp_path / "index")}
    compiled = []
    real = Environment.compile

    def counting(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return real(self, source, name, *args, **kwargs)
    monkeypatch.setattr(Environment, "compile", counting)
    first = prepare(create_app(config))
    page = first.test_client().get("/en/guides/flood-safety").get_data()
    assert "base.html" in compiled  # a cold start compiles every template once
    compiled.clear()
    again = prepare(create_app(config))
    assert compiled == []
    assert again.test_client().get("/en/guides/flood-safety").get_data() == page
