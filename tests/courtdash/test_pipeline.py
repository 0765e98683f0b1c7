"""The nightly pipeline (courtdash.pipeline): one chain, in order, on a real worker; a re-run
stores the same rows; a failed step stops the chain and its runs say so; the retention policy."""

from __future__ import annotations

import datetime
import itertools

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection

from cases.runs import RunStatus
from courtdash import pipeline
from courtdash.celery import app
from courtdash.tasks import nightly_pipeline, pipeline_step
from metrics.computation.retention import daily_history_cutoff, daily_history_prune, month_ends
from metrics.definitions.periods import ALL_PERIODS
from metrics.models import ComputationRun, IndicatorValue, PendingAgeProfile, ScopeScore
from metrics.services import metrics_compute
from reports.choices import PipelineStepKind
from reports.models import Finding, HealthCheckRun, PipelineStep
from tests.metrics.generate import generate_cases
from tests.metrics.test_nightly import differences, stored
from tests.worker import wait_until

AS_OF = datetime.date(2025, 6, 29)  # yesterday: COURTDASH_TODAY is 2025-06-30 in tests
STEPS = [step.kind.value for step in pipeline.STEPS]


def step_statuses(as_of: datetime.date = AS_OF) -> dict[str, str]:
    return dict(PipelineStep.objects.filter(as_of=as_of).values_list("step", "status"))


def findings() -> set[tuple]:
    return set(
        Finding.objects.values_list(
            "run__as_of", "kind", "scope", "court_id", "division_id", "judge_id", "subject",
            "value", "case_count",
        )
    )  # fmt: skip


# The schedule and the chain


def test_beat_starts_the_pipeline_once_a_night_and_the_reminders_every_half_hour():
    schedule = app.conf.beat_schedule  # what `celery beat` reads
    entry = schedule["courtdash-nightly-pipeline"]
    assert entry["task"] == nightly_pipeline.name == "courtdash.tasks.nightly_pipeline"
    assert entry["schedule"] == crontab(hour=0, minute=30)
    assert app.conf.timezone == "Asia/Shanghai"
    assert {nightly_pipeline.name, pipeline_step.name} <= set(app.tasks)
    # No clock slot of its own for what the pipeline does.
    tasks = {entry["task"] for entry in schedule.values()}
    assert not tasks & {
        "metrics.tasks.compute_nightly",
        "reports.tasks.run_health_check",
        "supervision.tasks.open_reversal_reviews",
        "supervision.tasks.suggest_four_type_cases",
        "supervision.tasks.check_effects",
        "supervision.tasks.detect_abnormalities",
    }
    assert schedule["supervision-send-due-reminders"]["schedule"] == 30 * 60


def test_the_chain_is_every_step_in_order_each_taking_the_day():
    canvas = pipeline.pipeline_chain(as_of=AS_OF, queue="night")
    assert [task.args for task in canvas.tasks] == [(step, "2025-06-29") for step in STEPS]
    assert all(task.immutable for task in canvas.tasks)  # no step gets the previous result
    assert {task.options["queue"] for task in canvas.tasks} == {"night"}
    assert STEPS[:3] == ["indicators", "abnormalities", "health_check"]
    assert STEPS[-2:] == ["reminders", "retention"]
    assert STEPS == list(PipelineStepKind.values)
    limits = [task.options["time_limit"] for task in canvas.tasks]
    assert all(
        limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] for limit in limits
    )


def test_a_step_is_acknowledged_late_and_retried_on_a_lost_database_connection():
    assert pipeline_step.acks_late is True and pipeline_step.reject_on_worker_lost is True
    assert set(pipeline_step.autoretry_for) == {OperationalError, InterfaceError}
    assert pipeline_step.max_retries == 5 and pipeline_step.retry_backoff


# In process


@pytest.mark.django_db
def test_the_pipeline_run_again_stores_the_same_rows():
    generate_cases(n=200, seed=31, as_of=AS_OF)
    pipeline.pipeline_chain(as_of=AS_OF).apply().get()
    assert step_statuses() == dict.fromkeys(STEPS, RunStatus.DONE)
    first = stored(AS_OF)
    first_findings = findings()
    first_steps = dict(PipelineStep.objects.values_list("step", "started_at"))
    assert len(first["values"]) > 100

    pipeline.pipeline_chain(as_of=AS_OF).apply().get()

    assert step_statuses() == dict.fromkeys(STEPS, RunStatus.DONE)
    again = dict(PipelineStep.objects.values_list("step", "started_at"))
    assert all(again[step] > first_steps[step] for step in STEPS)  # each step ran again
    assert differences(stored(AS_OF), first) == {}
    assert findings() == first_findings
    assert PipelineStep.objects.count() == len(STEPS)
    assert ComputationRun.objects.filter(as_of=AS_OF, status=RunStatus.DONE).count() == 3
    assert HealthCheckRun.objects.get(as_of=AS_OF).status == RunStatus.DONE


@pytest.mark.django_db
def test_a_step_records_what_it_did():
    generate_cases(n=50, seed=32, as_of=AS_OF)
    result = pipeline.step_run(step="indicators", as_of=AS_OF)
    assert result["outcome"] == "worked" and result["step"] == "indicators"
    row = PipelineStep.objects.get(as_of=AS_OF, step="indicators")
    assert row.status == RunStatus.DONE and row.finished_at >= row.started_at
    assert {run["period"] for run in row.result["runs"]} == set(ALL_PERIODS)


# On a real worker


def fail_on_insert(table: str):
    """A real failure of the database: every insert into `table` raises (a trigger)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION test_pipeline_refuse() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'test: no space left on device'; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER test_pipeline_refuse BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION test_pipeline_refuse()"
        )


def stop_failing(table: str):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS test_pipeline_refuse ON {table}")
        cursor.execute("DROP FUNCTION IF EXISTS test_pipeline_refuse()")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_chain_runs_its_steps_in_order_on_a_worker(flushable, queue, workers):
    generate_cases(n=300, seed=33, as_of=AS_OF)
    worker = workers(queue)

    nightly_pipeline.apply_async(kwargs={"queue": queue}, queue=queue)
    wait_until(
        lambda: step_statuses().get("retention") == RunStatus.DONE,
        timeout=180,
        message=worker.log_path.read_text()[-3000:],
    )

    assert step_statuses() == dict.fromkeys(STEPS, RunStatus.DONE)
    rows = PipelineStep.objects.filter(as_of=AS_OF).order_by("started_at")
    assert [row.step for row in rows] == STEPS
    for earlier, later in itertools.pairwise(rows):
        assert earlier.finished_at <= later.started_at  # one after the other
    assert ComputationRun.objects.filter(as_of=AS_OF, status=RunStatus.DONE).count() == 3
    assert HealthCheckRun.objects.get(as_of=AS_OF).status == RunStatus.DONE
    through_worker = stored(AS_OF)
    metrics_compute(as_of=AS_OF)
    assert differences(through_worker, stored(AS_OF)) == {}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_step_stops_the_chain_and_marks_its_run_failed(flushable, queue, workers):
    generate_cases(n=200, seed=34, as_of=AS_OF)
    table = IndicatorValue._meta.db_table
    fail_on_insert(table)
    try:
        worker = workers(queue)
        nightly_pipeline.apply_async(kwargs={"queue": queue}, queue=queue)
        wait_until(
            lambda: step_statuses().get("indicators") == RunStatus.FAILED,
            timeout=120,
            message=worker.log_path.read_text()[-3000:],
        )
        wait_until(lambda: "raised unexpected" in worker.log_path.read_text(), timeout=30)
        worker.stop()
    finally:
        stop_failing(table)

    row = PipelineStep.objects.get(as_of=AS_OF, step="indicators")
    assert "no space left on device" in row.error
    # The computation's own run rows say so too, and nothing of it is stored.
    runs = ComputationRun.objects.filter(as_of=AS_OF)
    assert set(runs.values_list("status", flat=True)) == {RunStatus.FAILED}
    assert "no space left on device" in runs.first().error
    assert not IndicatorValue.objects.filter(as_of=AS_OF).exists()
    # The later steps did not run on stale data.
    assert step_statuses() == {"indicators": RunStatus.FAILED}
    assert not HealthCheckRun.objects.exists()


# Retention


def test_the_default_policy_keeps_every_day_the_projections_read():
    from reports.projection import PAST_YEARS

    assert settings.COURTDASH_DAILY_HISTORY_YEARS == PAST_YEARS + 1


def test_the_policy_keeps_this_year_and_last_year_and_month_ends_before(settings):
    settings.COURTDASH_DAILY_HISTORY_YEARS = 2
    assert daily_history_cutoff(AS_OF) == datetime.date(2024, 1, 1)
    assert daily_history_cutoff(AS_OF, years=1) == datetime.date(2025, 1, 1)
    assert daily_history_cutoff(AS_OF, years=0) is None
    assert month_ends(datetime.date(2023, 11, 5), datetime.date(2024, 1, 1)) == [
        datetime.date(2023, 11, 30),
        datetime.date(2023, 12, 31),
    ]
    assert month_ends(datetime.date(2024, 2, 1), datetime.date(2024, 3, 1)) == [
        datetime.date(2024, 2, 29)
    ]


DAYS = [
    datetime.date(2023, 1, 31),  # a month end before the cutoff: kept
    datetime.date(2023, 2, 15),  # deleted
    datetime.date(2023, 2, 28),  # kept
    datetime.date(2023, 12, 30),  # deleted
    datetime.date(2023, 12, 31),  # kept (also a year end)
    datetime.date(2024, 1, 1),  # last year: kept
    datetime.date(2024, 7, 17),  # kept
    AS_OF,  # kept
]
KEPT = [day for day in DAYS if day not in (datetime.date(2023, 2, 15), datetime.date(2023, 12, 30))]


def days_of(model) -> list[datetime.date]:
    return sorted(set(model.objects.values_list("as_of", flat=True)))


@pytest.mark.django_db
def test_retention_deletes_exactly_the_days_the_policy_says(settings):
    settings.COURTDASH_DAILY_HISTORY_YEARS = 2
    generate_cases(n=60, seed=35, as_of=AS_OF)
    for day in DAYS:
        metrics_compute(as_of=day)
    tables = [IndicatorValue, ScopeScore, PendingAgeProfile, ComputationRun]
    before = {
        model: {day: model.objects.filter(as_of=day).count() for day in DAYS} for model in tables
    }
    assert all(before[model][day] for model in tables for day in DAYS)
    snapshot = {day: stored(day) for day in KEPT}

    deleted = daily_history_prune(as_of=AS_OF)

    for model in tables:
        assert days_of(model) == KEPT, model
        gone = (
            before[model][datetime.date(2023, 2, 15)] + before[model][datetime.date(2023, 12, 30)]
        )
        assert deleted[model._meta.label] == gone
    for day in KEPT:  # the kept days untouched
        assert differences(stored(day), snapshot[day]) == {}

    # Idempotent: nothing more to delete; and 0 years keeps everything.
    assert sum(daily_history_prune(as_of=AS_OF).values()) == 0
    settings.COURTDASH_DAILY_HISTORY_YEARS = 0
    assert daily_history_prune(as_of=datetime.date(2030, 1, 1)) == {}
    assert days_of(IndicatorValue) == KEPT


# Where the office sees it


@pytest.mark.django_db
def test_the_health_page_shows_the_nights_steps_and_where_the_chain_stopped(client, city_courts):
    from django.utils import timezone

    from cases.choices import Role
    from tests.factories import UserFactory

    now = timezone.now()
    for step, status in [
        ("indicators", RunStatus.DONE),
        ("abnormalities", RunStatus.DONE),
        ("health_check", RunStatus.FAILED),
    ]:
        PipelineStep.objects.create(
            as_of=AS_OF, step=step, status=status, started_at=now, finished_at=now, error="boom"
        )
    client.force_login(UserFactory(role=Role.OFFICE, court=city_courts["苏05"]))

    page = client.get("/reports/health/").content.decode()

    assert 'data-pipeline="failed"' in page and "数据截至 2025-06-29" in page
    assert 'data-step="indicators" data-status="done"' in page
    assert 'data-step="health_check" data-status="failed"' in page
    assert 'data-step="reminders" data-status=""' in page and "未运行" in page
    assert "boom" not in page  # the error is the admin's and the log's, not the page's
