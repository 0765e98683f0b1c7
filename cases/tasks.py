"""Celery entry points of the cases app: primitive arguments in, one service call."""

from __future__ import annotations

import logging
from dataclasses import asdict

from celery import shared_task
from django.utils.translation import gettext as _

from cases.importing import uploads

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=540)
def purge_uploads() -> dict:
    """Remove the import page's uploads past their keeping time (idempotent)."""
    return asdict(uploads.uploads_purge())


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=3600, soft_time_limit=3540)
def run_upload(token: str) -> str:
    """The preview or the import of a file uploaded on the import page (idempotent: a killed
    run is rolled back whole and runs again; a done one is not repeated). Every failure ends
    the upload's run *failed*, with why, and its file kept for a retry (upload_run catches what
    the run raises; this catches the rest); a run whose worker died at every one of
    COURTDASH_TASK_MAX_STARTS starts is failed instead of started again (Upload.job_start)."""
    try:
        return uploads.upload_run(token=token)
    except Exception:
        logger.exception("upload %s: the run could not be done", token)
        upload = uploads.Upload.of_token(token)
        if upload is not None and upload.busy:
            upload.job_update(
                status=uploads.JobStatus.FAILED,
                error=_("处理时发生意外错误，本次未写入任何数据。文件已保留，可以重试。"),
                retryable=True,
            )
        return uploads.JobStatus.FAILED
