"""About, accessibility and other standing pages."""
from __future__ import annotations

from flask import Flask

from .schema import KIND

__all__ = ["KIND", "init_app"]


def init_app(app: Flask) -> None:
    from .views import bp
    app.register_blueprint(bp)
