"""Announcements, rumour corrections and alerts, with their feeds and CAP documents."""
from __future__ import annotations

from flask import Flask

from .schema import KIND

__all__ = ["KIND", "init_app"]


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ...outputs import warmer
    from ...views.common import nav_entry, register_labels
    from . import outputs
    from .labels import LABELS
    from .views import bp

    app.register_blueprint(bp)
    register_labels(app, LABELS, {"type": (_l("Type"), _l("All types"))})
    nav_entry(app, "disclosures.index", _l("Announcements"), "disclosures.")
    warmer(app, outputs.warm_first, urgent=True)
    warmer(app, outputs.warm)
    app.extensions.setdefault("portal.freeze", []).append(outputs.frozen)
