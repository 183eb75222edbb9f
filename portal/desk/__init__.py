"""The officials' desk (/desk/): write, review and publish from a browser, with
two-person sign-off and an audit trail. What it publishes is the same Markdown file an
official could write by hand; the live reload publishes it."""
from __future__ import annotations

from flask import Flask, request


def init_app(app: Flask) -> None:
    from . import labels
    from .cli import audit_cli, users_cli
    from .views import bp

    labels.init_app(app)
    app.register_blueprint(bp)

    @app.after_request
    def desk_never_stored(response):
        # Every answer under /desk/, a 404 of no route included: no cache keeps it.
        if request.path == "/desk" or request.path.startswith("/desk/"):
            response.headers["Cache-Control"] = "no-store"
        return response
    app.cli.add_command(users_cli)
    app.cli.add_command(audit_cli)
