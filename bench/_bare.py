"""The baseline app: bare Flask returning fixed bytes, run under the same gunicorn settings.

``BENCH_BODY`` names the file whose bytes every GET answers with, as text/html.
"""
import os

from flask import Flask

BODY = open(os.environ["BENCH_BODY"], "rb").read()
app = Flask(__name__)


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def page(path: str):
    return BODY, 200, {"Content-Type": "text/html; charset=utf-8"}
