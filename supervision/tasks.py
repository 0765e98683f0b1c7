"""Celery entry points of the supervision app: primitive arguments in, one service call.

Every night the pipeline (courtdash.pipeline) runs the 发改再 reviews, the four-type
suggestions, the effect checks and the reminders as its steps; beat sends the reminders every
30 minutes besides. These tasks run one of them by hand.
"""

from __future__ import annotations

import datetime

from celery import shared_task

from supervision import services


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=900, soft_time_limit=840)
def send_due_reminders(day: str | None = None) -> dict:
    """Remind the people responsible for everything due (letters, measures, campaign cases,
    review answers, extension decisions, time limits) and the leaders above them; safe to run
    twice or at once (each reminder is claimed before it is sent; one SMS a person a day)."""
    run = services.reminders_send_due(day=datetime.date.fromisoformat(day) if day else None)
    return run.as_dict()


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=1800, soft_time_limit=1740)
def open_reversal_reviews() -> int:
    """Open the missing 发改再 reviews (idempotent)."""
    return services.reviews_open_missing()


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=1800, soft_time_limit=1740)
def suggest_four_type_cases(day: str | None = None) -> int:
    """Apply the four-type suggestion rules (idempotent)."""
    return services.four_type_suggest(day=datetime.date.fromisoformat(day) if day else None)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=900, soft_time_limit=840)
def detect_abnormalities(as_of: str) -> dict:
    """Draft the inquiries of a day's abnormal indicator values (idempotent); the nightly
    pipeline runs it after the indicators (courtdash.pipeline), this is for running it again."""
    return services.abnormalities_detect(as_of=datetime.date.fromisoformat(as_of)).as_dict()


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=900, soft_time_limit=840)
def check_effects(day: str | None = None) -> int:
    """跟踪问效: write the 30/60/90-day checks due (each once per track and mark; a check whose
    stored values are not computed yet waits for the next run)."""
    from supervision.services.effects import effects_check_due

    return len(effects_check_due(datetime.date.fromisoformat(day) if day else None))
