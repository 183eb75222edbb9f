"""Self-help, mutual-rescue and prevention guides."""
from __future__ import annotations

from flask import Flask

from .schema import KIND

__all__ = ["KIND", "init_app"]


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ...views.common import nav_entry, register_labels
    from .labels import LABELS
    from .views import bp

    app.register_blueprint(bp)
    register_labels(app, LABELS, {"kind": (_l("Kind"), _l("All kinds"))})
    nav_entry(app, "guides.index", _l("Guides"), "guides.")
