"""Celery entry points of the metrics app: primitive arguments in, one service call."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from metrics.computation.fanout import fanout_chunks_work
from metrics.computation.nightly import metrics_nightly

# The nightly computation takes about a minute at a million cases; the hard limit leaves room
# for waiting on a concurrent run (cases.runs.LOCK_WAIT_SECONDS) and stays well below the
# broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT, 4 h by default).
NIGHTLY_SOFT_TIME_LIMIT = 55 * 60
NIGHTLY_TIME_LIMIT = 60 * 60


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=NIGHTLY_SOFT_TIME_LIMIT,
    time_limit=NIGHTLY_TIME_LIMIT,
    # A lost database connection (a restart, a failover) is worth another try; the run is
    # idempotent. 30 s (COURTDASH_TASK_RETRY_BACKOFF), 60 s, … at most 10 min apart, five times.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=settings.COURTDASH_TASK_RETRY_BACKOFF,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def compute_nightly(as_of: str | None = None) -> dict:
    """Yesterday's (or `as_of`'s, an ISO date) YTD, QTD and MTD for every scope, then scores and
    rankings; skipped if a concurrent run of the same day did it meanwhile. Every night the
    pipeline's first step does this (courtdash.pipeline); this task runs it alone, by hand."""
    day = datetime.date.fromisoformat(as_of) if as_of else None
    return metrics_nightly(as_of=day).as_dict()


def compute_nightly_enqueue(*, as_of: datetime.date | None = None) -> None:
    """Ask for a nightly computation from a request or a service: sent when the current
    transaction commits (never for data the worker cannot see yet), at once outside one."""
    compute_nightly.delay_on_commit(as_of.isoformat() if as_of else None)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=NIGHTLY_SOFT_TIME_LIMIT,
    time_limit=NIGHTLY_TIME_LIMIT,
)
def compute_fanout_chunks(run: str) -> int:
    """A worker's share of a fanned-out nightly pass (metrics.computation.fanout): chunks of courts
    claimed and staged until none is left. Safe to redeliver: a chunk is claimed and marked done in
    the transaction that stages it, and a redelivered task finds the chunks done."""
    return fanout_chunks_work(run=run)
