"""crisis-portal: a public crisis-information site built from Markdown files."""
from __future__ import annotations

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.config.from_object("portal.config")
    app.config.from_prefixed_env("PORTAL")
    if test_config:
        app.config.update(test_config)
    app.config.setdefault("PREFERRED_URL_SCHEME", app.config["BASE_URL"].split(":", 1)[0])

    from . import (assets, cli, errors, headers, i18n, labels, pagecache, reload, search,
                   store, views, websub)

    store.init_app(app)
    reload.init_app(app)
    search.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    pagecache.init_app(app)
    assets.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    views.init_app(app)
    websub.init_app(app)
    cli.init_app(app)
    return app
