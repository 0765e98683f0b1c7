"""A real Celery worker process for tests: the project's own `celery -A courtdash worker`,
against the real Redis broker and the test database (tests using it need transactional_db,
so the worker sees committed rows)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import connection

from courtdash.embedded import redis_py_url

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The URL of the database this test process uses (pytest-django's test database)."""
    db = connection.settings_dict
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    if host.startswith("/"):
        # The embedded server's unix socket directory: django-environ leaves a percent-encoded
        # host as it is, so it goes to libpq as the `host` option instead.
        query = urlencode({"host": host} | ({"port": db["PORT"]} if db.get("PORT") else {}))
        return f"postgres://{db['USER']}{password}@/{db['NAME']}?{query}"
    return f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}"


def broker_client():
    """A redis-py client of the Celery broker (kombu's redis+socket:// is redis-py's unix://)."""
    import redis

    return redis.Redis.from_url(redis_py_url(settings.CELERY_BROKER_URL))


class Worker:
    """Start with `start()`, stop with `stop()` (warm) or `kill()` (SIGKILL, mid-task)."""

    def __init__(
        self, *, queue: str, log_path: Path, extra_env: dict | None = None, include: str = ""
    ):
        self.queue = queue
        self.include = include  # test-only task modules, comma-separated (celery --include)
        self.log_path = log_path
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Worker:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "COURTDASH_TODAY": settings.COURTDASH_TODAY or "",
            "DJANGO_SECURE": "false",
            **self.extra_env,
        }
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "courtdash",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                self.queue,
                "--loglevel=INFO",
                "-n",
                f"{self.queue}-{time.time_ns()}@test",
                *(["--include", self.include] if self.include else []),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log_path.read_text()[-3000:]}")
            if b" ready." in self.log_path.read_bytes():
                return self
            time.sleep(0.2)
        raise TimeoutError(f"worker not ready: {self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.log.close()


def wait_until(predicate, *, timeout: float = 60, interval: float = 0.2, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(message or "condition not met in time")
