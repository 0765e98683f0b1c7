"""The nightly job: through the real broker and a real worker, killed mid-run, run twice at once.

Worker tests start `celery -A courtdash worker` (tests/worker.py) on a queue of their own,
purged first, against the real Redis and this test database (transactional_db: the worker sees
committed rows only; serialized_rollback restores the seeded targets the flush removes).
"""

from __future__ import annotations

import datetime
import math
import threading
import time

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction

from cases.runs import RunStatus
from courtdash.celery import app
from metrics.computation.engine import METRICS_LOCK
from metrics.computation.nightly import NIGHTLY_LOCK, NightlyOutcome, metrics_nightly
from metrics.definitions.periods import ALL_PERIODS
from metrics.models import ComputationRun, IndicatorValue, ScopeScore
from metrics.services import metrics_compute
from metrics.tasks import compute_nightly
from tests.factories import CaseFactory
from tests.metrics.generate import generate_cases
from tests.worker import broker_client, wait_until

AS_OF = datetime.date(2025, 5, 31)
VISIBILITY_TIMEOUT = 5


# A row's key: (as_of, period, scope, court, division, judge[, indicator]); the rest its numbers.
KEYS = {IndicatorValue: 7, ScopeScore: 6}


def stored(as_of: datetime.date = AS_OF) -> dict[str, dict[tuple, tuple]]:
    """Every stored value and score of a day, all fields but the id, by unit (and indicator)."""

    def rows(model) -> dict[tuple, tuple]:
        names = ["as_of", "period", "scope", "court_id", "division_id", "judge_id"]
        names += ["indicator"] if model is IndicatorValue else []
        names += [
            field.attname
            for field in model._meta.concrete_fields
            if field.name != "id" and field.attname not in names
        ]
        size = KEYS[model]
        return {
            row[:size]: row[size:] for row in model.objects.filter(as_of=as_of).values_list(*names)
        }

    return {"values": rows(IndicatorValue), "scores": rows(ScopeScore)}


def _same(left, right) -> bool:
    # Totals are float sums that PostgreSQL adds in no fixed order: two clean runs may differ
    # in the last bit (ranks compare them rounded, metrics.computation.scoring). Everything else is
    # exact.
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=1e-12, abs_tol=1e-12)
    return left == right


def differences(left: dict, right: dict) -> dict:
    """What differs between two stored() results: rows one side lacks, numbers that differ
    (at most five of each, a readable failure instead of twenty thousand lines)."""
    found = {}
    for kind in left:
        mine, theirs = left[kind], right[kind]
        differ = [
            (key, mine[key], theirs[key])
            for key in mine.keys() & theirs.keys()
            if len(mine[key]) != len(theirs[key])
            or not all(_same(a, b) for a, b in zip(mine[key], theirs[key], strict=True))
        ]
        missing = sorted(mine.keys() ^ theirs.keys(), key=str)
        if differ or missing:
            found[kind] = {"differ": differ[:5], "missing": missing[:5]}
    return found


def clean_run(as_of: datetime.date = AS_OF) -> dict[str, list[tuple]]:
    """What an in-process metrics_compute stores on the same data."""
    metrics_compute(as_of=as_of)
    return stored(as_of)


def run_statuses(as_of: datetime.date = AS_OF) -> dict[str, str]:
    return dict(ComputationRun.objects.filter(as_of=as_of).values_list("period", "status"))


def all_done(as_of: datetime.date = AS_OF) -> bool:
    return run_statuses(as_of) == dict.fromkeys(ALL_PERIODS, RunStatus.DONE)


def add_cases(judge) -> None:
    """A few more cases filed and closed in every period: the day's numbers change."""
    for serial, filed_on in enumerate([AS_OF.replace(day=2), AS_OF.replace(day=20)], start=1):
        CaseFactory(
            judge=judge,
            serial=90000 + serial,
            filed_on=filed_on,
            closed_on=AS_OF,
            closing_method="judgment",
        )


def backend_pids_holding(*, classid: int, objid: int, objsubid: int, granted: bool) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pid FROM pg_locks
            WHERE locktype = 'advisory' AND database = (
                    SELECT oid FROM pg_database WHERE datname = current_database())
              AND classid = %s AND objid = %s AND objsubid = %s AND granted = %s
              AND pid <> pg_backend_pid()
            """,
            [classid, objid, objsubid, granted],
        )
        return [pid for (pid,) in cursor.fetchall()]


def nightly_lock_pids(*, granted: bool, as_of: datetime.date = AS_OF) -> list[int]:
    return backend_pids_holding(
        classid=NIGHTLY_LOCK, objid=as_of.toordinal(), objsubid=2, granted=granted
    )


def paused_before_commit() -> bool:
    """A backend sits idle inside the computation's transaction (it holds the engine's lock)
    right after marking the runs done: the worker is in COURTDASH_NIGHTLY_PAUSE."""
    holders = backend_pids_holding(classid=0, objid=METRICS_LOCK, objsubid=1, granted=True)
    if not holders:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT state, query FROM pg_stat_activity WHERE pid = ANY(%s)", [holders])
        return any(
            state == "idle in transaction" and ComputationRun._meta.db_table in query
            for state, query in cursor.fetchall()
        )


# The schedule and the task's guarantees


def test_the_nightly_computation_is_the_first_step_of_the_nightly_pipeline():
    entry = app.conf.beat_schedule["courtdash-nightly-pipeline"]  # what `celery beat` reads
    assert entry["schedule"] == crontab(hour=0, minute=30)
    assert app.conf.timezone == "Asia/Shanghai"
    assert compute_nightly.name in app.tasks  # to run it again by hand


def test_nightly_task_is_acknowledged_late_and_retried_on_a_lost_database_connection():
    assert compute_nightly.acks_late is True
    assert compute_nightly.reject_on_worker_lost is True
    assert 0 < compute_nightly.soft_time_limit < compute_nightly.time_limit
    assert (
        compute_nightly.time_limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    )
    assert set(compute_nightly.autoretry_for) == {OperationalError, InterfaceError}
    assert compute_nightly.max_retries and compute_nightly.retry_backoff


# In process


@pytest.mark.django_db
def test_nightly_computes_yesterday_for_every_period_by_default():
    generate_cases(n=120, seed=7, as_of=AS_OF)
    yesterday = datetime.date(2025, 6, 29)  # COURTDASH_TODAY is 2025-06-30 in tests

    result = metrics_nightly()

    assert result.as_of == yesterday
    assert result.outcome is NightlyOutcome.COMPUTED
    assert all_done(yesterday)
    assert {row.period for row in IndicatorValue.objects.filter(as_of=yesterday)} == set(
        ALL_PERIODS
    )
    assert ScopeScore.objects.filter(as_of=yesterday, total__isnull=False).exists()
    assert result.as_dict()["as_of"] == "2025-06-29"


@pytest.mark.django_db
def test_nightly_run_again_replaces_the_days_results_with_identical_rows():
    generate_cases(n=120, seed=8, as_of=AS_OF)
    metrics_nightly(as_of=AS_OF)
    first = stored()

    again = metrics_nightly(as_of=AS_OF)

    assert again.outcome is NightlyOutcome.COMPUTED
    assert differences(stored(), first) == {}
    assert ComputationRun.objects.filter(as_of=AS_OF).count() == len(ALL_PERIODS)


# Through the broker, with a real worker


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nightly_job_runs_through_the_broker_and_stores_what_an_in_process_run_stores(
    flushable, queue, workers
):
    generate_cases(n=300, seed=20250531, as_of=AS_OF)
    workers(queue)

    compute_nightly.apply_async(args=[AS_OF.isoformat()], queue=queue)
    wait_until(all_done, timeout=90, message="the worker did not finish the nightly run")
    through_worker = stored()

    assert len(through_worker["values"]) > 500
    assert differences(through_worker, clean_run()) == {}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_killed_worker_leaves_the_old_results_and_the_redelivered_run_the_clean_result(
    flushable, queue, workers
):
    cases = generate_cases(n=300, seed=20250601, as_of=AS_OF)
    metrics_compute(as_of=AS_OF)
    before = stored()
    add_cases(cases[0].judge)  # the night's import: the results the killed run would replace

    first = workers(
        queue,
        "killed",
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        COURTDASH_NIGHTLY_PAUSE="600",
    )
    task = compute_nightly.apply_async(args=[AS_OF.isoformat()], queue=queue)
    wait_until(lambda: set(run_statuses().values()) == {RunStatus.RUNNING}, timeout=60)
    wait_until(paused_before_commit, timeout=60, message="the worker never reached the pause")
    first.kill()

    # Nothing of the killed run is visible: its transaction never committed.
    assert differences(stored(), before) == {}
    assert run_statuses() == dict.fromkeys(ALL_PERIODS, RunStatus.RUNNING)

    # The message was never acknowledged: once older than the visibility timeout, a fresh
    # worker (no pause) restores it on start and runs it again.
    broker = broker_client()
    unacked = broker.zrange("unacked_index", 0, -1, withscores=True)
    assert unacked, "the killed worker's message should still be unacknowledged"
    delivered_at = max(score for _, score in unacked)
    time.sleep(max(0.0, delivered_at + VISIBILITY_TIMEOUT + 1 - time.time()))
    second = workers(queue, "fresh", CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))
    wait_until(all_done, timeout=90, message="the redelivered run did not finish")
    second.stop()

    assert f"[{task.id}] received" in second.log_path.read_text()
    after_redelivery = stored()
    assert differences(after_redelivery, before) != {}
    assert ComputationRun.objects.filter(as_of=AS_OF).count() == len(ALL_PERIODS)
    assert differences(after_redelivery, clean_run()) == {}


# Two runs of the same day at once (threads of this process, each with its own connection)


class Run(threading.Thread):
    """metrics_nightly in a thread of its own, with its own database connection."""

    def __init__(self):
        super().__init__(daemon=True)
        self.result = None
        self.error: BaseException | None = None
        self.pid: int | None = None

    def run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.result = metrics_nightly(as_of=AS_OF)
        except BaseException as error:  # reported to the test
            self.error = error
        finally:
            connection.close()


def gate():
    """Hold writes to the run rows: a run that has the lock stops at its "running" mark."""
    atomic = transaction.atomic()
    atomic.__enter__()
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {ComputationRun._meta.db_table} IN EXCLUSIVE MODE")
    return atomic


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_second_run_of_the_day_waits_for_the_first_then_skips_its_work(flushable):
    generate_cases(n=200, seed=11, as_of=AS_OF)
    gated = gate()
    first = Run()
    second = Run()
    try:
        first.start()
        wait_until(lambda: nightly_lock_pids(granted=True), timeout=30)
        second.start()
        wait_until(lambda: nightly_lock_pids(granted=False), timeout=30)
    finally:
        gated.__exit__(None, None, None)
    first.join(60)
    second.join(60)

    assert first.error is None and second.error is None
    assert first.result.outcome is NightlyOutcome.COMPUTED
    assert second.result.outcome is NightlyOutcome.SKIPPED
    assert all_done()
    assert ComputationRun.objects.filter(as_of=AS_OF).count() == len(ALL_PERIODS)
    assert differences(stored(), clean_run()) == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_second_run_computes_when_the_first_loses_its_connection_while_it_waits(flushable):
    generate_cases(n=200, seed=12, as_of=AS_OF)
    gated = gate()
    first = Run()
    second = Run()
    try:
        first.start()
        wait_until(lambda: nightly_lock_pids(granted=True), timeout=30)
        second.start()
        wait_until(lambda: nightly_lock_pids(granted=False), timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [first.pid])
        # PostgreSQL released the dead session's lock: the waiting run has it now.
        wait_until(lambda: nightly_lock_pids(granted=True) == [second.pid], timeout=30)
    finally:
        gated.__exit__(None, None, None)
    first.join(60)
    second.join(60)

    assert isinstance(first.error, OperationalError)  # what compute_nightly retries on
    assert second.error is None
    assert second.result.outcome is NightlyOutcome.COMPUTED
    assert all_done()
    assert differences(stored(), clean_run()) == {}
