"""bench_load: the real server under N concurrent users (issue 13).

Starts gunicorn (as `make demo` and the Docker image run it) on a free port and this process's
database and Redis, logs in real sessions of several roles through the login form, hands them
to the load driver (metrics.bench.driver, its own process) and sums up what it measured: per page
the requests, errors, p50/p95/p99 and throughput; the CPU the driver and the server used.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import psutil
from django.conf import settings
from django.db import connection

from cases.demo.accounts import DEMO_PASSWORD

BASE_DIR = Path(settings.BASE_DIR)
DEFAULT_ACCOUNTS = ("demo_office", "demo_court_leader", "demo_division_head", "demo_judge")
SLUG = "closed_to_filed_ratio"
# The main pages: (name, path). A role that may not see one (403/404) leaves it out.
PAGES = (
    ("overview", "/metrics/"),
    ("ranking", "/metrics/ranking/"),
    ("indicator", f"/metrics/{SLUG}/"),
    ("drill", f"/metrics/{SLUG}/drill/"),
    ("trend", f"/metrics/{SLUG}/trend/"),
    ("cases", "/cases/"),
    ("long-pending", "/supervision/long-pending/"),
    ("daily", "/reports/"),
    ("targets", "/reports/targets/"),
    ("work-queue", "/supervision/inbox/"),
)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class BenchError(RuntimeError):
    """The server did not start, or an account could not log in."""


@dataclass
class PageFigures:
    name: str
    requests: int
    errors: int
    error_statuses: dict
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    per_second: float
    users: int


@dataclass
class LoadResult:
    pages: list[PageFigures]
    seconds: float
    users: int
    workers: int
    driver_cpu: float
    server_cpu: float
    cores: int
    think: float = 0.0

    @property
    def requests(self) -> int:
        return sum(page.requests for page in self.pages)

    @property
    def errors(self) -> int:
        return sum(page.errors for page in self.pages)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """This process's database (in a test: the test database) as a DATABASE_URL."""
    db = connection.settings_dict
    user = urllib.parse.quote(db.get("USER") or "", safe="")
    password = urllib.parse.quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    if host.startswith("/"):  # a unix socket directory (the embedded PostgreSQL)
        return f"postgres://{credentials}{urllib.parse.quote(host, safe='')}{port}/{db['NAME']}"
    return f"postgres://{credentials}{host}{port}/{db['NAME']}"


def server_environment(*, cache: bool) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        DJANGO_SECURE="false",  # plain HTTP on 127.0.0.1
        DJANGO_DEBUG="false",
        COURTDASH_PAGE_CACHE="true" if cache else "false",
        PYTHONUNBUFFERED="1",
    )
    if settings.COURTDASH_TODAY:
        env["COURTDASH_TODAY"] = settings.COURTDASH_TODAY
    if "Manifest" not in settings.STORAGES["staticfiles"]["BACKEND"]:
        env["DJANGO_STATIC_MANIFEST"] = "false"
    return env


class Server:
    """gunicorn with `workers` sync workers, as `make demo` runs it; stopped on exit."""

    def __init__(self, *, port: int, workers: int, cache: bool):
        self.port, self.workers, self.cache = port, workers, cache
        self.log = tempfile.TemporaryFile()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "courtdash.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "120",
            ],
            cwd=BASE_DIR,
            env=server_environment(cache=self.cache),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited ({self.process.returncode}):\n{self.output()}")
            try:
                status, _headers, _body = request(self.port, "GET", "/accounts/login/")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer in {timeout:.0f} s:\n{self.output()}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def cpu(self) -> float:
        """CPU seconds used so far by the master and its workers."""
        try:
            master = psutil.Process(self.process.pid)
            processes = [master, *master.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0.0
        total = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def request(port: int, method: str, path: str, *, headers=None, body=None):
    """One request on its own connection: (status, headers as a list, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def _cookies(headers, jar: dict) -> dict:
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _sep, val = pair.partition("=")
            jar[key.strip()] = val.strip()
    return jar


def log_in(port: int, username: str, password: str) -> str:
    """A real session through the login form (CSRF token and all): its Cookie header."""
    status, headers, body = request(port, "GET", "/accounts/login/")
    jar = _cookies(headers, {})
    token = CSRF_INPUT.search(body.decode())
    if status != 200 or token is None or "csrftoken" not in jar:
        raise BenchError(f"the login page answered {status} without a CSRF token")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    )
    status, headers, _body = request(
        port,
        "POST",
        "/accounts/login/",
        headers={
            "Cookie": f"csrftoken={jar['csrftoken']}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
        body=form,
    )
    _cookies(headers, jar)
    if status != 302 or "sessionid" not in jar:
        raise BenchError(f"{username} could not log in (answer {status})")
    return f"sessionid={jar['sessionid']}; csrftoken={jar['csrftoken']}"


def _percentile(ordered: list[float], share: float) -> float | None:
    if not ordered:
        return None
    if len(ordered) == 1:
        return ordered[0] * 1000
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return cuts[round(share * 100) - 1] * 1000


def figures(driven: dict, *, seconds: float) -> list[PageFigures]:
    rows = []
    for name, _path in PAGES:
        page = driven["pages"].get(name)
        if page is None or page["users"] == 0:
            continue
        latencies = sorted(page["latencies"])
        errors = sum(page["errors"].values())
        rows.append(
            PageFigures(
                name=name,
                requests=len(latencies) + errors,
                errors=errors,
                error_statuses=page["errors"],
                p50_ms=_percentile(latencies, 0.50),
                p95_ms=_percentile(latencies, 0.95),
                p99_ms=_percentile(latencies, 0.99),
                per_second=len(latencies) / seconds,
                users=page["users"],
            )
        )
    return rows


def bench_load(
    *,
    users: int,
    seconds: float,
    workers: int = 2,
    accounts=DEFAULT_ACCOUNTS,
    password: str = DEMO_PASSWORD,
    port: int = 0,
    cache: bool = True,
    think: float = 0.0,
    log=lambda message: None,
) -> LoadResult:
    port = port or free_port()
    with Server(port=port, workers=workers, cache=cache) as server:
        log(f"gunicorn ({workers} workers) on 127.0.0.1:{port}")
        sessions = [
            {"cookie": log_in(port, account, password), "pages": [list(page) for page in PAGES]}
            for account in accounts
        ]
        log(f"logged in: {', '.join(accounts)}; {users} users for {seconds:g} s")
        plan = {
            "host": "127.0.0.1",
            "port": port,
            "seconds": seconds,
            "users": users,
            "seed": 1,
            "think": think,
            "sessions": sessions,
        }
        server_cpu_before = server.cpu()
        driver = subprocess.run(
            [sys.executable, "-m", "metrics.bench.driver"],
            cwd=BASE_DIR,
            input=json.dumps(plan).encode(),
            capture_output=True,
            check=False,
        )
        server_cpu = server.cpu() - server_cpu_before
        if driver.returncode != 0:
            raise BenchError(f"the load driver failed:\n{driver.stderr.decode()[-4000:]}")
    driven = json.loads(driver.stdout)
    return LoadResult(
        pages=figures(driven, seconds=seconds),
        seconds=seconds,
        users=users,
        workers=workers,
        driver_cpu=driven["cpu"],
        server_cpu=server_cpu,
        cores=os.cpu_count() or 1,
        think=think,
    )
