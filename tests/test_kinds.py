"""The kind registry: a kind is one package and one line, and the core never names one."""
from __future__ import annotations

import ast
import re
import sys
import textwrap
from pathlib import Path

import pytest

import portal.kinds
from portal import create_app, prepare
from portal.freeze import urls as freeze_urls
from tests.conftest import CONTENT, Clock, write

PORTAL = Path(portal.__file__).parent
DATA = Path(__file__).parent / "data"

BULLETIN_PACKAGE = {
    "__init__.py": '''
        from flask import Flask
        from flask_babel import lazy_gettext as _l
        from portal.content.fields import COMMON, Field, choice, hazards
        from portal.content.kind import Facet, Kind, SearchFields
        from portal.content.errors import FieldError
        from portal.content.model import Item
        from portal.content.site import names
        from dataclasses import dataclass

        LEVELS = ("routine", "urgent")


        @dataclass(frozen=True, kw_only=True)
        class Bulletin(Item):
            level: str


        def desk(value):
            if value is None:
                return names("the bulletin desk")
            if isinstance(value, list):
                raise FieldError("must be a name per language")
            return names(value)


        KIND = Kind(
            name="bulletins", singular="bulletin", item=Bulletin,
            site={"bulletin_desk": desk},
            active=lambda library, lang, now: {
                h for b in library.section(lang, "bulletins", now) if b.level == "urgent"
                for h in b.hazards},
            schema={**COMMON, "hazards": Field(hazards), "level": Field(choice(*LEVELS))},
            facets={"level": Facet(LEVELS, lambda item: (item.level,))},
            search=lambda item, site: SearchFields(keywords=("bulletin",)),
            endpoint="bulletins.item", list_endpoint="bulletins.index",
            skeleton=lambda slug, now, subtype: f"---\\ntitle: {slug}\\nsummary: s\\n"
                                                 "hazards: [flood]\\nlevel: routine\\n---\\nText\\n",
        )


        def init_app(app: Flask) -> None:
            from portal.views.common import nav_entry, register_labels, slot
            from .views import bp
            app.register_blueprint(bp)
            slot(app, "top", "bulletin_top.html")
            slot(app, "hazard", "bulletin_hazard.html")
            register_labels(app, {"level": {"routine": _l("Routine"), "urgent": _l("Urgent")}},
                            {"level": (_l("Level"), _l("All levels"))})
            nav_entry(app, "bulletins.index", _l("Bulletins"), "bulletins.")
    ''',
    "views.py": '''
        from flask import abort, render_template
        from portal.views.common import lang, language_blueprint, library, now

        bp = language_blueprint("bulletins", __name__)


        @bp.get("/bulletins/")
        def index():
            return render_template("bulletins.html",
                                   items=library().section(lang(), "bulletins", now()))


        @bp.get("/bulletins/<slug:slug>")
        def item(slug):
            found = library().find(lang(), "bulletins", slug, now()) or abort(404)
            return render_template("bulletin.html", item=found)
    ''',
    "templates/bulletins.html": '''
        {% extends "base.html" %}
        {% block title %}Bulletins{% endblock %}
        {% block main %}<h1>Bulletins</h1><ul>{% for item in items %}
        <li><a href="{{ url_for('bulletins.item', slug=item.slug) }}">{{ item.title }}</a></li>
        {% endfor %}</ul>{% endblock %}
    ''',
    "templates/bulletin_top.html": '''
        <p class="bulletin-top">From {{ site.sections.bulletin_desk|loc }}: urgent bulletins in force for
        {{ library_active|join(",") }}</p>
    ''',
    "templates/bulletin_hazard.html": '''
        <section><h2>Bulletins about {{ hazard.key }}</h2></section>
    ''',
    "templates/bulletin.html": '''
        {% extends "base.html" %}
        {% block title %}{{ item.title }}{% endblock %}
        {% block main %}<h1>{{ item.title }}</h1>{{ item.html|safe }}{% endblock %}
    ''',
}
BULLETIN = """---
title: Sandbags at the depot
summary: Free sandbags for residents of the riverside.
hazards: [flood]
level: urgent
---
Collect sandbags at the riverside depot, quarrystone road.
"""


@pytest.fixture
def bulletin_kind(tmp_path, monkeypatch):
    """A kind the core has never heard of, in a package outside portal/."""
    root = tmp_path / "plugins"
    for name, text in BULLETIN_PACKAGE.items():
        write(root / "bulletin_kind" / name, textwrap.dedent(text).lstrip())
    monkeypatch.syspath_prepend(str(root))
    import importlib
    package = importlib.import_module("bulletin_kind")
    monkeypatch.setattr(portal.kinds, "PACKAGES", (*portal.kinds.PACKAGES, package))
    yield package
    for name in [m for m in sys.modules if m.startswith("bulletin_kind")]:
        del sys.modules[name]


def test_a_new_kind_is_one_package_and_one_line(bulletin_kind, make_app, content_dir):
    write(content_dir / "en/bulletins/sandbags.md", BULLETIN)
    client = make_app(content_dir).test_client()

    listing = client.get("/en/bulletins/")
    assert listing.status_code == 200 and "Sandbags at the depot" in listing.get_data(as_text=True)
    assert 'href="/en/bulletins/"' in client.get("/en/").get_data(as_text=True)  # navigation
    assert client.get("/en/bulletins/sandbags").status_code == 200

    found = client.get("/en/search?q=quarrystone").get_data(as_text=True)
    assert 'href="/en/bulletins/sandbags"' in found
    assert "Level" in found and "Urgent" in found  # its facet, with its labels
    assert client.get("/en/search?q=quarrystone&level=routine").get_data(as_text=True).count(
        'href="/en/bulletins/sandbags"') == 0
    assert client.get("/en/search?q=quarrystone&level=bogus").status_code == 400

    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<loc>https://example.org/en/bulletins/sandbags</loc>" in sitemap

    broken = content_dir / "en/bulletins/broken.md"
    write(broken, BULLETIN.replace("level: urgent", "level: apocalyptic"))
    app = make_app(content_dir)
    [error] = app.extensions["portal.store"].library.errors
    assert (error.path, error.line, error.field) == ("en/bulletins/broken.md", 5, "level")


def test_a_kind_reads_its_site_section_and_shows_on_other_pages(bulletin_kind, make_app,
                                                                content_dir):
    write(content_dir / "en/bulletins/sandbags.md", BULLETIN)
    site_yml = content_dir / "site.yml"
    original = site_yml.read_text()
    site_yml.write_text(original + "bulletin_desk: {en: The Sandbag Desk}\n")
    app = make_app(content_dir)
    library = app.extensions["portal.store"].library
    assert library.site.sections["bulletin_desk"]["en"] == "The Sandbag Desk"
    assert "flood" in library.active_hazards("en", app.extensions["portal.store"].now())

    @app.context_processor
    def active():
        from portal.views.common import library as current, now
        return {"library_active": sorted(current().active_hazards("en", now()))}

    client = app.test_client()
    for path in ("/en/", "/en/guides/", "/en/hotlines"):
        page = client.get(path).get_data(as_text=True)
        assert "From The Sandbag Desk: urgent bulletins in force for" in page, path
        assert "flood" in page.split('class="bulletin-top"')[1].split("</p>")[0]
    assert "Bulletins about flood" in client.get("/en/hazards/flood").get_data(as_text=True)

    lines = (original + "bulletin_desk: [not, names]\n").splitlines()
    site_yml.write_text("\n".join(lines) + "\n")
    broken = make_app(content_dir).extensions["portal.store"].library
    [error] = [e for e in broken.errors if e.path == "site.yml"]
    assert (error.line, error.field) == (len(lines), "bulletin_desk")
    assert "must be a name per language" in error.message


def test_portal_new_writes_a_skeleton_for_any_kind(bulletin_kind, content_dir):
    from portal.cli import new_command
    app = create_app({"TESTING": True, "CONTENT_DIR": str(content_dir)})
    result = app.test_cli_runner().invoke(new_command, ["bulletin", "road-closed"])
    assert result.exit_code == 0, result.output
    assert (content_dir / "en/bulletins/road-closed.md").is_file()
    unknown = app.test_cli_runner().invoke(new_command, ["gazette", "x"])
    singulars = ", ".join(package.KIND.singular for package in portal.kinds.PACKAGES)
    assert singulars.endswith(", bulletin")
    assert unknown.exit_code != 0 and singulars in unknown.output


def _imports(path: Path, tree: ast.AST | None = None) -> set[str]:
    """Modules a source file imports, relative imports made absolute."""
    package = ".".join(path.relative_to(PORTAL.parent).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    found = set()
    tree = tree if tree is not None else ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("core", ["content", "search"])
def test_the_core_imports_no_flask_and_no_kind(core):
    for path in (PORTAL / core).rglob("*.py"):
        for module in _imports(path):
            assert not module.startswith(("flask", "werkzeug", "jinja2")), (path, module)
            assert not module.startswith("portal.kinds"), (path, module)
            assert not module.startswith("portal.views"), (path, module)
    for module in ("portal.feeds", "portal.markup", "portal.statecache"):
        path = PORTAL / (module.split(".", 1)[1] + ".py")
        assert not any(m.startswith(("flask", "portal.kinds")) for m in _imports(path)), module


def test_there_are_no_import_cycles():
    modules = {}
    for path in PORTAL.rglob("*.py"):
        name = ".".join(path.relative_to(PORTAL.parent).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    graph = {name: {m for m in _imports(path) if m in modules and m != name}
             for name, path in modules.items()}
    # Imports inside functions run later and cannot form a cycle at import time;
    # only module-level imports count.
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = ast.Module(body=[n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))],
                         type_ignores=[])
        graph[name] &= _imports(path, top)
    state: dict[str, int] = {}

    def visit(node, stack):
        state[node] = 1
        for target in graph[node]:
            if state.get(target) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*stack, node, target]))
            if target not in state:
                visit(target, [*stack, node])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [])


def _url_sets(content: Path, tmp_path: Path) -> str:
    app = prepare(create_app({"TESTING": True, "CONTENT_DIR": str(content),
                              "BUILD_DIR": str(tmp_path / "build"),
                              "INDEX_DIR": str(tmp_path / "index"),
                              "BASE_URL": "https://example.org", "CLOCK": Clock(),
                              "RELOAD_INTERVAL": 0}))
    from flask import url_for
    with app.test_request_context("/", base_url="https://example.org"):
        frozen = sorted({url_for(endpoint, **values) for endpoint, values in freeze_urls(app)})
    sitemap = app.test_client().get("/sitemap.xml").get_data(as_text=True)
    locs = sorted(re.findall(r"<loc>(.*?)</loc>", sitemap))
    return "\n".join(["# portal freeze", *frozen, "# sitemap.xml", *locs]) + "\n"


@pytest.mark.parametrize("content, recorded", [
    (CONTENT.parent.parent / "content", "urls-bundled-content.txt"),
    (CONTENT, "urls-test-content.txt"),
])
def test_every_url_of_the_sitemap_and_the_mirror_is_kept(content, recorded, tmp_path):
    """The URL sets recorded before the kinds moved into packages (tests/data)."""
    assert _url_sets(content, tmp_path) == (DATA / recorded).read_text(encoding="utf-8")
