"""Celery entry points of the cases app: primitive arguments in, one service call."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from cases.importing import uploads


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=540)
def purge_uploads() -> dict:
    """Remove the import page's uploads past their keeping time (idempotent)."""
    return asdict(uploads.uploads_purge())


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=3600, soft_time_limit=3540)
def run_upload(token: str) -> str:
    """The preview or the import of a file uploaded on the import page (idempotent: a killed
    run is rolled back whole and runs again; a done one is not repeated)."""
    return uploads.upload_run(token=token)
