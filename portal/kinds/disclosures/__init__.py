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
    status_hooks(app)


def status_hooks(app: Flask) -> None:
    """Where a disclosure stands, for templates (cards, banner, page) and for search,
    which ranks and marks results by any kind's ``portal.status`` without naming one."""
    from ...views.common import library, now
    from . import queries

    app.extensions.setdefault("portal.status", {})["disclosures"] = (
        lambda item: queries.status(library(), item, now()))
    app.jinja_env.globals.update(
        disclosure_status=lambda item: queries.status(library(), item, now()),
        update_overdue=lambda item: queries.update_overdue(library(), item, now()))
