"""The read replica: HR's heavy pages read a streaming replica, everything else the primary.

When DATABASE_REPLICA_URL is set, settings.py adds a `replica` database and this module decides,
per request, where the ORM reads:

- `ReplicaMiddleware` marks a GET or HEAD of a page named in settings.REPLICA_VIEWS (the
  reports, exports, distribution, talent grid and alignment, development needs, trends) as
  reading the replica, unless the person wrote something a moment ago: every POST (PUT, PATCH,
  DELETE) that wrote to the database sets a short-lived cookie (REPLICA_STICKY_SECONDS), and while
  it lives all of that person's pages read the primary, so they always see their own write even
  when the replica lags behind.
- `ReplicaRouter` sends the reads of a marked request to the replica and every write, on every
  request, to the primary; it never migrates the replica (a physical copy of the primary).

The session and the account are read from the primary before the view starts; the view's own
queries (the person's roles and scope, the figures, the names) read the replica, so a role
withdrawn a moment ago still applies on these pages until the replica has replayed it (its lag,
normally well under a second). If the replica cannot be
reached the page reads the primary. Without DATABASE_REPLICA_URL nothing here does anything.
"""

from __future__ import annotations

import contextvars
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
COOKIE = "epms_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# After a failed connection the replica is not tried again for this long (per process).
RETRY_AFTER_SECONDS = 10.0


@dataclass
class _RequestState:
    replica: bool = False
    wrote: bool = False


_state: contextvars.ContextVar[_RequestState | None] = contextvars.ContextVar(
    "epms_replica_state", default=None
)
_down_until = 0.0


def replica_configured() -> bool:
    return settings.READ_REPLICA


def replica_usable() -> bool:
    """The replica answers (an open connection is reused; a failure is remembered briefly)."""
    global _down_until
    if time.monotonic() < _down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except Exception:  # noqa: BLE001 - any failure to connect means: read the primary
        logger.warning("read replica unreachable: reading the primary", exc_info=True)
        _down_until = time.monotonic() + RETRY_AFTER_SECONDS
        return False
    return True


def reading_replica() -> bool:
    """True while the current request's reads go to the replica."""
    state = _state.get()
    return bool(state and state.replica)


class ReplicaRouter:
    """Reads of a marked request go to the replica; all writes, always, to the primary."""

    def db_for_read(self, model, **hints):
        state = _state.get()
        if state is not None and state.replica:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None:
            state.wrote = True
        # Explicitly the primary: an object read from the replica is saved to the primary too.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        dbs = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in dbs and obj2._state.db in dbs:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == REPLICA:
            return False
        return None


class ReplicaMiddleware:
    """Marks heavy GET pages as reading the replica and sets the 'recently wrote' cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        state = _RequestState()
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote and request.method not in SAFE_METHODS:
            response.set_cookie(
                COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = _state.get()
        if state is None or request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        if match is None or match.view_name not in settings.REPLICA_VIEWS:
            return None
        if COOKIE in request.COOKIES or not replica_usable():
            return None
        # Who is asking (the session and the account) is read from the primary, never stale.
        if hasattr(request, "user"):
            request.user.is_authenticated  # noqa: B018 - loads the lazy user now
        state.replica = True
        return None
