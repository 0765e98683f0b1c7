"""The demo's 跟踪问效: the notices, inquiries and campaigns of the supervision step (and, run
again late, the talks, reviews and meeting actions of the later steps) get their 30/60/90-day
checks, as the daily task would have written them.

The demo computes the indicators of only a few days; the checks need the YTD values at each
action's start and at its marks. So the YTD values of a weekly grid of past days are computed
(only those not computed yet; the checks take the first stored day within a week after a mark,
and the last within a week before a start), then every check due by the demo's today is run.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from cases.demo.steps import DemoContext, on_day
from cases.runs import RunStatus
from metrics.choices import PeriodKind
from metrics.models import ComputationRun
from metrics.services import metrics_compute
from supervision.models import EffectCheck, EffectTrack
from supervision.models.effects import MARKS
from supervision.services.effects import effects_check_due

DAY = datetime.timedelta(days=1)
# Tracks started this many days back at most get their values computed (three marks and a
# month of slack); older ones are checked on the cases only.
HORIZON = 160


def _grid(today: datetime.date, first: datetime.date) -> list[datetime.date]:
    end = today - DAY
    days, day = [], end
    while day >= first:
        days.append(day)
        day -= 7 * DAY
    return sorted(days)


def effects_demo(context: DemoContext) -> None:
    today = context.today
    tracks = EffectTrack.objects.filter(
        started_on__lte=today - MARKS[0] * DAY, started_on__gte=today - HORIZON * DAY
    ).exclude(indicators=[])
    starts = list(tracks.values_list("started_on", flat=True))
    if starts:
        grid = _grid(today, min(starts) - 7 * DAY)
        done = set(
            ComputationRun.objects.filter(
                as_of__in=grid, period=PeriodKind.YTD, status=RunStatus.DONE
            ).values_list("as_of", flat=True)
        )
        for day in grid:
            if day not in done:
                metrics_compute(as_of=day, periods=[PeriodKind.YTD])
                context.progress(f"跟踪问效：计算 {day} 的年初至今指标")
    with on_day(today):
        written = effects_check_due(today)
    zone = ZoneInfo(settings.TIME_ZONE)
    for check in written:  # as the daily task would have, the morning after the mark
        moment = datetime.datetime.combine(check.checked_on + DAY, datetime.time(5, 50), zone)
        EffectCheck.objects.filter(pk=check.pk).update(created_at=moment)


def effects_demo_reset() -> None:
    """The tracks of the city as a whole point at no court: the generic reset does not reach
    them (the others go with their court)."""
    EffectTrack.objects.all().delete()
