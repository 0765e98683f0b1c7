"""日动态: what happened today in a unit, against the same day last year; what fell due today.

The flows are one aggregate over the rows filed or closed in the two months (index ranges); the
pending counts are index scans of the pending cases, and last year's is the nightly's stored
number where there is one; the lists are querysets for the page's paginators.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from cases.choices import BAND_URGENT_DAYS, BAND_WARNING_DAYS
from cases.models import Case
from cases.units import ScopeKey, user_scope
from metrics.choices import PeriodKind
from metrics.definitions.conditions import WORKLOAD, pending_at
from metrics.definitions.periods import ONE_DAY, long_pending_cutoff, quarter_of
from metrics.models import PendingAgeProfile
from metrics.reading.dashboard import same_day_last_year
from reports.selectors.targets import target_progress
from supervision.models import Inquiry, Notice

# Days left on the day a pending case enters each warning band (DOMAIN.md): the band starts at
# 15 and at 5 days left, and a case is overdue from the day after its deadline.
BAND_ENTRY_DAYS = (BAND_WARNING_DAYS, BAND_URGENT_DAYS, -1)


def _flows(cases: QuerySet, day: datetime.date, last_year: datetime.date) -> dict:
    """Filed and closed on each day and in its month so far, now and last year: one aggregate
    over the rows filed or closed in the two months, which case_filed_idx and case_closed_idx
    find (the four ranges as one OR, a bitmap of each index)."""
    ranges = Q()
    aggregates = {}
    for when, moment in (("now", day), ("then", last_year)):
        month_start = moment.replace(day=1)
        filed = Q(filed_on__gte=month_start, filed_on__lte=moment)
        closed = Q(closed_on__gte=month_start, closed_on__lte=moment)
        ranges |= filed | closed
        aggregates |= {
            f"{when}_filed": Count("pk", filter=Q(filed_on=moment)),
            f"{when}_closed": Count("pk", filter=Q(closed_on=moment)),
            f"{when}_filed_month": Count("pk", filter=filed),
            f"{when}_closed_month": Count("pk", filter=closed),
        }
    return cases.filter(WORKLOAD, ranges).order_by().aggregate(**aggregates)


def pending_count(cases: QuerySet, day: datetime.date) -> int:
    """W cases pending on `day`: those still pending and those closed after `day`, counted
    apart, so that the first count is an index-only scan of case_pending_cover_idx and the
    second a range of case_closed_idx (together, pending_at(day) exactly)."""
    still = cases.filter(WORKLOAD, closed_on__isnull=True, filed_on__lte=day).order_by()
    later = cases.filter(WORKLOAD, closed_on__gt=day, filed_on__lte=day).order_by()
    return still.count() + later.count()


def stored_pending(unit: ScopeKey, day: datetime.date) -> int | None:
    """W cases of the unit pending on `day` as the nightly stored them (the sum of the unit's
    PendingAgeProfile), or None where that day was not computed."""
    counts = (
        PendingAgeProfile.objects.filter(unit.rows_q(), as_of=day, period=PeriodKind.YTD)
        .values_list("counts", flat=True)
        .first()
    )
    return sum(counts) if counts is not None else None


def daily_counts(*, cases: QuerySet, day: datetime.date, unit: ScopeKey | None = None) -> dict:
    """Workload cases (W) filed, closed and pending on `day` and in its month so far, and the
    same on the same day last year, with the change.

    Pending on the day last year is the stored number where the nightly stored it and `unit`
    is given (the caller's `cases` are then all the unit's cases): counting it means reading
    every case closed since then, a year of the unit's closings."""
    last_year = same_day_last_year(day)
    row = _flows(cases, day, last_year)
    row["now_pending"] = pending_count(cases, day)
    then_pending = stored_pending(unit, last_year) if unit is not None else None
    row["then_pending"] = (
        then_pending if then_pending is not None else pending_count(cases, last_year)
    )
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
        # The same days as deadlines: a condition the pending cases' deadline indexes answer.
        .filter(deadline__in=[day + datetime.timedelta(days=days) for days in BAND_ENTRY_DAYS])
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
        # The stored numbers are the unit's: for a viewer who sees all of its cases.
        counts=daily_counts(
            cases=cases, day=day, unit=None if user_scope(user).cases_joined_only else unit
        ),
        bands=band_entries(cases=cases, day=day),
        long_pending=new_long_pending(cases=cases, day=day),
        letters=letters_due(user=user, unit=unit, day=day),
        year=year,
        quarter=quarter,
        progress=progress,
    )
