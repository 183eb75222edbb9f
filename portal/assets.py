"""Static files under content-hashed names, pre-compressed, served by WhiteNoise.

``url_for('static', filename='css/site.css')`` yields ``/static/css/site.<hash>.css``;
that URL never changes meaning, so it is cached for a year as immutable.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from .atomic import write_atomic
from .headers import SECURITY_HEADERS

HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")
YEAR = 365 * 24 * 3600
# Textual types that WhiteNoise (which only adds a charset to text/*) leaves bare.
TEXT_SUFFIXES = ("+xml", "+json", "/javascript", "/json")


def manifest(source: Path) -> dict[str, str]:
    """Each static file's name -> its content-hashed name; reads, writes nothing."""
    found: dict[str, str] = {}
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        name = path.relative_to(source).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        stem, dot, ext = name.rpartition(".")
        found[name] = f"{stem}.{digest}.{ext}" if dot else f"{name}.{digest}"
    return found


def build(source: Path, target: Path) -> dict[str, str]:
    """Copy every file in ``source`` to ``target`` under a hashed name, with .gz and .br."""
    names = manifest(source)
    target.mkdir(parents=True, exist_ok=True)
    compressor = Compressor(quiet=True)
    for name, hashed in names.items():
        data = (source / name).read_bytes()
        out = target / hashed
        if out.exists():
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out, data)
        if compressor.should_compress(str(out)):
            compressor.compress(str(out))  # writes <name>.br and <name>.gz beside it
    return names


def build_files(app: Flask) -> None:
    """Write the hashed files WhiteNoise serves (at server start, and by `portal freeze`)."""
    target = Path(app.config["BUILD_DIR"]) / "static"
    build(Path(app.config["STATIC_DIR"]), target)
    app.extensions["portal.static"].add_files(str(target), prefix="static/")


def init_app(app: Flask) -> None:
    names = manifest(Path(app.config["STATIC_DIR"]))
    app.add_url_rule("/static/<path:filename>", "static", build_only=True)

    @app.url_defaults
    def hashed_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in names:
            values["filename"] = names[values["filename"]]

    def extra_headers(headers, path: str, url: str) -> None:
        # WhiteNoise answers before the app's after_request runs: same policy here.
        for name, value in SECURITY_HEADERS.items():
            headers[name] = value
        if HASHED.search(url):  # WhiteNoise says ten years; a year is what we promise
            headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        if path.endswith(".xml"):
            headers["Content-Type"] = "application/xml; charset=utf-8"
        content_type = headers.get("Content-Type", "")
        if content_type.endswith(TEXT_SUFFIXES) and "charset" not in content_type:
            headers["Content-Type"] = f"{content_type}; charset=utf-8"

    # No root yet: the files are written when serving starts (build_files).
    app.wsgi_app = app.extensions["portal.static"] = WhiteNoise(
        app.wsgi_app, max_age=YEAR, allow_all_origins=app.config["STATIC_CORS"],
        immutable_file_test=lambda path, url: bool(HASHED.search(url)),
        add_headers_function=extra_headers,
    )
