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


def run_upload_enqueue(upload: uploads.Upload, kind: str) -> bool:
    """Queue the upload's preview or import and hand it to the worker. With the broker out of
    reach (Redis stopped, after Celery's own publish retries) the run is failed at once with why,
    and its file kept: the upload's page says so and offers the retry (nothing lost, no 500)."""
    upload.job_queue(kind)
    try:
        run_upload.delay(upload.token)
    except Exception:  # kombu's OperationalError, a socket error: whatever kept it from going
        logger.exception("upload %s: the run could not be handed to the worker", upload.token)
        upload.job_update(
            status=uploads.JobStatus.FAILED,
            error=_(
                "后台任务队列暂时无法连接，本次未开始处理，也未写入任何数据。文件已保留，请稍后重试。"
            ),
            retryable=True,
        )
        return False
    return True
