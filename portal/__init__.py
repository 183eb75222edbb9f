"""crisis-portal: a public crisis-information site built from Markdown files."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from jinja2 import FileSystemBytecodeCache


def create_app(test_config: dict | None = None) -> Flask:
    """The app, and nothing else: no files written, no content read until first use."""
    from . import (assets, cli, db, desk, errors, handbook, headers, i18n, kinds, offline, outputs,
                   pagecache, reload, reports, search, settings, store, views, websub)

    app = Flask(__name__, static_folder=None)
    app.config.update(settings.read(os.environ, test_config))
    if test_config:  # keys outside the table: TESTING, CLOCK, SECRET_KEY ...
        app.config.update({k: v for k, v in test_config.items() if k not in settings.BY_NAME})

    store.init_app(app, kinds.registry())
    reload.init_app(app)
    search.init_app(app)
    i18n.init_app(app)
    outputs.init_app(app)
    pagecache.init_app(app)
    assets.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    views.init_app(app)
    kinds.init_app(app)
    db.init_app(app)
    reports.init_app(app)  # the write side: reports from residents
    desk.init_app(app)  # the officials' desk: write, review, publish
    websub.init_app(app)
    handbook.init_app(app)  # the household handbook (PDF)
    offline.init_app(app)  # service worker, manifest: readable offline
    cli.init_app(app)
    return app


def prepare(app: Flask) -> Flask:
    """Make ``app`` ready to serve: content loaded, static files built, search index
    built if none is current, outputs warmed. Called by the server at start-up
    (wsgi.py), never on import."""
    from . import assets, handbook, outputs, reports, search

    # Templates compiled once here: every worker forked from this process (one per
    # change, under gunicorn) has them, instead of compiling each at its first use; and
    # kept compiled under BUILD_DIR (by their source's checksum), so a restart only
    # loads them.
    compiled = Path(app.config["BUILD_DIR"]) / "templates"
    try:
        compiled.mkdir(parents=True, exist_ok=True)
        app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(compiled))
    except OSError:  # compiled in memory only, as before
        app.logger.warning("cannot keep compiled templates in %s", compiled, exc_info=True)
    for name in app.jinja_env.list_templates(filter_func=lambda n: not n.startswith(".")):
        try:
            app.jinja_env.get_template(name)
        except Exception:  # noqa: BLE001 - it fails where it is used, as before
            app.logger.exception("template %s does not compile", name)
    library = app.extensions["portal.store"].library
    assets.build_files(app)
    search.prepare(app)
    outputs.warm(app, library)
    reports.prepare(app)
    handbook.preload()
    return app
