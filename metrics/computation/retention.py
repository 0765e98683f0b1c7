"""How long the daily history of stored results is kept (a step of the nightly pipeline).

The nightly run stores every indicator, score and age profile of every scope unit for each day
(at 1,000,000 cases about 21,000 IndicatorValue rows, ~8 MB with their indexes, a day). The
policy, COURTDASH_DAILY_HISTORY_YEARS = N, keeps every day of the current year and of the N - 1
years before it, and only month ends before that (a month end is also a quarter end and a year
end where there is one). 0 keeps everything.

What reads daily history, and what the policy leaves it:
- the trend charts (this year's YTD day by day against last year's), the weekly page and the
  abnormality detection (a week before), the 30/60/90-day effect checks: this year and last
  year, kept for N >= 2;
- the projections (reports.projection): the same day, the days just before it and the 13 weeks
  before it in each of the three past years (PAST_YEARS), and the period's end. The default,
  N = 4, keeps all of it. With a smaller N a past year whose same day is gone is skipped (its
  day is not found within NEAREST_DAYS), so the projection draws on fewer years — no error;
- older history is read by month (the monthly reviews, the quarter ends of the targets): month
  ends are kept whatever N.

`daily_history_prune(as_of=…)` deletes exactly the rows the policy says (and the run rows of
those days, which describe them), under the engine's lock, in one transaction; idempotent.
"""

from __future__ import annotations

import calendar
import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min

from metrics.computation.engine import METRICS_LOCK
from metrics.models import ComputationRun, IndicatorValue, PendingAgeProfile, ScopeScore

logger = logging.getLogger(__name__)

# Every table of daily results (keyed by as_of), the run rows last.
DAILY_HISTORY = [IndicatorValue, ScopeScore, PendingAgeProfile, ComputationRun]


def daily_history_cutoff(as_of: datetime.date, years: int | None = None) -> datetime.date | None:
    """The first day kept whole: 1 January of the oldest year kept (None: keep everything)."""
    years = settings.COURTDASH_DAILY_HISTORY_YEARS if years is None else years
    if years <= 0:
        return None
    return datetime.date(as_of.year - years + 1, 1, 1)


def month_ends(first: datetime.date, before: datetime.date) -> list[datetime.date]:
    """The last day of every month from `first`'s month up to the day before `before`."""
    ends = []
    year, month = first.year, first.month
    while True:
        end = datetime.date(year, month, calendar.monthrange(year, month)[1])
        if end >= before:
            return ends
        ends.append(end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def daily_history_prune(*, as_of: datetime.date) -> dict[str, int]:
    """Delete the daily rows older than the policy keeps, month ends excepted; the number of
    rows deleted by table."""
    cutoff = daily_history_cutoff(as_of)
    if cutoff is None:
        return {}
    deleted = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [METRICS_LOCK])
        firsts = [
            model.objects.filter(as_of__lt=cutoff).aggregate(first=Min("as_of"))["first"]
            for model in DAILY_HISTORY
        ]
        firsts = [first for first in firsts if first is not None]
        if not firsts:
            return {}
        kept = month_ends(min(firsts), cutoff)
        for model in DAILY_HISTORY:
            count, _ = model.objects.filter(as_of__lt=cutoff).exclude(as_of__in=kept).delete()
            deleted[model._meta.label] = count
    logger.info("daily history before %s pruned (month ends kept): %s", cutoff, deleted)
    return deleted
