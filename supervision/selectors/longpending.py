"""Long-pending cases (长期未结) by age bucket, the outlook (可能发生的动向), overdue cases,
and clearance campaign progress. Counts and the case lists behind them use one condition."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from cases.choices import Band
from cases.dates import today
from cases.models import Case
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


def long_pending_cases(
    *, user, day: datetime.date | None = None, bucket: AgeBucket | str | None = None
) -> QuerySet[Case]:
    """Cases in scope pending on `day` and more than 12 months old, with their `age_bucket`."""
    day = day or today()
    cases = (
        Case.objects.in_scope(user)
        .pending_at(day)
        .filter(older_than(12, day))
        .annotate(age_bucket=age_bucket(day))
    )
    if bucket:
        cases = cases.filter(bucket_condition(AgeBucket(bucket), day))
    return cases.select_related("court", "division", "judge").order_by("filed_on", "case_number")


def long_pending_counts(
    *, user, day: datetime.date | None = None, by: str | None = None
) -> list[dict]:
    """Counts per age bucket (and in all), for the whole scope or per court/division/judge."""
    day = day or today()
    counts = {
        bucket.value: Count("id", filter=bucket_condition(bucket, day)) for bucket in AgeBucket
    }
    cases = Case.objects.in_scope(user).pending_at(day).filter(older_than(12, day))
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


def long_pending_outlook(*, user, day: datetime.date | None = None) -> dict[int, dict[int, int]]:
    """可能发生的动向: how many cases pending today will pass 12, 24, 36 months within 30, 60,
    90 days if nothing is done: {threshold: {horizon: count}} (horizons are cumulative)."""
    day = day or today()
    counts = (
        Case.objects.in_scope(user)
        .pending_at(day)
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
    *, user, threshold: int, horizon: int, day: datetime.date | None = None
) -> QuerySet[Case]:
    """The cases behind one outlook count, each with `threshold_on`: filed_on + threshold
    months, the last day before it counts as more than `threshold` months old."""
    day = day or today()
    return (
        Case.objects.in_scope(user)
        .pending_at(day)
        .filter(_crossing(threshold, horizon, day))
        .annotate(threshold_on=PlusMonths("filed_on", threshold))
        .select_related("court", "division", "judge")
        .order_by("filed_on", "case_number")
    )


def overdue_cases(*, user, day: datetime.date | None = None) -> QuerySet[Case]:
    """Pending cases past their deadline (超审限), most overdue first."""
    return (
        Case.objects.in_scope(user)
        .pending()
        .with_band(day or today())
        .filter(band=Band.OVERDUE)
        .select_related("court", "division", "judge")
        .by_urgency()
    )


def campaign_entries(*, user, campaign: ClearanceCampaign) -> QuerySet[CampaignCase]:
    """The part of a campaign's list in the user's scope."""
    return (
        CampaignCase.objects.in_scope(user)
        .filter(campaign=campaign)
        .select_related("case", "case__division", "case__judge", "leader")
        .order_by("case__filed_on", "id")
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
