"""cases.runs: a run row marked running, then done in the results' transaction or failed; the
health check as the subject (the nightly's own cases are in tests/metrics/test_nightly.py: wait,
then skip; a killed run; a lost connection)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection

from cases.runs import RunStatus
from reports.models import Finding, HealthCheckRun
from reports.services.healthcheck import health_check_run
from tests.reports.generate import AS_OF, health_city

pytestmark = pytest.mark.django_db


def refuse_findings() -> None:
    """A real refusal of the database: no finding may be written (any more)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
        cursor.execute(
            f"ALTER TABLE {Finding._meta.db_table} "
            "ADD CONSTRAINT test_refuse_findings CHECK (false) NOT VALID"
        )


def test_a_failed_run_is_marked_failed_and_leaves_the_previous_results():
    health_city(plant=("stalled_long_pending",))
    first = health_check_run(as_of=AS_OF)
    assert first.status == RunStatus.DONE and first.findings >= 1
    kept = set(Finding.objects.values_list("pk", "kind", "value"))

    refuse_findings()
    with pytest.raises(IntegrityError):
        health_check_run(as_of=AS_OF)

    run = HealthCheckRun.objects.get(as_of=AS_OF)
    assert run.status == RunStatus.FAILED
    assert "test_refuse_findings" in run.error
    assert run.started_at > first.started_at and run.finished_at >= run.started_at
    assert run.findings == first.findings  # the counts of the last run that finished
    assert set(Finding.objects.values_list("pk", "kind", "value")) == kept


def test_one_status_for_every_run_row():
    from metrics.models import ComputationRun
    from reports.models import PipelineStep

    for model in (ComputationRun, HealthCheckRun, PipelineStep):
        assert model._meta.get_field("status").choices == RunStatus.choices
    assert RunStatus.values == ["running", "done", "failed"]  # stored: never renamed
