"""The nightly computation: yesterday's YTD, QTD and MTD for every scope, then scores and rankings.

Entry point `metrics_nightly(as_of=…)`, run by the Celery task metrics.tasks.compute_nightly
(beat: 00:30 Asia/Shanghai, CELERY_BEAT_SCHEDULE). Safe to run twice, at once, or again after
being killed:

- **Run rows.** One ComputationRun per (as_of, period), unique. They are marked "running" before
  the work (committed, so the office sees a run in progress), "done" in the very transaction
  that stores the results, and "failed" if the run raises (unless another run has taken
  over meanwhile). A run killed halfway leaves them "running" until the next run of that day
  overwrites them.
- **One transaction.** metrics_compute deletes the day's results for the three periods and
  stores the new ones, scores and rankings included, in one transaction: a killed run leaves
  the previous results untouched, and the next run leaves exactly the result of a clean run.
- **One run per day at a time: wait, then skip if done.** A session advisory lock per as_of
  (pg_advisory_lock(NIGHTLY_LOCK, day)) serialises runs of the same day. A second run that
  finds the lock held *waits* for it. If, when it gets the lock, every period of the day has
  been marked done since it began waiting, the first run did the work: the second *skips*
  (no duplicate work, one result). Otherwise — the first failed, or died: PostgreSQL releases
  a session lock when the connection closes — the second computes.
  Why wait rather than skip at once: a task redelivered after its worker was killed (acks_late
  and the broker's visibility timeout) can find the dead worker's database session still
  holding the lock for a moment, until PostgreSQL notices the closed connection; skipping then
  would lose the night's computation.

Fault injection: COURTDASH_NIGHTLY_PAUSE (seconds; read from the process environment only,
never a setting, and off when unset) sleeps after the results are written and the runs marked,
before the transaction commits — the widest window in which a killed worker must leave no
trace. The kill test of tests/metrics/test_nightly.py uses it; never set it in production.
"""

from __future__ import annotations

import datetime
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db import DatabaseError, OperationalError, connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from cases.dates import today
from metrics.choices import RunStatus
from metrics.engine import metrics_compute
from metrics.models import ComputationRun
from metrics.periods import ALL_PERIODS, ONE_DAY

logger = logging.getLogger(__name__)

# pg_advisory_lock(NIGHTLY_LOCK, as_of.toordinal()) ("nigh"): one nightly run per day at a time.
# The two-key form lives apart from the engine's one-key METRICS_LOCK.
NIGHTLY_LOCK = 0x6E696768
# How long a second run waits for the first; below the task's soft time limit.
LOCK_WAIT_SECONDS = 45 * 60
PAUSE_ENV = "COURTDASH_NIGHTLY_PAUSE"
LOCK_NOT_AVAILABLE = "55P03"


# Sent after a run has computed and committed a day (not when it skipped: the run that did the
# work sent it), with as_of and periods. Listeners (supervision's abnormality detection) run in
# the nightly's worker; one that raises is logged and does not fail the computation.
nightly_computed = Signal()


class NightlyOutcome(StrEnum):
    COMPUTED = "computed"
    SKIPPED = "skipped"  # a concurrent run of the same day did the work meanwhile


class NightlyLockTimeout(RuntimeError):
    """Another run of the same day held the lock for longer than LOCK_WAIT_SECONDS."""


@dataclass(frozen=True)
class NightlyResult:
    as_of: datetime.date
    outcome: NightlyOutcome
    runs: list[ComputationRun]

    def as_dict(self) -> dict:
        """JSON primitives, for the task's return value and the worker's log."""
        return {
            "as_of": self.as_of.isoformat(),
            "outcome": str(self.outcome),
            "runs": [
                {
                    "period": run.period,
                    "status": run.status,
                    "cases": run.cases,
                    "scopes": run.scopes,
                    "values": run.values,
                }
                for run in self.runs
            ],
        }


def nightly_as_of() -> datetime.date:
    """The day a nightly run computes: yesterday (the app's today, Asia/Shanghai)."""
    return today() - ONE_DAY


def metrics_nightly(
    *, as_of: datetime.date | None = None, periods: Sequence[str] = ALL_PERIODS
) -> NightlyResult:
    """Compute every indicator for every scope, with scores and rankings, for each period as of
    `as_of` (default: yesterday), unless a concurrent run of the same day just did."""
    as_of = as_of or nightly_as_of()
    periods = list(dict.fromkeys(periods))
    finished_before = _done_marks(as_of=as_of, periods=periods)
    waited = not _lock_try(as_of)
    if waited:
        logger.info("nightly metrics %s: another run holds the lock, waiting", as_of)
        _lock_wait(as_of)
    try:
        if waited and _finished_since(as_of=as_of, periods=periods, before=finished_before):
            logger.info("nightly metrics %s: computed by a concurrent run, skipped", as_of)
            return NightlyResult(as_of, NightlyOutcome.SKIPPED, _runs(as_of, periods))
        _compute(as_of=as_of, periods=periods)
        _announce(as_of=as_of, periods=periods)
        return NightlyResult(as_of, NightlyOutcome.COMPUTED, _runs(as_of, periods))
    finally:
        _lock_release(as_of)


def _announce(*, as_of: datetime.date, periods: Sequence[str]) -> None:
    # send_robust logs a listener's error (django.dispatch) and carries on.
    nightly_computed.send_robust(sender=NightlyResult, as_of=as_of, periods=list(periods))


def _runs(as_of: datetime.date, periods: Sequence[str]) -> list[ComputationRun]:
    return list(ComputationRun.objects.filter(as_of=as_of, period__in=periods))


def _done_marks(*, as_of: datetime.date, periods: Sequence[str]) -> dict[str, datetime.datetime]:
    """When each period of the day was last marked done."""
    return dict(
        ComputationRun.objects.filter(
            as_of=as_of, period__in=periods, status=RunStatus.DONE
        ).values_list("period", "finished_at")
    )


def _finished_since(
    *, as_of: datetime.date, periods: Sequence[str], before: dict[str, datetime.datetime]
) -> bool:
    now = _done_marks(as_of=as_of, periods=periods)
    return all(kind in now and now[kind] != before.get(kind) for kind in periods)


def _lock_key(as_of: datetime.date) -> list[int]:
    return [NIGHTLY_LOCK, as_of.toordinal()]


def _lock_try(as_of: datetime.date) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", _lock_key(as_of))
        return cursor.fetchone()[0]


def _lock_wait(as_of: datetime.date) -> None:
    # A session lock taken inside a transaction outlives it; lock_timeout bounds the wait
    # (a blocked call cannot be interrupted by the task's soft time limit).
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{int(LOCK_WAIT_SECONDS)}s'")
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", _lock_key(as_of))
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) == LOCK_NOT_AVAILABLE:
            raise NightlyLockTimeout(
                f"another nightly run of {as_of} held the lock for {LOCK_WAIT_SECONDS} s"
            ) from error
        raise


def _lock_release(as_of: datetime.date) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _lock_key(as_of))
    except DatabaseError:
        # A session that cannot unlock must not be reused (CONN_MAX_AGE) still holding the
        # lock: closing it releases the lock.
        logger.warning("nightly metrics %s: could not unlock, closing the connection", as_of)
        if not connection.in_atomic_block:
            connection.close()


def _runs_mark(*, as_of: datetime.date, periods: Sequence[str], **fields) -> None:
    """Upsert the day's run rows (one statement); their counts stay those of the last run."""
    ComputationRun.objects.bulk_create(
        [ComputationRun(as_of=as_of, period=kind, **fields) for kind in periods],
        update_conflicts=True,
        unique_fields=["as_of", "period"],
        update_fields=list(fields),
    )


def _runs_mark_failed(
    *, as_of: datetime.date, periods: Sequence[str], started_at: datetime.datetime, error
) -> None:
    """Mark this run's rows failed — only if they are still this run's: a run that lost its
    connection (and so its lock) may only say so after another run has taken over."""
    for attempt in (1, 2):
        try:
            ComputationRun.objects.filter(
                as_of=as_of, period__in=periods, status=RunStatus.RUNNING, started_at=started_at
            ).update(status=RunStatus.FAILED, finished_at=timezone.now(), error=repr(error)[:2000])
            return
        except DatabaseError:
            if attempt == 2 or connection.in_atomic_block:
                break
            connection.close()  # the next query reconnects
    logger.exception("nightly metrics %s: could not mark the runs failed", as_of)


def _compute(*, as_of: datetime.date, periods: Sequence[str]) -> None:
    started_at = timezone.now()
    _runs_mark(
        as_of=as_of,
        periods=periods,
        status=RunStatus.RUNNING,
        started_at=started_at,
        finished_at=None,
        error="",
    )
    try:
        with transaction.atomic():
            # Inside our transaction metrics_compute leaves the running and failed marks to us:
            # it deletes and stores the results and marks the runs done, all committed below.
            metrics_compute(as_of=as_of, periods=periods)
            _fault_injection_pause()
    except Exception as error:
        _runs_mark_failed(as_of=as_of, periods=periods, started_at=started_at, error=error)
        raise
    logger.info("nightly metrics %s computed: %s", as_of, ", ".join(periods))


def _fault_injection_pause() -> None:
    """COURTDASH_NIGHTLY_PAUSE seconds of sleep before the commit (see the module docstring)."""
    seconds = float(os.environ.get(PAUSE_ENV) or 0)
    if seconds > 0:
        logger.warning("fault injection: %s=%s, pausing before the commit", PAUSE_ENV, seconds)
        time.sleep(seconds)
