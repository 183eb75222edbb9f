"""gunicorn settings for a read-mostly site on a small machine.

Pages and feeds come from memory, so a request is short CPU work plus socket
I/O: one process per core does the CPU work and a few threads per process keep
slow clients (phones on weak networks) from blocking the others. The app is
loaded once in the master (content parsed, assets built) and forked.
Every value can be overridden with GUNICORN_* or PORTAL_* environment variables.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
preload_app = True
# Recycle workers now and then so slow leaks cannot build up during a long surge.
max_requests = 20000
max_requests_jitter = 2000
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


def post_fork(server, worker):
    """Start each worker's content watcher as soon as it exists, not at its first request."""
    from portal.reload import start_watching

    start_watching(server.app.wsgi())
