"""The key that signs forms. Every worker and machine must have the same one:
PORTAL_SECRET_KEY, else one generated once into var/secret_key (readable by the owner only)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, current_app


def key_path(app: Flask) -> Path:
    return Path(app.config["BUILD_DIR"]).parent / "secret_key"


def ensure_secret(app: Flask) -> str:
    if app.config.get("SECRET_KEY"):
        return app.config["SECRET_KEY"]
    path = key_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # O_EXCL: of several processes starting at once, one writes and all read it
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(48))
    key = ""
    for _ in range(50):  # another process may be writing it this very moment
        key = path.read_text().strip()
        if key:
            break
        import time
        time.sleep(0.01)
    if not key:
        raise RuntimeError(f"{path} is empty: delete it, or set PORTAL_SECRET_KEY")
    app.config["SECRET_KEY"] = key
    return key


def secret_key() -> str:
    return ensure_secret(current_app._get_current_object())
