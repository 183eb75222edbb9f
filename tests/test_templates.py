"""Every template compiles, and each name finds its own file (kinds' folders never shadow)."""
from pathlib import Path

import pytest

PORTAL = Path(__file__).parent.parent / "portal"
FOLDERS = [PORTAL / "templates", *sorted(PORTAL.glob("kinds/*/templates"))]
TEMPLATES = sorted((folder, p.relative_to(folder).as_posix())
                   for folder in FOLDERS for p in folder.rglob("*") if p.is_file())


def test_no_two_folders_offer_the_same_template_name():
    names = [name for _, name in TEMPLATES]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("folder, name", TEMPLATES, ids=[n for _, n in TEMPLATES])
def test_template_compiles_from_its_own_file(app, folder, name):
    template = app.jinja_env.get_template(name)  # raises on a syntax error
    assert Path(template.filename).resolve() == (folder / name).resolve()
