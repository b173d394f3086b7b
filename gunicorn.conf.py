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
