"""WSGI entry point: `gunicorn -c gunicorn.conf.py wsgi:app`.

Serving is the moment to load content, build static files and the search index:
the master does it once (preload_app) and the workers inherit the result.
"""
from portal import create_app, prepare

app = prepare(create_app())
