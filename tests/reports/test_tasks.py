"""The reports' Celery jobs through the real broker and a real worker, and their beat entries."""

import pytest
from celery.schedules import crontab
from django.conf import settings

from reports.choices import DocumentKind, PipelineStepKind
from reports.models import HealthCheckRun, MonthlyReport, ReportDocument
from reports.tasks import generate_monthly_reports, run_health_check
from tests.reports.conftest import MONTH, build_city
from tests.worker import Worker, wait_until

in_a_worker = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def worker(tmp_path, queue):
    # A worker is not under pytest: it serves static files by name only when told to (no
    # collectstatic manifest in a test checkout).
    started = Worker(
        queue=queue, log_path=tmp_path / "worker.log", extra_env={"DJANGO_STATIC_MANIFEST": "0"}
    )
    yield started.start()
    if started.process is not None and started.process.poll() is None:
        started.stop()


@pytest.mark.worker
@in_a_worker
def test_the_monthly_job_keeps_last_months_reviews_and_a_second_run_changes_nothing(
    flushable, queue, worker
):
    build_city(n=300)
    generate_monthly_reports.apply_async(args=[MONTH.isoformat()], queue=queue)
    wait_until(
        lambda: ReportDocument.objects.count() == 10,  # the city and four courts, two files each
        timeout=240,
        message=worker.log_path.read_text()[-3000:],
    )
    kept = {row.pk: row.generated_at for row in MonthlyReport.objects.all()}
    hashes = set(ReportDocument.objects.values_list("sha256", flat=True))
    assert {row.kind for row in ReportDocument.objects.all()} == set(DocumentKind.values)
    assert HealthCheckRun.objects.filter(as_of="2025-05-31").exists()

    # A second run (a redelivery, a manual repeat) finds them kept and leaves them be.
    result = generate_monthly_reports.apply_async(args=[MONTH.isoformat()], queue=queue)
    wait_until(lambda: f"[{result.id}] succeeded" in worker.log_path.read_text(), timeout=120)
    assert {row.pk: row.generated_at for row in MonthlyReport.objects.all()} == kept
    assert set(ReportDocument.objects.values_list("sha256", flat=True)) == hashes


@pytest.mark.worker
@in_a_worker
def test_the_nightly_health_check_runs_as_of_yesterday(flushable, queue, worker):
    build_city(n=200)
    run_health_check.apply_async(queue=queue)
    wait_until(
        lambda: HealthCheckRun.objects.filter(as_of="2025-06-29", status="done").exists(),
        timeout=120,
        message=worker.log_path.read_text()[-3000:],
    )


def test_beat_runs_the_review_on_the_first_of_the_month_and_the_check_every_night():
    review = settings.CELERY_BEAT_SCHEDULE["reports-monthly-review"]
    assert review["task"] == "reports.tasks.generate_monthly_reports"
    assert review["schedule"] == crontab(day_of_month=1, hour=6, minute=0)
    # The check is a step of the nightly pipeline (tests/courtdash/test_pipeline.py).
    night = settings.CELERY_BEAT_SCHEDULE["courtdash-nightly-pipeline"]
    assert night["schedule"] == crontab(hour=0, minute=30)
    assert "health_check" in PipelineStepKind.values
