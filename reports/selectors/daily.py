"""日动态: what happened today in a unit, against the same day last year; what fell due today.

The flows are one aggregate over the rows filed or closed in the month (index ranges); pending
is the nightly's stored count of a day of the month plus the flows since (counted only where
none is stored); a unit's counts are kept a minute, last year's until the next nightly; the
lists are querysets for the page's paginators.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from cases import fragments
from cases.choices import BAND_URGENT_DAYS, BAND_WARNING_DAYS
from cases.keyset import last_if_null
from cases.models import Case
from cases.units import ScopeKey, user_scope
from metrics.choices import PeriodKind
from metrics.definitions.conditions import WORKLOAD, pending_at
from metrics.definitions.periods import ONE_DAY, long_pending_cutoff, quarter_of
from metrics.models import PendingAgeProfile
from metrics.reading import pagecache
from metrics.reading.dashboard import same_day_last_year
from reports.selectors.targets import target_progress
from supervision.models import Inquiry, Notice
from supervision.selectors.queue_count import queue_generation

# Days left on the day a pending case enters each warning band (DOMAIN.md): the band starts at
# 15 and at 5 days left, and a case is overdue from the day after its deadline.
BAND_ENTRY_DAYS = (BAND_WARNING_DAYS, BAND_URGENT_DAYS, -1)


def _flows(cases: QuerySet, moment: datetime.date, *, since: datetime.date | None = None) -> dict:
    """Filed and closed on `moment` and in its month so far (and after `since`, a day of the
    month or its eve): one aggregate over the rows filed or closed in the month, which
    case_filed_idx and case_closed_idx find (the two ranges as one OR, a bitmap of each)."""
    month_start = moment.replace(day=1)
    filed = Q(filed_on__gte=month_start, filed_on__lte=moment)
    closed = Q(closed_on__gte=month_start, closed_on__lte=moment)
    aggregates = {
        "filed": Count("pk", filter=Q(filed_on=moment)),
        "closed": Count("pk", filter=Q(closed_on=moment)),
        "filed_month": Count("pk", filter=filed),
        "closed_month": Count("pk", filter=closed),
    }
    if since is not None:
        aggregates["filed_since"] = Count("pk", filter=Q(filed_on__gt=since, filed_on__lte=moment))
        aggregates["closed_since"] = Count(
            "pk", filter=Q(closed_on__gt=since, closed_on__lte=moment)
        )
    return cases.filter(WORKLOAD, filed | closed).order_by().aggregate(**aggregates)


def pending_count(cases: QuerySet, day: datetime.date) -> int:
    """W cases pending on `day`: those still pending and those closed after `day`, counted
    apart, so that the first count is an index-only scan of case_pending_cover_idx and the
    second a range of case_closed_idx (together, pending_at(day) exactly)."""
    still = cases.filter(WORKLOAD, closed_on__isnull=True, filed_on__lte=day).order_by()
    later = cases.filter(WORKLOAD, closed_on__gt=day, filed_on__lte=day).order_by()
    return still.count() + later.count()


def stored_pending_before(unit: ScopeKey, day: datetime.date) -> tuple[datetime.date, int] | None:
    """The latest day on or before `day`, and not before the eve of its month, whose pending
    W cases of the unit the nightly stored (the nightly's day, a month end the retention
    keeps), and that count; None where none is stored."""
    eve = day.replace(day=1) - ONE_DAY
    row = (
        PendingAgeProfile.objects.filter(
            unit.rows_q(), as_of__gte=eve, as_of__lte=day, period=PeriodKind.YTD
        )
        .order_by("-as_of")
        .values_list("as_of", "counts")
        .first()
    )
    return (row[0], sum(row[1])) if row is not None else None


def _moment_counts(cases: QuerySet, moment: datetime.date, unit: ScopeKey | None) -> dict:
    """Filed, closed and pending on `moment` and in its month so far. Pending is the nightly's
    stored count of a day S of the month (or its eve) plus what was filed and less what was
    closed after S — every case filed after S and closed by `moment` was closed after S, so
    pending(moment) = pending(S) + filed in (S, moment] - closed in (S, moment] — and counted
    only where the unit stored none (or `unit` is None: a viewer who does not see all of it)."""
    stored = stored_pending_before(unit, moment) if unit is not None else None
    row = _flows(cases, moment, since=stored[0] if stored else None)
    if stored is not None:
        row["pending"] = stored[1] + row.pop("filed_since") - row.pop("closed_since")
    else:
        row["pending"] = pending_count(cases, moment)
    return row


def daily_counts(*, cases: QuerySet, day: datetime.date, unit: ScopeKey | None = None) -> dict:
    """Workload cases (W) filed, closed and pending on `day` and in its month so far, and the
    same on the same day last year, with the change.

    With `unit` (the caller's `cases` are then all the unit's cases): pending from the
    nightly's stored numbers (`_moment_counts`), the counts kept for everyone who asks under
    the queue generation (changed at every import's and write's commit) and a minute at most
    (cases.fragments: where no invalidation reaches), and last year's numbers kept
    until the next nightly or target change (metrics.reading.pagecache: a year-old day changes
    only by a correction, which the night's import brings before the nightly)."""
    last_year = same_day_last_year(day)
    if unit is None:
        now, then = _moment_counts(cases, day, None), _moment_counts(cases, last_year, None)
    else:
        now = fragments.kept(
            "reports.daily_counts",
            lambda: _moment_counts(cases, day, unit),
            seconds=settings.COURTDASH_LIVE_COUNT_SECONDS,
            unit=unit,
            day=day,
            # As the daily page's body, which is kept under it: an import counts again at once.
            queue=queue_generation(),
        )
        then = pagecache.cached(
            "reports.daily_last_year",
            lambda: _moment_counts(cases, last_year, unit),
            unit=unit,
            day=last_year,
        )
    numbers = []
    for name in ("filed", "closed", "pending", "filed_month", "closed_month"):
        numbers.append(
            {
                "name": name,
                "now": now[name],
                "then": then[name],
                "change": now[name] - then[name],
                "percent": 100 * (now[name] - then[name]) / then[name] if then[name] else None,
            }
        )
    return {"day": day, "last_year": last_year, "numbers": numbers}


def band_entries(*, cases: QuerySet, day: datetime.date) -> QuerySet:
    """Pending cases entering a warning band today: 15 or 5 days left, or overdue since today,
    the most pressing first (days left is the deadline less today: in deadline order).

    The same days as deadlines, and the order, are those of case_pending_urgency_idx (the
    pending cases by deadline and case number): a page is read from that index in its order,
    where a condition on the plain deadline read every such case of a province (4,600 rows,
    40 ms) to sort them."""
    deadlines = [day + datetime.timedelta(days=days) for days in BAND_ENTRY_DAYS]
    return (
        cases.filter(closed_on__isnull=True, filed_on__lte=day)
        .with_band(day)
        .annotate(deadline_key=last_if_null("deadline"))
        .filter(deadline_key__in=deadlines, days_left__in=BAND_ENTRY_DAYS)
        .select_related("court", "division", "judge")
        .order_by("deadline_key", "case_number")
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
    # The same for every viewer of the unit (metrics.reading.pagecache; a target change or a
    # nightly invalidates), as the overview's tile keeps it.
    progress = pagecache.cached(
        "reports.daily_progress",
        lambda: target_progress(
            units=[unit], year=year, quarter=quarter, today=day, all_indicators=False
        )[unit],
        unit=unit,
        day=day,
    )
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
