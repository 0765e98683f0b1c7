"""Run rows: the one RunStatus, and the one way a piece of work records its runs and locks out a
concurrent run of the same key.

`RecordedRun(model, keys=…, lock=…).execute(work)` is what the nightly metrics
(metrics.computation.nightly), the case health check (reports.services.healthcheck) and each step
of the nightly pipeline (courtdash.pipeline) do:

1. **Lock: wait, then skip if done.** A session advisory lock (pg_advisory_lock(a, b)) serialises
   runs of the same key. A run that finds it held *waits* (at most `wait_seconds`, then
   RunLockTimeout). If, when it gets the lock, every row of the run has been marked done since it
   began waiting, the other run did the work: this one *skips* (RunOutcome.SKIPPED). Otherwise —
   the other failed, or died: PostgreSQL releases a session lock when the connection closes —
   this one works. Why wait rather than skip at once: a task redelivered after its worker was
   killed (acks_late and the broker's visibility timeout) can find the dead worker's session
   still holding the lock for a moment; skipping then would lose the work.
2. **"running"**, committed before the work (the office sees a run in progress; one statement,
   upserting the rows by their unique key, so a run killed halfway leaves them "running" until
   the next run of that key overwrites them).
3. **"done" in the same transaction as the results** (`atomic=True`, the default: the work runs
   inside that transaction, so a killed run leaves the previous results and its rows "running").
   A pipeline step whose services commit on their own (reminders are claimed and sent one by
   one) runs with `atomic=False`: "done" is then written once the work has returned.
4. **"failed"** if the work raises — only if the rows are still this run's (status running, the
   same started_at): a run that lost its connection (and so its lock) may only say so after
   another run has taken over, and must not overwrite that one's rows.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db import DatabaseError, OperationalError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# How long a second run waits for the first (below the nightly task's soft time limit).
LOCK_WAIT_SECONDS = 45 * 60
LOCK_NOT_AVAILABLE = "55P03"
ERROR_CHARS = 2000


class RunStatus(models.TextChoices):
    """The status of every run row (metrics.ComputationRun, reports.HealthCheckRun,
    reports.PipelineStep). The values are stored and literal in the migrations' choices."""

    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class RunOutcome(StrEnum):
    WORKED = "worked"
    SKIPPED = "skipped"  # a concurrent run of the same key did the work meanwhile


class RunLockTimeout(RuntimeError):
    """Another run of the same key held the lock for longer than the wait allowed."""


@dataclass
class RecordedRun:
    """The run rows of one piece of work (one row per key: `keys` are the unique lookups of the
    rows, e.g. [{"as_of": day, "period": "ytd"}, …]), guarded by the advisory lock `lock`
    (two 32-bit integers: the kind of work, and the key within it, e.g. the day's ordinal)."""

    model: type[models.Model]
    keys: Sequence[dict]
    lock: tuple[int, int]
    name: str = ""  # for the log
    wait_seconds: int = LOCK_WAIT_SECONDS
    atomic: bool = True

    def execute(
        self, work: Callable[[], dict | None], *, running: dict | None = None
    ) -> RunOutcome:
        """Run `work` under the lock, its rows marked running, then done with the fields it
        returns (e.g. {"findings": 3}), or failed. `running`: other fields of the rows (their
        non-null columns) written with the "running" mark."""
        name = self.name or self.model._meta.label
        finished_before = self.done_marks()
        waited = not self._lock_try()
        if waited:
            logger.info("%s: another run holds the lock, waiting", name)
            self._lock_wait()
        try:
            if waited and self._finished_since(finished_before):
                logger.info("%s: done by a concurrent run, skipped", name)
                return RunOutcome.SKIPPED
            self._work(work, running or {})
            return RunOutcome.WORKED
        finally:
            self._lock_release()

    def rows(self) -> models.QuerySet:
        query = models.Q()
        for key in self.keys:
            query |= models.Q(**key)
        return self.model.objects.filter(query)

    def done_marks(self) -> dict[tuple, datetime.datetime]:
        """When each row was last marked done, by key."""
        names = list(self.keys[0])
        return {
            tuple(row[:-1]): row[-1]
            for row in self.rows().filter(status=RunStatus.DONE).values_list(*names, "finished_at")
        }

    def _finished_since(self, before: dict[tuple, datetime.datetime]) -> bool:
        now = self.done_marks()
        wanted = [tuple(key.values()) for key in self.keys]
        return all(key in now and now[key] != before.get(key) for key in wanted)

    def _mark(self, **fields) -> None:
        """Upsert the rows (one statement); fields not given keep the last run's values."""
        self.model.objects.bulk_create(
            [self.model(**key, **fields) for key in self.keys],
            update_conflicts=True,
            unique_fields=list(self.keys[0]),
            update_fields=list(fields),
        )

    def _work(self, work: Callable[[], dict | None], running: dict) -> None:
        started_at = timezone.now()
        self._mark(
            status=RunStatus.RUNNING, started_at=started_at, finished_at=None, error="", **running
        )
        try:
            if self.atomic:
                with transaction.atomic():
                    self._done(work() or {})
            else:
                self._done(work() or {})
        except Exception as error:
            self._mark_failed(started_at=started_at, error=error)
            raise

    def _done(self, fields: dict) -> None:
        # Ours while we hold the lock (the work may have upserted them itself, with counts).
        self.rows().update(status=RunStatus.DONE, finished_at=timezone.now(), error="", **fields)

    def _mark_failed(self, *, started_at: datetime.datetime, error: BaseException) -> None:
        for attempt in (1, 2):
            try:
                self.rows().filter(status=RunStatus.RUNNING, started_at=started_at).update(
                    status=RunStatus.FAILED,
                    finished_at=timezone.now(),
                    error=repr(error)[:ERROR_CHARS],
                )
                return
            except DatabaseError:
                if attempt == 2 or connection.in_atomic_block:
                    break
                connection.close()  # the next query reconnects
        logger.exception("%s: could not mark the run failed", self.name or self.model._meta.label)

    # The advisory lock (a session lock: it outlives the transactions of the work)

    def _lock_try(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", list(self.lock))
            return cursor.fetchone()[0]

    def _lock_wait(self) -> None:
        # lock_timeout bounds the wait (a blocked call cannot be interrupted by a task's soft
        # time limit); SET LOCAL ends with the transaction around it.
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{int(self.wait_seconds)}s'")
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", list(self.lock))
        except OperationalError as error:
            if getattr(error.__cause__, "pgcode", None) == LOCK_NOT_AVAILABLE:
                raise RunLockTimeout(
                    f"{self.name or self.model._meta.label}: another run held the lock for "
                    f"{self.wait_seconds} s"
                ) from error
            raise

    def _lock_release(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", list(self.lock))
        except DatabaseError:
            # A session that cannot unlock must not be reused (CONN_MAX_AGE) still holding the
            # lock: closing it releases the lock.
            logger.warning("%s: could not unlock, closing the connection", self.name)
            if not connection.in_atomic_block:
                connection.close()
