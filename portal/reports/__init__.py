"""Residents report rumours: the form, status pages, the board of claims being checked,
the count on each correction, and ``portal reports`` for the officials who answer them."""
from __future__ import annotations

import logging

from flask import Flask, g, has_request_context

log = logging.getLogger(__name__)


class Reports:
    def __init__(self, snapshot):
        self.snapshot = snapshot


def init_app(app: Flask) -> None:

    from ..views.common import slot
    from .cli import reports_cli
    from .snapshot import Snapshot
    from .views import bp

    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 12 * 3600)
    database = app.extensions["portal.db"]
    store = app.extensions["portal.store"]
    snapshot = Snapshot(database, store.now, app.config["DATABASE_REFRESH"])
    app.extensions["portal.reports"] = Reports(snapshot)
    database.before_dispose.append(snapshot.join)

    def page_state() -> int:
        # The version a page was rendered from, when asked while storing it.
        if has_request_context() and "reports_version" in g:
            return g.reports_version
        return snapshot.state()
    app.extensions.setdefault("portal.page_states", []).append(page_state)

    def reported(item) -> int:
        g.reports_version = snapshot.state()
        return snapshot.counts.get(item.slug, 0)
    app.jinja_env.globals.update(reported_count=reported)
    slot(app, "disclosure", "reports/_reported.html")
    slot(app, "home", "reports/_home.html")
    app.register_blueprint(bp)
    app.cli.add_command(reports_cli)



def prepare(app: Flask) -> None:
    """At start-up: the signing key, the schema, a first snapshot. The database being
    down is logged and does not stop the site from serving."""
    from .secret import ensure_secret
    ensure_secret(app)
    try:
        app.extensions["portal.db"].upgrade()
    except Exception as exc:  # noqa: BLE001
        log.error("database not upgraded (%s: %s); reports cannot be taken until it is",
                  type(exc).__name__, exc)
    app.extensions["portal.reports"].snapshot.refresh()
