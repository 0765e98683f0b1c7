"""Celery entry points of the nightly pipeline (courtdash.pipeline): primitive arguments in, one
call. Discovered by courtdash.celery (courtdash is no installed app)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from courtdash import pipeline

# A lost database connection (a restart, a failover) is worth another try: every step is
# idempotent. 30 s (COURTDASH_TASK_RETRY_BACKOFF), 60 s, … at most 10 min apart, five times; a
# step that still fails ends the chain. Each step's time limits are set on its signature
# (courtdash.pipeline.STEPS); these are the longest step's.
RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": settings.COURTDASH_TASK_RETRY_BACKOFF,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=55 * 60,
             time_limit=60 * 60, **RETRY)  # fmt: skip
def pipeline_step(step: str, as_of: str) -> dict:
    """One step of the nightly pipeline for the day `as_of` (ISO), recorded in its row."""
    return pipeline.step_run(step=step, as_of=datetime.date.fromisoformat(as_of))


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=120)
def nightly_pipeline(as_of: str | None = None, queue: str | None = None) -> str:
    """Beat's entry (00:30): send the chain of the night's steps for yesterday (or `as_of`, ISO),
    on the default queue (or `queue`). Sent twice (a redelivery), each step of the second chain
    runs again (idempotent), or, if the first chain's is running meanwhile, waits and skips."""
    day = datetime.date.fromisoformat(as_of) if as_of else pipeline.pipeline_as_of()
    pipeline.pipeline_chain(as_of=day, queue=queue).apply_async()
    return day.isoformat()
