"""A bounded number of deliveries for every Celery task.

With acks_late + reject_on_worker_lost a task whose worker dies (out of memory, kill -9, a
file that crashes a parser) is delivered again, and would kill the next worker too, forever.
So each start of a task id is counted in Redis before its body runs and the count is removed
once the body returns or raises (success, failure, retry alike): only starts that never
finished remain. A task id started more than COURTDASH_TASK_MAX_STARTS times is not run again:
it fails (TaskStartedTooOften, acknowledged like any failure), with an error in the log and an
event in the audit trail (object_type "celery.task"), where the office sees it.

A task that counts its own starts on a row the page shows (cases.tasks.run_upload, on its
upload's note) sets `counts_own_starts` (CELERY_TASK_ANNOTATIONS): its own count ends it
failed first, this one is only the backstop, one start later.
"""

from __future__ import annotations

import logging

from celery.contrib.django.task import DjangoTask
from django.conf import settings

from courtdash.embedded import redis_py_url

logger = logging.getLogger(__name__)

KEY_PREFIX = "courtdash:task-starts:"
AUDIT_OBJECT_TYPE = "celery.task"

_client = None


class TaskStartedTooOften(Exception):
    """A task whose worker died at each of its last starts; it is not run again."""


def redis_client():
    """A redis-py client of the broker (kombu's redis+socket:// is redis-py's unix://)."""
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(
            redis_py_url(settings.CELERY_BROKER_URL), socket_timeout=10, socket_connect_timeout=10
        )
    return _client


def key_expiry() -> int:
    """Longer than the visibility timeout, after which an unacknowledged task is redelivered:
    the count of a task that is still being redelivered never expires in between."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return int(visibility) * 2 + 3600


def start_count(task_id: str, client=None) -> int | None:
    """Count one start of a task id; the count so far, or None if Redis did not answer (the
    task then runs: the bound is a safeguard, not a reason to stop the work)."""
    client = client or redis_client()
    key = KEY_PREFIX + task_id
    try:
        pipe = client.pipeline()
        pipe.incr(key)
        pipe.expire(key, key_expiry())
        starts, _ = pipe.execute()
    except Exception:
        logger.warning("task %s: its start could not be counted", task_id, exc_info=True)
        return None
    return int(starts)


def start_finished(task_id: str, client=None) -> None:
    """The body returned or raised: this start is not one that killed its worker."""
    client = client or redis_client()
    try:
        client.delete(KEY_PREFIX + task_id)
    except Exception:  # the key expires on its own
        logger.warning("task %s: its start count could not be removed", task_id, exc_info=True)


def max_starts(task) -> int:
    limit = settings.COURTDASH_TASK_MAX_STARTS
    return limit + 1 if getattr(task, "counts_own_starts", False) else limit


def too_many_starts_record(*, task_name: str, task_id: str, starts: int) -> None:
    """Failed and visible: an error in the log, an event in the audit trail."""
    logger.error(
        "task %s [%s] was started %s times without finishing (its worker died each time); "
        "it is not run again",
        task_name,
        task_id,
        starts,
    )
    try:
        from cases.choices import AuditAction
        from cases.services import audit_record

        audit_record(
            action=AuditAction.CHANGE,
            object_type=AUDIT_OBJECT_TYPE,
            object_id=task_id,
            detail={
                "task": task_name,
                "id": task_id,
                "starts": starts,
                "status": "failed",
                "reason": "started too often without finishing",
            },
        )
    except Exception:  # the log line above stays
        logger.exception("task %s [%s]: the audit event could not be written", task_name, task_id)


class CountedTask(DjangoTask):
    """The app's default task class (courtdash.celery): every start on a worker is counted."""

    counts_own_starts = False

    def __call__(self, *args, **kwargs):
        request = self.request
        task_id = request.id
        if not task_id or request.is_eager or request.called_directly:
            return super().__call__(*args, **kwargs)
        starts = start_count(task_id)
        if starts is not None and starts > max_starts(self):
            too_many_starts_record(task_name=self.name, task_id=task_id, starts=starts - 1)
            start_finished(task_id)
            raise TaskStartedTooOften(
                f"{self.name} [{task_id}] started {starts - 1} times without finishing"
            )
        try:
            return super().__call__(*args, **kwargs)
        finally:
            start_finished(task_id)
