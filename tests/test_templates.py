"""Every template compiles."""
from pathlib import Path

import pytest

TEMPLATES = sorted(p.relative_to(Path(__file__).parent.parent / "portal/templates").as_posix()
                   for p in (Path(__file__).parent.parent / "portal/templates").rglob("*")
                   if p.is_file())


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_compiles(app, name):
    assert app.jinja_env.get_template(name) is not None
