"""Celery entry points of the reports app: primitive arguments in, one service call.

- generate_monthly_reports: on the 1st of each month (beat, CELERY_BEAT_SCHEDULE), last month's
  reviews of the city and every court, kept; reports already kept are left as they are, so a
  redelivered or repeated run only makes what is missing.
- run_health_check: the case health check as of yesterday (or a day), by hand; every night it is
  a step of the pipeline (courtdash.pipeline), after the metrics and the abnormality detection.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from cases.dates import today
from reports.periods import previous_month
from reports.services.healthcheck import health_check_as_of, health_check_run
from reports.services.monthly import monthly_reports_generate

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=50 * 60,
             time_limit=55 * 60, **RETRY)  # fmt: skip
def generate_monthly_reports(month: str | None = None) -> list[dict]:
    """Last month's (or `month`'s, YYYY-MM-DD of any day in it) reviews, generated and kept."""
    day = datetime.date.fromisoformat(month) if month else previous_month(today())
    return monthly_reports_generate(month=day.replace(day=1))


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=25 * 60,
             time_limit=30 * 60, **RETRY)  # fmt: skip
def run_health_check(as_of: str | None = None) -> dict:
    day = datetime.date.fromisoformat(as_of) if as_of else health_check_as_of()
    run = health_check_run(as_of=day)
    return {"as_of": run.as_of.isoformat(), "findings": run.findings}


logger = logging.getLogger("courtdash.reports")


def generate_monthly_reports_enqueue(*, month: datetime.date) -> bool:
    """From a request: hand the month to the worker once the request's writes are committed
    (at once outside a transaction, as a page's POST is). False when the broker is out of reach
    (Redis stopped, after Celery's own publish retries): the page says so, nothing is lost."""
    try:
        generate_monthly_reports.delay_on_commit(month.isoformat())
    except Exception:  # kombu's OperationalError, a socket error: whatever kept it from going
        logger.exception("monthly reviews of %s: not handed to the worker", month)
        return False
    return True
