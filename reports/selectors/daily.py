"""日动态: what happened today in a unit, against the same day last year; what fell due today.

The counts are one aggregate over the unit's cases (FILTER per number), restricted to the rows
that can matter (pending, or closed since the first day of last year's month: an index scan
on closed_on and the pending partial index); the lists are querysets for the page's paginators.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from cases.choices import BAND_URGENT_DAYS, BAND_WARNING_DAYS
from cases.models import Case
from cases.units import ScopeKey
from metrics.conditions import WORKLOAD, pending_at
from metrics.dashboard import same_day_last_year
from metrics.periods import ONE_DAY, long_pending_cutoff, quarter_of
from reports.selectors.targets import target_progress
from supervision.models import Inquiry, Notice

# Days left on the day a pending case enters each warning band (DOMAIN.md): the band starts at
# 15 and at 5 days left, and a case is overdue from the day after its deadline.
BAND_ENTRY_DAYS = (BAND_WARNING_DAYS, BAND_URGENT_DAYS, -1)


def _flow(day: datetime.date) -> dict:
    month_start = day.replace(day=1)
    return {
        "filed": Count("pk", filter=Q(filed_on=day)),
        "closed": Count("pk", filter=Q(closed_on=day)),
        "pending": Count("pk", filter=pending_at(day)),
        "filed_month": Count("pk", filter=Q(filed_on__gte=month_start, filed_on__lte=day)),
        "closed_month": Count("pk", filter=Q(closed_on__gte=month_start, closed_on__lte=day)),
    }


def daily_counts(*, cases: QuerySet, day: datetime.date) -> dict:
    """Workload cases (W) filed, closed and pending on `day` and in its month so far, and the
    same on the same day last year, with the change."""
    last_year = same_day_last_year(day)
    relevant = WORKLOAD & (Q(closed_on__isnull=True) | Q(closed_on__gte=last_year.replace(day=1)))
    aggregates = {f"now_{name}": value for name, value in _flow(day).items()}
    aggregates |= {f"then_{name}": value for name, value in _flow(last_year).items()}
    row = cases.filter(relevant).order_by().aggregate(**aggregates)
    numbers = []
    for name in ("filed", "closed", "pending", "filed_month", "closed_month"):
        now, then = row[f"now_{name}"], row[f"then_{name}"]
        numbers.append(
            {
                "name": name,
                "now": now,
                "then": then,
                "change": now - then,
                "percent": 100 * (now - then) / then if then else None,
            }
        )
    return {"day": day, "last_year": last_year, "numbers": numbers}


def band_entries(*, cases: QuerySet, day: datetime.date) -> QuerySet:
    """Pending cases entering a warning band today: 15 or 5 days left, or overdue since today."""
    return (
        cases.filter(closed_on__isnull=True, filed_on__lte=day)
        .with_band(day)
        .filter(days_left__in=BAND_ENTRY_DAYS)
        .select_related("court", "division", "judge")
        .order_by("days_left", "deadline", "case_number")
    )


def new_long_pending(*, cases: QuerySet, day: datetime.date) -> QuerySet:
    """Cases that became long-pending today: pending, and 12 months since filing passed
    yesterday (filed_on + 12 months < today, but not < yesterday)."""
    return (
        cases.filter(
            WORKLOAD,
            pending_at(day),
            filed_on__gt=long_pending_cutoff(day - ONE_DAY),
            filed_on__lte=long_pending_cutoff(day),
        )
        .with_band(day)
        .select_related("court", "division", "judge")
        .order_by("filed_on", "case_number")
    )


def letter_unit_q(unit: ScopeKey, *, judge_field: bool) -> Q:
    """The letters (notices, inquiries) of a unit; a judge's only where a letter names its judge
    (`judge_field`)."""
    q = Q()
    if unit.court_id is not None:
        q &= Q(court_id=unit.court_id)
    if unit.division_id is not None:
        q &= Q(division_id=unit.division_id)
    if unit.judge_id is not None:
        q &= Q(judge_id=unit.judge_id) if judge_field else Q(pk__in=[])
    return q


def letters_due(*, user, unit: ScopeKey, day: datetime.date) -> list[dict]:
    """Notices (督办通知) and inquiries (异常函询) of the unit awaiting an answer whose deadline
    is today or has passed, nearest deadline first."""
    rows = []
    for model, judge_field in ((Notice, True), (Inquiry, False)):
        letters = (
            model.objects.in_scope(user)
            .awaiting_answer()
            .filter(letter_unit_q(unit, judge_field=judge_field), deadline__lte=day)
            .select_related("court", "division")
        )
        for letter in letters:
            rows.append(
                {
                    "kind": model._meta.verbose_name,
                    "title": letter.title,
                    "unit": f"{letter.court.name} {letter.division.name}",
                    "deadline": letter.deadline,
                    "overdue_days": (day - letter.deadline).days,
                    "state": letter.get_state_display(),
                }
            )
    return sorted(rows, key=lambda row: (row["deadline"], row["title"]))


@dataclass(frozen=True)
class DailyDynamics:
    """日动态 of a unit on a day, as the viewer sees it: the counts against the same day last
    year, the cases entering a warning band and becoming long-pending (querysets, for a
    paginator), the letters due, and the progress of the quarter's targets."""

    unit: ScopeKey
    day: datetime.date
    counts: dict
    bands: QuerySet
    long_pending: QuerySet
    letters: list[dict]
    year: int
    quarter: int
    progress: list


def daily_dynamics(*, user, unit: ScopeKey, day: datetime.date) -> DailyDynamics:
    """The daily page of `unit` (in `user`'s reach) on `day`; the page and the API show it."""
    cases = Case.objects.in_scope(user).filter(unit.cases_q())
    year, quarter = quarter_of(day)
    progress = target_progress(
        units=[unit], year=year, quarter=quarter, today=day, all_indicators=False
    )[unit]
    return DailyDynamics(
        unit=unit,
        day=day,
        counts=daily_counts(cases=cases, day=day),
        bands=band_entries(cases=cases, day=day),
        long_pending=new_long_pending(cases=cases, day=day),
        letters=letters_due(user=user, unit=unit, day=day),
        year=year,
        quarter=quarter,
        progress=progress,
    )
