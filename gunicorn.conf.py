"""gunicorn settings for a read-mostly site on a small machine.

Pages and feeds come from memory, so a request is short CPU work plus socket
I/O: one process per core does the CPU work, and each process holds its
connections as greenlets (gevent), so phones on weak networks, idle sockets and
deliberately slow clients cost a little memory each, not a worker or a thread.
Waits are bounded: a request's line and headers must arrive within `keepalive`
seconds (gunicorn's gevent worker times the whole head), any other wait on a
socket gives up after `timeout` seconds. The app is loaded once in the master
(content parsed, assets built) and forked; the master also watches the content and,
for each change, loads it and forks new workers with it (portal/reload.py). A
worker's background work (index builder, output warming) runs on real OS threads
beside the event loop (portal/threads.py).
Every value can be overridden with GUNICORN_* or PORTAL_* environment variables.
"""
import multiprocessing
import os
import resource

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
# gevent, with bounded waits and error pages that carry our security headers.
worker_class = "portal.worker.Worker"
# Open connections per worker; past it a worker stops accepting until one closes.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", 2000))
preload_app = True
# Recycle a worker now and then so a slow leak cannot build up over weeks. Rarely: a
# worker at full speed answers about 2,000 requests a second, and a recycle every
# 20,000 requests restarted both workers every few seconds of a surge, each time
# stalling its connections for seconds (a new worker first catches up with the
# content). At a million, that is once in several minutes of a surge.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1_000_000))
max_requests_jitter = max_requests // 10
timeout = 30
graceful_timeout = 10
keepalive = 5
# Headers and request lines bigger than this are refused with a 4xx.
limit_request_line = 4096
limit_request_fields = 50
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# No control socket: it is shared per user ($HOME/.gunicorn), so several masters
# on one machine (tests, benchmarks, staging) would fight over it.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Each connection is a descriptor: let a worker hold all it may accept, plus its
# files, as far as the hard limit allows (the soft limit is often only 1024).
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
_wanted = worker_connections + 256
if _soft != resource.RLIM_INFINITY and _soft < _wanted:
    resource.setrlimit(resource.RLIMIT_NOFILE, (
        _wanted if _hard == resource.RLIM_INFINITY else min(_wanted, _hard), _hard))


def when_ready(server):
    """The master watches the content for the machine: it loads each change once and
    has the workers replaced by ones forked with it (they share its memory), rather
    than every worker loading and keeping a copy of its own."""
    if server.cfg.preload_app:
        from portal.reload import watch_in_master

        watch_in_master(server.app.wsgi())


def post_worker_init(worker):
    """Before a worker serves: one forked by a watching master does what the change it
    was forked for asks of each worker (warming outputs, say); otherwise it starts its
    own content watcher now, not at its first request."""
    from portal.reload import start_watching

    start_watching(worker.app.wsgi())
