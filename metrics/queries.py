"""Reads of the stored metrics for the API: which rows a user may see, the latest computed day,
the unit a request names, and how rankings moved.

Visibility follows cases.scoping through metrics.scopes.user_scope_key: a user sees the stored
rows of their own unit and of the units below it — a judge their own judge rows, a division
head their division and its judges, the office and leaders their court (the city for the
intermediate court) and everything below it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from cases.models import Court, Division, Judge
from metrics.choices import RankingMode, RunStatus, Scope
from metrics.models import ComputationRun, IndicatorTarget, IndicatorTargetChange, ScopeScore
from metrics.periods import add_months
from metrics.registry import INDICATORS
from metrics.scopes import ScopeKey, user_scope_key
from metrics.selectors import ranking_mode, rankings

WEEK = datetime.timedelta(days=7)


class UnitNotFound(LookupError):
    """A court code, division id or judge id that names no unit (or units that disagree)."""


def rows_visible_q(user) -> Q | None:
    """Stored rows (IndicatorValue, ScopeScore) of the units a user may see; None: none."""
    own = user_scope_key(user)
    if own is None:
        return None
    ids = {"court_id": own.court_id, "division_id": own.division_id, "judge_id": own.judge_id}
    return Q(**{name: value for name, value in ids.items() if value is not None})


def rows_in_scope(queryset: QuerySet, user) -> QuerySet:
    """`queryset` of IndicatorValue or ScopeScore, narrowed to what `user` may see."""
    visible = rows_visible_q(user)
    return queryset.none() if visible is None else queryset.filter(visible)


def latest_computed(period: str | None = None) -> datetime.date | None:
    """The last day with a finished computation (of `period`, or of any period)."""
    runs = ComputationRun.objects.filter(status=RunStatus.DONE)
    if period:
        runs = runs.filter(period=period)
    return runs.order_by("-as_of").values_list("as_of", flat=True).first()


def unit_resolve(
    *, court: str | None = None, division: int | None = None, judge: int | None = None
) -> ScopeKey:
    """The unit named by a court code, a division id and/or a judge id (the most specific one
    wins; the others must agree with it). None of them: the city."""
    court_obj = division_obj = judge_obj = None
    try:
        if court:
            court_obj = Court.objects.get(code=court)
        if division is not None:
            division_obj = Division.objects.get(pk=division)
        if judge is not None:
            judge_obj = Judge.objects.get(pk=judge)
    except (Court.DoesNotExist, Division.DoesNotExist, Judge.DoesNotExist):
        raise UnitNotFound from None
    if judge_obj is not None:
        # A judge's rows carry the division written on their cases: usually their own.
        division_id = division_obj.pk if division_obj is not None else judge_obj.division_id
        key = ScopeKey(Scope.JUDGE, judge_obj.court_id, division_id, judge_obj.pk)
    elif division_obj is not None:
        key = ScopeKey(Scope.DIVISION, division_obj.court_id, division_obj.pk)
    elif court_obj is not None:
        key = ScopeKey(Scope.COURT, court_obj.pk)
    else:
        return ScopeKey.city()
    if court_obj is not None and key.court_id != court_obj.pk:
        raise UnitNotFound
    if division_obj is not None and judge_obj is not None:
        if division_obj.court_id != judge_obj.court_id:
            raise UnitNotFound
    return key


@dataclass(frozen=True)
class Move:
    """A unit's standing on an earlier day, and the change since (rank: positive is up)."""

    rank_before: int | None
    total_before: float | None
    rank_change: int | None
    total_change: float | None


def _move(now: dict, before: ScopeScore | None) -> Move:
    if before is None:
        return Move(None, None, None, None)
    rank_change = None
    if now["rank"] is not None and before.rank is not None:
        rank_change = before.rank - now["rank"]
    total_change = None
    if now["total"] is not None and before.total is not None:
        total_change = now["total"] - before.total
    return Move(before.rank, before.total, rank_change, total_change)


def rankings_with_moves(*, parent: ScopeKey, as_of: datetime.date, period: str) -> list[dict]:
    """metrics.selectors.rankings of the units below `parent`, each (in the ranks mode) with
    its move against the week before ("week") and the month before ("month"); in the bands
    mode there is no order to move in, so none."""
    entries = rankings(parent=parent, as_of=as_of, period=period)
    if ranking_mode() is RankingMode.BANDS:
        return entries
    days = {"week": as_of - WEEK, "month": add_months(as_of, -1)}
    earlier = ScopeScore.objects.filter(
        parent.children_q(), period=period, as_of__in=days.values()
    ).only("as_of", "scope", "court_id", "division_id", "judge_id", "rank", "total")
    by_day = {(row.as_of, ScopeKey.of_row(row)): row for row in earlier}
    for entry in entries:
        for name, day in days.items():
            entry[name] = _move(entry, by_day.get((day, entry["unit"])))
    return entries


def indicator_catalogue() -> list[dict]:
    """Every indicator of the registry with its target in force and its last change (who and
    when), in registry order: two queries."""
    targets = {row.indicator: row for row in IndicatorTarget.objects.prefetch_related("monthly")}
    changes = {
        row.indicator: row
        for row in IndicatorTargetChange.objects.order_by("indicator", "-at", "-id").distinct(
            "indicator"
        )
    }
    return [
        {
            "number": indicator.number,
            "slug": indicator.slug,
            "label": indicator.label,
            "unit": indicator.unit,
            "unit_label": indicator.unit.label,
            "direction": indicator.direction,
            "direction_label": indicator.direction.label,
            "scopes": [scope for scope in Scope if scope in indicator.scopes],
            "target": targets.get(indicator.slug),
            "last_change": changes.get(indicator.slug),
        }
        for indicator in INDICATORS.values()
    ]
