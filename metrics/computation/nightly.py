"""The nightly computation: yesterday's YTD, QTD and MTD for every scope, then scores and rankings.

Entry point `metrics_nightly(as_of=…)`: the first step of the nightly pipeline
(courtdash.pipeline, beat at 00:30 Asia/Shanghai), and the Celery task
metrics.tasks.compute_nightly to run it again by hand. Safe to run twice, at once, or again after
being killed — cases.runs.RecordedRun does the bookkeeping:

- **Run rows.** One ComputationRun per (as_of, period), unique. They are marked "running" before
  the work (committed, so the office sees a run in progress), "done" in the very transaction
  that stores the results, and "failed" if the run raises (unless another run has taken
  over meanwhile). A run killed halfway leaves them "running" until the next run of that day
  overwrites them.
- **One transaction.** metrics_compute deletes the day's results for the three periods and
  stores the new ones, scores and rankings included, in one transaction: a killed run leaves
  the previous results untouched, and the next run leaves exactly the result of a clean run.
  With COURTDASH_NIGHTLY_FANOUT_CHUNK set, metrics.computation.fanout computes the courts' base
  rows on the workers first and stores them the same way (one call here: metrics_fanout).
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

What follows the computation (the abnormality detection, the health check, the reminders) is
the pipeline's next steps, not a signal: each runs only once this one has succeeded.

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

from cases.dates import today
from cases.runs import RecordedRun, RunOutcome
from metrics.computation.fanout import metrics_fanout
from metrics.definitions.periods import ALL_PERIODS, ONE_DAY
from metrics.models import ComputationRun

logger = logging.getLogger(__name__)

# pg_advisory_lock(NIGHTLY_LOCK, as_of.toordinal()) ("nigh"): one nightly run per day at a time.
# The two-key form lives apart from the engine's one-key METRICS_LOCK.
NIGHTLY_LOCK = 0x6E696768
PAUSE_ENV = "COURTDASH_NIGHTLY_PAUSE"


class NightlyOutcome(StrEnum):
    COMPUTED = "computed"
    SKIPPED = "skipped"  # a concurrent run of the same day did the work meanwhile


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
    run = RecordedRun(
        ComputationRun,
        keys=[{"as_of": as_of, "period": kind} for kind in periods],
        lock=(NIGHTLY_LOCK, as_of.toordinal()),
        name=f"nightly metrics {as_of}",
    )

    def compute() -> None:
        # Inside the run's transaction metrics_compute leaves the running and failed marks to
        # the run: it deletes and stores the results and marks the runs done, with their counts.
        # metrics_fanout is metrics_compute itself unless COURTDASH_NIGHTLY_FANOUT_CHUNK says to
        # fan the pass out per court across the workers (the same rows, rolled up).
        metrics_fanout(as_of=as_of, periods=periods)
        _fault_injection_pause()

    outcome = run.execute(compute)
    if outcome is RunOutcome.WORKED:
        logger.info("nightly metrics %s computed: %s", as_of, ", ".join(periods))
    computed = NightlyOutcome.COMPUTED if outcome is RunOutcome.WORKED else NightlyOutcome.SKIPPED
    return NightlyResult(as_of, computed, list(run.rows()))


def _fault_injection_pause() -> None:
    """COURTDASH_NIGHTLY_PAUSE seconds of sleep before the commit (see the module docstring)."""
    seconds = float(os.environ.get(PAUSE_ENV) or 0)
    if seconds > 0:
        logger.warning("fault injection: %s=%s, pausing before the commit", PAUSE_ENV, seconds)
        time.sleep(seconds)
