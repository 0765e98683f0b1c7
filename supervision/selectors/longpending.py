"""Long-pending cases (长期未结) by age bucket, the outlook (可能发生的动向), overdue cases,
and clearance campaign progress. Counts and the case lists behind them use one condition."""

from __future__ import annotations

import datetime

from django.db.models import Count, Expression, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual

from cases.choices import Band
from cases.dates import today
from cases.models import Case
from cases.querysets import pending_filed_on
from cases.units import UnitPaths, unit_q
from metrics.definitions.periods import months_before
from supervision.ages import PlusMonths, age_bucket, bucket_condition, older_than
from supervision.choices import OUTLOOK_HORIZONS, OUTLOOK_THRESHOLDS, AgeBucket
from supervision.models import CampaignCase, ClearanceCampaign

GROUPINGS = {
    "court": ("court_id", "court__code", "court__name"),
    "division": ("court_id", "court__code", "division_id", "division__name"),
    "judge": (
        "court_id",
        "court__code",
        "division_id",
        "division__name",
        "judge_id",
        "judge__name",
    ),
}


def scoped_cases(user, unit: Q | None = None) -> QuerySet[Case]:
    """The user's cases, within one unit of their scope (a filter over cases) if given."""
    cases = Case.objects.in_scope(user)
    return cases.filter(unit) if unit is not None else cases


def closed_after(day: datetime.date) -> bool:
    """Whether any case is recorded as closed after `day` (one probe of case_closed_idx). An
    import never records a closing after its own today (cases.importing.validation), so for
    today's lists this is false, and "pending on `day`" is "pending now"."""
    return Case.objects.filter(closed_on__gt=day).exists()


def pending_filed_by(
    day: datetime.date, last_filed: datetime.date, *, now_only: bool | None = None
) -> Q:
    """Pending on `day` and filed on or before `last_filed` (not after `day`): pending_at(day)
    written so that PostgreSQL reads the pending cases from case_pending_filed_idx (the filing
    day of the pending cases) and those closed after `day` from case_closed_idx, rather than
    every pending case of the city. With no case closed after `day` (today's pages), the
    cases pending now alone: one condition, which the partial indexes on the pending cases
    serve (a court's from case_pending_court_idx) and which case_pending_filed_idx holds in
    filing order (`filed_key`). `now_only`: `not closed_after(day)`, if already asked."""
    last_filed = min(last_filed, day)
    if now_only is None:
        now_only = not closed_after(day)
    if now_only:
        return Q(closed_on__isnull=True) & Q(LessThanOrEqual(pending_filed_on(), last_filed))
    return Q(LessThanOrEqual(pending_filed_on(), last_filed)) | Q(
        closed_on__gt=day, filed_on__lte=last_filed
    )


def filed_key(*, now_only: bool) -> Expression:
    """The filing day, as the lists of cases pending on a day order by it. With no case
    closed after that day (`now_only`) every listed case is pending now, and the key is
    case_pending_filed_idx's own expression: the first page of a province's 50,000
    long-pending cases is read in that index's order (sorted by case number within a day),
    not all of them read and sorted (190 ms → 1 ms). Otherwise an expression no index holds in
    order: ordered by plain filed_on, PostgreSQL would walk case_filed_idx through the whole
    city's cases looking for the few long-pending ones, where reading those and sorting them
    is a few ms."""
    if now_only:
        return pending_filed_on()
    return Coalesce(pending_filed_on(), F("filed_on"))


def _long_pending_q(day: datetime.date, *, now_only: bool | None = None) -> Q:
    """Pending on `day` and more than 12 months old (older_than(12, day))."""
    return pending_filed_by(day, months_before(day, 12), now_only=now_only)


def long_pending_cases(
    *,
    user,
    day: datetime.date | None = None,
    bucket: AgeBucket | str | None = None,
    unit: Q | None = None,
) -> QuerySet[Case]:
    """Cases in scope pending on `day` and more than 12 months old, with their `age_bucket`."""
    day = day or today()
    now_only = not closed_after(day)
    cases = (
        scoped_cases(user, unit)
        .filter(_long_pending_q(day, now_only=now_only))
        .annotate(age_bucket=age_bucket(day))
    )
    if bucket:
        cases = cases.filter(bucket_condition(AgeBucket(bucket), day))
    return (
        cases.annotate(filed_key=filed_key(now_only=now_only))
        .select_related("court", "division", "judge")
        .order_by("filed_key", "case_number")
    )


def long_pending_counts(
    *, user, day: datetime.date | None = None, by: str | None = None, unit: Q | None = None
) -> list[dict]:
    """Counts per age bucket (and in all), for the whole scope or per court/division/judge."""
    day = day or today()
    counts = {
        bucket.value: Count("id", filter=bucket_condition(bucket, day)) for bucket in AgeBucket
    }
    cases = scoped_cases(user, unit).filter(_long_pending_q(day))
    if by is None:
        return [{**cases.aggregate(**counts, total=Count("id"))}]
    fields = GROUPINGS[by]
    return list(cases.values(*fields).annotate(**counts, total=Count("id")).order_by(*fields))


def _crossing(threshold: int, horizon: int, day: datetime.date) -> Q:
    """Not more than `threshold` months old on `day`, but more within `horizon` days."""
    return ~older_than(threshold, day) & older_than(
        threshold, day + datetime.timedelta(days=horizon)
    )


def outlook_key(threshold: int, horizon: int) -> str:
    return f"m{threshold}_d{horizon}"


def long_pending_outlook(
    *, user, day: datetime.date | None = None, unit: Q | None = None
) -> dict[int, dict[int, int]]:
    """可能发生的动向: how many cases pending today will pass 12, 24, 36 months within 30, 60,
    90 days if nothing is done: {threshold: {horizon: count}} (horizons are cumulative)."""
    day = day or today()
    # Only the cases that can cross a threshold within the longest horizon need reading.
    oldest = months_before(day + datetime.timedelta(days=max(OUTLOOK_HORIZONS)), 12)
    counts = (
        scoped_cases(user, unit)
        .filter(pending_filed_by(day, oldest))
        .aggregate(
            **{
                outlook_key(threshold, horizon): Count(
                    "id", filter=_crossing(threshold, horizon, day)
                )
                for threshold in OUTLOOK_THRESHOLDS
                for horizon in OUTLOOK_HORIZONS
            }
        )
    )
    return {
        threshold: {
            horizon: counts[outlook_key(threshold, horizon)] for horizon in OUTLOOK_HORIZONS
        }
        for threshold in OUTLOOK_THRESHOLDS
    }


def long_pending_outlook_cases(
    *,
    user,
    threshold: int,
    horizon: int,
    day: datetime.date | None = None,
    unit: Q | None = None,
) -> QuerySet[Case]:
    """The cases behind one outlook count, each with `threshold_on`: filed_on + threshold
    months, the last day before it counts as more than `threshold` months old."""
    day = day or today()
    now_only = not closed_after(day)
    last_filed = months_before(day + datetime.timedelta(days=horizon), threshold)
    return (
        scoped_cases(user, unit)
        .filter(
            pending_filed_by(day, last_filed, now_only=now_only),
            _crossing(threshold, horizon, day),
        )
        .annotate(
            threshold_on=PlusMonths("filed_on", threshold),
            filed_key=filed_key(now_only=now_only),
        )
        .select_related("court", "division", "judge")
        .order_by("filed_key", "case_number")
    )


def overdue_cases(
    *, user, day: datetime.date | None = None, unit: Q | None = None
) -> QuerySet[Case]:
    """Pending cases past their deadline (超审限), most overdue first, with `days_left`."""
    return (
        scoped_cases(user, unit)
        .pending()
        .with_band(day or today())
        .filter(band=Band.OVERDUE)
        .select_related("court", "division", "judge")
        .by_urgency()
    )


def overdue_counts(
    *, user, day: datetime.date | None = None, by: str | None = None, unit: Q | None = None
) -> list[dict]:
    """How many pending cases are past their deadline, and by how long (up to 30 days, 31 to
    90, more), for the whole scope or per court/division/judge."""
    day = day or today()
    overdue = Q(deadline__lt=day)
    counts = {
        "total": Count("id", filter=overdue),
        "within_30": Count("id", filter=overdue & Q(deadline__gte=day - datetime.timedelta(30))),
        "within_90": Count(
            "id",
            filter=Q(deadline__lt=day - datetime.timedelta(30))
            & Q(deadline__gte=day - datetime.timedelta(90)),
        ),
        "over_90": Count("id", filter=Q(deadline__lt=day - datetime.timedelta(90))),
        "pending": Count("id"),
    }
    cases = scoped_cases(user, unit).pending()
    if by is None:
        return [cases.aggregate(**counts)]
    fields = GROUPINGS[by]
    rows = cases.values(*fields).annotate(**counts).order_by(*fields)
    return [row for row in rows if row["total"]]


ENTRY_FILTERS = {
    "remaining": Q(case__closed_on__isnull=True),
    "closed": Q(case__closed_on__isnull=False),
    "unassigned": Q(case__closed_on__isnull=True, leader__isnull=True),
}


def campaign_entries(
    *, user, campaign: ClearanceCampaign, show: str | None = None
) -> QuerySet[CampaignCase]:
    """The part of a campaign's list in the user's scope (`show`: remaining, closed, or
    unassigned — remaining with no leader yet; anything else: all)."""
    entries = CampaignCase.objects.in_scope(user).filter(campaign=campaign)
    if show in ENTRY_FILTERS:
        entries = entries.filter(ENTRY_FILTERS[show])
    return entries.select_related("case", "case__division", "case__judge", "leader").order_by(
        "case__filed_on", "id"
    )


def campaigns_with_progress(*, user) -> QuerySet[ClearanceCampaign]:
    """The campaigns in scope, each with `total`, `closed` and `remaining` of the part of its
    list the user sees (one query for the page)."""
    seen = unit_q(
        user,
        UnitPaths(
            court="entries__case__court_id",
            division="entries__case__division_id",
            judge="entries__case__judge_id",
            case="entries__case_id",
        ),
    )
    closed = Q(entries__case__closed_on__isnull=False)
    return (
        ClearanceCampaign.objects.in_scope(user)
        .select_related("court", "division", "created_by")
        .annotate(
            total=Count("entries", filter=seen),
            closed=Count("entries", filter=seen & closed),
        )
        .annotate(remaining=F("total") - F("closed"))
        .order_by("-started_on", "-id")
    )


def campaign_progress(
    *, user, campaign: ClearanceCampaign, day: datetime.date | None = None
) -> dict:
    """Progress to zero: the list at the start, closed since, remaining, by bucket at the
    start, with no leader yet, past their own target date."""
    day = day or today()
    entries = CampaignCase.objects.in_scope(user).filter(campaign=campaign)
    closed = Q(case__closed_on__isnull=False)
    totals = entries.aggregate(
        total=Count("id"),
        closed=Count("id", filter=closed),
        unassigned=Count("id", filter=~closed & Q(leader__isnull=True)),
        past_target=Count("id", filter=~closed & Q(target_on__lt=day)),
    )
    by_bucket = {
        item["bucket_at_start"]: {"total": item["total"], "closed": item["closed"]}
        for item in entries.values("bucket_at_start").annotate(
            total=Count("id"), closed=Count("id", filter=closed)
        )
    }
    return {
        **totals,
        "remaining": totals["total"] - totals["closed"],
        "past_campaign_target": day > campaign.target_on,
        "by_bucket": {
            bucket.value: by_bucket.get(bucket.value, {"total": 0, "closed": 0})
            for bucket in AgeBucket
        },
    }
