"""The nightly pipeline: one explicit chain of steps over the night's data, as of yesterday.

Beat starts it once a night (CELERY_BEAT_SCHEDULE "courtdash-nightly-pipeline", 00:30
Asia/Shanghai, after the night's import): courtdash.tasks.nightly_pipeline builds the chain
(a Celery canvas `chain` of courtdash.tasks.pipeline_step, one signature per step) and sends it.

    indicators → abnormalities → health_check → reversal_reviews → four_type → effects
               → reminders → retention

- **Order, and why.** The abnormality detection reads the day's stored values; the health check
  reads the cases and the stored values; the 发改再 reviews and the four-type suggestions read
  the night's import; the effect checks (跟踪问效) read stored values at their marks; the
  reminders then go out at once for everything the night has opened (reviews, suggestions,
  drafts) instead of waiting for the next half-hour beat (which still runs all day: reminders
  fall due during the day too). The retention runs last: nothing the night needs waits for it.
- **A failed step stops the chain.** A step raising a lost-connection error is retried
  (autoretry, COURTDASH_TASK_RETRY_BACKOFF, five times); a step that still fails ends the chain:
  the later steps do not run on stale data (no drafts from yesterday's values, no reminders of
  a half-done night). Its PipelineStep row says "failed" with the error; the next night's run,
  or `nightly_pipeline` sent by hand with the day, runs the whole chain again.
- **Every step is idempotent and records itself.** A step is a service that is safe to repeat
  (each says why in its module); its PipelineStep row (reports.models, one per day and step) is
  kept by cases.runs.RecordedRun: running, done with what it did, or failed; under an advisory
  lock per (step, day) with RecordedRun's wait-then-skip, so that two pipelines of the same night
  (a redelivered start, a manual one) do each step once.
- **Where the office sees it.** The health check page (/reports/health/, its "夜间处理" panel:
  reports.selectors.health.pipeline_night) shows the last night's steps, their status, and
  where the chain stopped; the error of a failed step is kept in its row (and the traceback in
  the worker's log), not shown on the page.
- **The indicators step is one call**, metrics.computation.nightly.metrics_nightly: the single
  pass, or the per-court fan-out across the workers when COURTDASH_NIGHTLY_FANOUT_CHUNK is set
  (metrics.computation.fanout) — a setting, not a different chain.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from celery import chain

from cases.runs import RecordedRun
from metrics.services import daily_history_prune, metrics_nightly, nightly_as_of
from reports.choices import PipelineStepKind
from reports.models import PipelineStep
from reports.services.healthcheck import health_check_run
from supervision.services import four_type_suggest, reviews_open_missing
from supervision.services.abnormality import abnormalities_detect
from supervision.services.effects import effects_check_due
from supervision.services.reminders import reminders_send_due

# pg_advisory_lock(PIPELINE_LOCK + step index, as_of.toordinal()) ("pip"): one run of a step a day.
PIPELINE_LOCK = 0x70697000


def _indicators(as_of: datetime.date) -> dict:
    return metrics_nightly(as_of=as_of).as_dict()


def _abnormalities(as_of: datetime.date) -> dict:
    return abnormalities_detect(as_of=as_of).as_dict()


def _health_check(as_of: datetime.date) -> dict:
    run = health_check_run(as_of=as_of)
    return {"status": run.status, "findings": run.findings}


def _reversal_reviews(as_of: datetime.date) -> dict:
    return {"opened": reviews_open_missing()}


def _four_type(as_of: datetime.date) -> dict:
    return {"marked": four_type_suggest()}


def _effects(as_of: datetime.date) -> dict:
    return {"written": len(effects_check_due())}


def _reminders(as_of: datetime.date) -> dict:
    return reminders_send_due().as_dict()


def _retention(as_of: datetime.date) -> dict:
    return {"deleted": daily_history_prune(as_of=as_of)}


@dataclass(frozen=True)
class Step:
    """One step: a service over the day `as_of` (the suggestions, effect checks and reminders
    act as of today, the day after the night's data), and the task's time limits."""

    kind: PipelineStepKind
    run: Callable[[datetime.date], dict]
    soft_time_limit: int
    time_limit: int


STEPS = [
    # The nightly computation takes about a minute at a million cases; the limit leaves room
    # for waiting on a concurrent run (cases.runs.LOCK_WAIT_SECONDS) and stays well below the
    # broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT, 4 h by default).
    Step(PipelineStepKind.INDICATORS, _indicators, 55 * 60, 60 * 60),
    Step(PipelineStepKind.ABNORMALITIES, _abnormalities, 14 * 60, 15 * 60),
    Step(PipelineStepKind.HEALTH_CHECK, _health_check, 25 * 60, 30 * 60),
    Step(PipelineStepKind.REVERSAL_REVIEWS, _reversal_reviews, 29 * 60, 30 * 60),
    Step(PipelineStepKind.FOUR_TYPE, _four_type, 29 * 60, 30 * 60),
    Step(PipelineStepKind.EFFECTS, _effects, 14 * 60, 15 * 60),
    Step(PipelineStepKind.REMINDERS, _reminders, 14 * 60, 15 * 60),
    Step(PipelineStepKind.RETENTION, _retention, 29 * 60, 30 * 60),
]
STEP_INDEX = {step.kind.value: index for index, step in enumerate(STEPS)}
assert [step.kind for step in STEPS] == list(PipelineStepKind), "one Step per PipelineStepKind"


def step_run(*, step: str, as_of: datetime.date) -> dict:
    """Run one step for the day, recorded in its PipelineStep row; what it did (JSON)."""
    index = STEP_INDEX[step]  # KeyError: not a step
    recorded = RecordedRun(
        PipelineStep,
        keys=[{"as_of": as_of, "step": step}],
        lock=(PIPELINE_LOCK + index, as_of.toordinal()),
        name=f"pipeline {step} {as_of}",
        # The steps' services commit on their own (the reminders one by one, as they are sent).
        atomic=False,
    )
    result: dict = {}

    def work() -> dict:
        result.update(STEPS[index].run(as_of))
        return {"result": result}

    outcome = recorded.execute(work)
    return {"as_of": as_of.isoformat(), "step": step, "outcome": str(outcome), "result": result}


def pipeline_chain(*, as_of: datetime.date, queue: str | None = None) -> chain:
    """The canvas of the night: one immutable signature per step (a step's result is not the
    next one's argument; each takes the day), in order; on `queue` if given (each signature
    carries it: a chain's own options reach only its first task)."""
    from courtdash.tasks import pipeline_step

    routing = {"queue": queue} if queue else {}
    return chain(
        pipeline_step.si(step.kind.value, as_of.isoformat()).set(
            soft_time_limit=step.soft_time_limit, time_limit=step.time_limit, **routing
        )
        for step in STEPS
    )


def pipeline_as_of() -> datetime.date:
    """The day a scheduled pipeline works on: yesterday (Asia/Shanghai)."""
    return nightly_as_of()
