"""The production server's settings, read from the environment (README, "Production").

    .venv/bin/gunicorn -c gunicorn.conf.py pms_site.wsgi

Sync workers suit this app (server-rendered pages, short requests); PDF books and other long
work run in the background worker (`manage.py db_worker`), never in a request.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A worker is replaced after this many requests (with jitter), so that memory never creeps.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Request line and headers are bounded here; the body is bounded by the app before it is read
# (REQUEST_BODY_MAX_BYTES, 413) and should be by the proxy in front (client_max_body_size).
limit_request_line = int(os.environ.get("GUNICORN_LIMIT_REQUEST_LINE", "8190"))
limit_request_fields = int(os.environ.get("GUNICORN_LIMIT_REQUEST_FIELDS", "100"))
limit_request_field_size = int(os.environ.get("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", "8190"))
# gunicorn's own access log ("-": standard output; empty: none). The app writes its own line
# per request with the user and the duration (logger "epms.request", REQUEST_LOG_FORMAT).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Who (the proxy's X-Forwarded-For is trusted only from these addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The application is imported once in the master and the workers are forked from it: a worker
# starts (and is replaced after max_requests) without importing Django again, and the modules,
# templates and translations loaded at import are shared between the workers' memory.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") not in ("0", "false", "no", "off")
# Python's cyclic garbage collector runs every 700 new objects by default, several times in
# every page, and each full pass walks everything imported at start. Those objects live as
# long as the worker: they are frozen out of the collector before the fork, and the first
# generation collects every GC_THRESHOLD new objects instead.
gc_threshold = int(os.environ.get("GC_THRESHOLD", "50000"))


def when_ready(server):
    # The database connections of the master (none are opened at import) must not be shared.
    import gc

    if preload_app:
        from django.db import connections

        from pms_site.warm import warm_up

        warm_up()
        connections.close_all()
        gc.collect()
        gc.freeze()


def post_fork(server, worker):
    import gc

    if gc_threshold > 0:
        gc.set_threshold(gc_threshold, 20, 100)
