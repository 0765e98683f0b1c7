"""Writes of the metrics app: computing indicators, and changing targets (which rescores).

The entry points for the nightly job, the API and the commands:

- metrics_compute(as_of=…, periods=…): every indicator, every scope, scores and rankings, stored;
- metrics_backfill(date_from=…, date_to=…, periods=…): a daily history;
- metrics_rescore(since=…): score the stored values again against the targets in force;
- indicator_target_update(indicator=…, actor=…, …): change a target, recorded and rescored;
- indicator_targets_seed(): the registry's default target of each indicator without a row;
- reference_range_set(indicator=…, court_level=…, lower=…, upper=…, effective_from=…, actor=…):
  a reference range (区间参考值) of the SPC's 2024 set, a new row of its history, audited;
- metrics_results_clear(): every stored result and computation run deleted (seed_demo --reset);
- metrics_nightly, nightly_as_of, daily_history_prune, results_changed: the nightly's steps and
  the page cache's invalidation, for the pipeline and the apps above (metrics.computation and
  metrics.bench are not imported outside metrics: pyproject's import contracts).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from cases.choices import AuditAction, CourtLevel
from cases.dates import today
from cases.services import audit_record
from metrics.choices import Unit
from metrics.computation.engine import METRICS_LOCK, metrics_backfill, metrics_compute
from metrics.computation.nightly import metrics_nightly, nightly_as_of
from metrics.computation.retention import daily_history_prune
from metrics.computation.scoring import scores_refresh
from metrics.definitions.indicators import INDICATORS, LOCAL_INDICATORS, SPC2024_INDICATORS
from metrics.definitions.periods import ALL_PERIODS
from metrics.definitions.registry import Registry
from metrics.models import (
    ComputationRun,
    FanoutBaseRow,
    FanoutChunk,
    IndicatorMonthlyTarget,
    IndicatorTarget,
    IndicatorTargetChange,
    IndicatorValue,
    PendingAgeProfile,
    ReferenceRange,
    ScopeScore,
)
from metrics.reading.pagecache import results_changed

__all__ = [
    "daily_history_prune",
    "indicator_target_change_record",
    "indicator_target_snapshot",
    "indicator_target_update",
    "indicator_targets_seed",
    "metrics_backfill",
    "metrics_compute",
    "metrics_nightly",
    "metrics_rescore",
    "metrics_results_clear",
    "nightly_as_of",
    "reference_range_set",
    "results_changed",
]

TARGET_FIELDS = [
    "weight",
    "target",
    "warning",
    "lower_target",
    "upper_target",
    "lower_warning",
    "upper_warning",
    "by_month",
]


def _plain(value):
    return format(value.normalize(), "f") if isinstance(value, Decimal) else value


def indicator_target_snapshot(target: IndicatorTarget) -> dict:
    """A target row and its monthly targets as JSON, for the change history."""
    snapshot = {field: _plain(getattr(target, field)) for field in TARGET_FIELDS}
    monthly = IndicatorMonthlyTarget.objects.filter(indicator_target=target).order_by("month")
    snapshot["monthly"] = {
        str(row.month): [_plain(row.target), _plain(row.warning)] for row in monthly
    }
    return snapshot


def _rescore_from() -> datetime.date:
    # A target change applies to this year's results; earlier years keep the scores they had.
    return today().replace(month=1, day=1)


@transaction.atomic
def metrics_results_clear() -> None:
    """Delete every stored result and computation run. The stored results hold plain unit ids,
    not foreign keys (the nightly writes them in bulk), so clearing the courts does not reach
    them: a demo seeded again would otherwise read the last demo's history as its own (a week
    before, for the abnormality detection) under the same ids."""
    for model in (IndicatorValue, ScopeScore, PendingAgeProfile, FanoutBaseRow, FanoutChunk):
        model.objects.all().delete()  # one DELETE each: nothing points at them
    ComputationRun.objects.all().delete()
    results_changed()


@transaction.atomic
def metrics_rescore(
    *, since: datetime.date | None = None, indicators: list[str] | None = None
) -> None:
    """Score the stored values of days from `since` on (None: all days) against the targets in
    force (only `indicators`' values if given), and rebuild those days' totals and rankings."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [METRICS_LOCK])
    scores_refresh(as_of_from=since, periods=ALL_PERIODS, indicators=indicators)
    results_changed()  # cached pages: a new results generation, on commit


@transaction.atomic
def indicator_target_change_record(
    *, target: IndicatorTarget, actor, old: dict | None, rescore: bool = True
) -> IndicatorTargetChange | None:
    """After a target row (and its monthly rows) was saved: append who changed what, from what
    to what, and rescore this year's stored results. Nothing is recorded if nothing changed."""
    new = indicator_target_snapshot(target)
    if new == old:
        return None
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    change = IndicatorTargetChange.objects.create(
        user=actor if authenticated else None,
        username=actor.get_username() if authenticated else "",
        indicator=target.indicator,
        old=old,
        new=new,
    )
    if rescore:
        metrics_rescore(since=_rescore_from(), indicators=[target.indicator])
    return change


@transaction.atomic
def indicator_target_update(
    *,
    indicator: str,
    actor,
    monthly: dict[int, tuple] | None = None,
    rescore: bool = True,
    **fields,
) -> IndicatorTarget:
    """Change the target of one indicator: fields of IndicatorTarget (weight, target, warning,
    lower_/upper_target, lower_/upper_warning, by_month) and, for a by-month indicator,
    `monthly` = {month: (target, warning)}. Validated, recorded, and rescored."""
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"unknown target fields: {sorted(unknown)}")
    target = IndicatorTarget.objects.select_for_update().filter(indicator=indicator).first()
    old = indicator_target_snapshot(target) if target is not None else None
    if target is None:
        target = IndicatorTarget(indicator=indicator)
    for name, value in fields.items():
        setattr(target, name, value)
    target.full_clean()
    target.save()
    for month, (month_target, month_warning) in (monthly or {}).items():
        IndicatorMonthlyTarget.objects.update_or_create(
            indicator_target=target,
            month=month,
            defaults={"target": month_target, "warning": month_warning},
        )
    indicator_target_change_record(target=target, actor=actor, old=old, rescore=rescore)
    return target


@transaction.atomic
def indicator_targets_seed(*, registry: Registry = LOCAL_INDICATORS) -> list[str]:
    """Give every indicator of the registry (the local set: the SPC's 2024 set has no target)
    without a target row its default target
    (Indicator.default_target): the rows a fresh deployment starts from, as the migrations
    seeded the first eleven. A row the office has (edited or not) is left as it is; nothing is
    rescored (seeded before any computation, or scored from the next run). The slugs seeded."""
    have = set(IndicatorTarget.objects.values_list("indicator", flat=True))
    seeded = []
    for slug, indicator in registry.items():
        default = indicator.default_target
        if slug in have or default is None:
            continue
        target = IndicatorTarget.objects.create(indicator=slug, **default.fields())
        IndicatorMonthlyTarget.objects.bulk_create(
            IndicatorMonthlyTarget(
                indicator_target=target, month=month, target=month_target, warning=month_warning
            )
            for month, (month_target, month_warning) in default.months().items()
        )
        seeded.append(slug)
    return seeded


# The SPC's revised system dates from September 2024; a range in force before 2024 would be read
# against months no one evaluated on it — a mistyped year, most likely.
RANGE_EARLIEST = datetime.date(2024, 1, 1)


def _range_bound(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(_("区间上下限须为数字")) from None
    if not number.is_finite():
        raise ValidationError(_("区间上下限须为数字"))
    return number


@transaction.atomic
def reference_range_set(
    *,
    indicator: str,
    court_level: str | None,
    lower,
    upper,
    effective_from: datetime.date,
    actor,
    note: str = "",
    demo: bool = False,
    request=None,
) -> ReferenceRange:
    """Enter the reference range (区间参考值) of an indicator of the SPC's 2024 set for one court
    level (None: every level), in force from `effective_from`: a new row of its append-only
    history (an earlier range stays, in force until this one starts), audited. Entering again
    exactly the range in force from the same day records nothing and returns that row.
    Refused with a ValidationError (in Chinese): an unknown indicator or one not of the set, an
    unknown level, no bound, lower above upper, a bound out of the indicator's unit (negative;
    a percentage above 100), a day before 2024."""
    definition = INDICATORS.get(indicator)
    if definition is None:
        raise ValidationError(_("未知指标：%(slug)s") % {"slug": indicator})
    if indicator not in SPC2024_INDICATORS:
        raise ValidationError(
            _("“%(label)s”不属于最高人民法院2024年审判质量管理指标，不设区间参考值")
            % {"label": definition.label}
        )
    court_level = court_level or None
    if court_level is not None and court_level not in CourtLevel.values:
        raise ValidationError(_("未知法院层级：%(level)s") % {"level": court_level})
    lower, upper = _range_bound(lower), _range_bound(upper)
    if lower is None and upper is None:
        raise ValidationError(_("下限和上限至少须填写一项"))
    if lower is not None and upper is not None and lower > upper:
        raise ValidationError(_("下限不能高于上限"))
    for bound in (lower, upper):
        if bound is not None and bound < 0:
            raise ValidationError(_("区间上下限不能为负数"))
        if bound is not None and definition.unit == Unit.PERCENT and bound > 100:
            raise ValidationError(_("百分比指标的区间上下限不能超过 100"))
    if not isinstance(effective_from, datetime.date):
        raise ValidationError(_("起用日期须为日期"))
    if effective_from < RANGE_EARLIEST:
        raise ValidationError(_("起用日期不能早于 %(day)s") % {"day": RANGE_EARLIEST.isoformat()})
    # One change at a time per (indicator, level): the comparison below reads the latest row.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"reference_range:{indicator}:{court_level or '*'}"],
        )
    same_day = (
        ReferenceRange.objects.filter(
            indicator=indicator, court_level=court_level, effective_from=effective_from
        )
        .order_by("-changed_at", "-id")
        .first()
    )
    if same_day is not None and (same_day.lower, same_day.upper, same_day.demo, same_day.note) == (
        lower,
        upper,
        demo,
        note or "",
    ):
        return same_day
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    row = ReferenceRange(
        indicator=indicator,
        court_level=court_level,
        lower=lower,
        upper=upper,
        effective_from=effective_from,
        note=note or "",
        demo=demo,
        changed_by=actor if authenticated else None,
        username=actor.get_username() if authenticated else "",
    )
    row.full_clean(exclude=["changed_by"])
    row.save()
    audit_record(
        action=AuditAction.CHANGE,
        request=request,
        user=actor if authenticated else None,
        object_type="reference_range",
        object_id=f"{indicator}:{court_level or '*'}:{effective_from.isoformat()}",
        detail={
            "indicator": indicator,
            "court_level": court_level,
            "lower": _plain(lower),
            "upper": _plain(upper),
            "effective_from": effective_from.isoformat(),
            "demo": demo,
            "replaces": None
            if same_day is None
            else {
                "id": same_day.pk,
                "lower": _plain(same_day.lower),
                "upper": _plain(same_day.upper),
            },
        },
    )
    results_changed()  # cached pages show ranges: a new generation, on commit
    return row
