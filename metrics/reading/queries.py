"""Reads of the stored metrics for the API: the latest computed day and how rankings moved.

Which rows a user may see is not decided here: stored rows are `in_scope(user)` (cases.units).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cases.units import ScopeKey
from metrics.choices import RankingMode, Scope
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.periods import add_months
from metrics.models import IndicatorTarget, IndicatorTargetChange, ScopeScore
from metrics.selectors import ranking_mode, rankings

WEEK = datetime.timedelta(days=7)


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
