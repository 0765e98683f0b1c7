"""Read-only page and API queries on a streaming replica; everything else on the primary.

DATABASE_REPLICA_URLS lists the replicas (settings: aliases COURTDASH_DB_REPLICAS), none by
default: then the middleware does nothing and the router sends every query to "default", as
before. With replicas:

- ReplicaMiddleware lets a request read from a replica when its method is safe (GET, HEAD,
  OPTIONS) and its browser or API client carries no fresh write mark; it picks one replica for
  the whole request, so that a page never mixes two replicas' lags.
- Any other request (POST, PUT, PATCH, DELETE: a write, or a try at one) sets the write mark, a
  signed cookie that lives COURTDASH_READ_YOUR_WRITES_SECONDS: the same client's reads go to
  the primary meanwhile, so a user reads their own write whatever the replica's replay lag.
- ReplicaRouter sends a read to the request's replica unless a transaction is open on the
  primary (a read inside atomic() sees that block's writes and takes its locks there); every
  write, every migration, and every query of a task or a command (no request, no replica) goes
  to the primary.

A streamed response's body is read after the middleware has returned: from the primary.
A replica that is down fails the pages that read from it (a 500, as a primary down would);
the health of replicas is the load balancer's or the connection pooler's job (docs/DEPLOYMENT.md).
"""

from __future__ import annotations

import random
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# The replica alias of the request being served, None: the primary.
_replica: ContextVar[str | None] = ContextVar("courtdash_replica", default=None)

WROTE_COOKIE = "courtdash_wrote"
WROTE_SALT = "courtdash.routers.wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def reading_replica() -> str | None:
    """The replica this request's reads go to (None: the primary)."""
    return _replica.get()


class ReplicaMiddleware:
    """Chooses where a request reads (see the module docstring); sets the write mark."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replicas = settings.COURTDASH_DB_REPLICAS
        if not replicas:
            return self.get_response(request)
        safe = request.method in SAFE_METHODS
        seconds = settings.COURTDASH_READ_YOUR_WRITES_SECONDS
        wrote = request.get_signed_cookie(
            WROTE_COOKIE, default=None, salt=WROTE_SALT, max_age=seconds
        )
        token = _replica.set(random.choice(replicas) if safe and wrote is None else None)
        try:
            response = self.get_response(request)
        finally:
            _replica.reset(token)
        if not safe:
            response.set_signed_cookie(
                WROTE_COOKIE,
                "1",
                salt=WROTE_SALT,
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


class ReplicaRouter:
    """Reads of a replica-readable request to its replica; the rest to the primary."""

    def db_for_read(self, model, **hints):
        replica = _replica.get()
        if replica is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return replica

    def db_for_write(self, model, **hints):
        # Explicitly the primary: else Django would write an object back where it was read.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replicas hold the primary's very rows.
        databases = {DEFAULT_DB_ALIAS, *settings.COURTDASH_DB_REPLICAS}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica replays the primary's migrations; it is never migrated itself.
        return False if db in settings.COURTDASH_DB_REPLICAS else None
