"""WSGI entry point: `gunicorn -c gunicorn.conf.py wsgi:app`.

Serving is the moment to load content, build static files and the search index:
the master does it once (preload_app) and the workers inherit the result.
"""
import gc
import logging

from portal import create_app, prepare

# The portal's own messages (a content file that cannot be published, say) in the
# same shape as gunicorn's lines: time, process, level.
_handler = logging.StreamHandler()
_handler.setFormatter(logging.Formatter("%(asctime)s [%(process)d] [%(levelname)s] %(name)s: "
                                        "%(message)s", "[%Y-%m-%d %H:%M:%S %z]"))
_portal_log = logging.getLogger("portal")
_portal_log.addHandler(_handler)
_portal_log.setLevel(logging.INFO)
_portal_log.propagate = False

app = prepare(create_app())
# What the master loaded is read, not changed, by the workers it forks: out of the
# collector's sight, a collection in a worker neither walks the 10,000 items nor
# writes to their pages (which copy-on-write would then copy into every worker).
gc.collect()
gc.freeze()
