"""Scores, totals and rankings (INDICATORS.md), set-based over the stored values.

Each indicator scores between 0 and its weight: the full weight at or beyond the target, 0 at or
beyond the warning, linear in between; a band indicator scores the full weight inside the band,
falling linearly to 0 at each warning bound. Every kind is brought to one shape, a band
[full_low, full_high] with zero points zero_low and zero_high (an open side is null), so one SQL
expression scores them all — at computation time and again after a target changes.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import astuple, dataclass

from django.db import connection

from metrics.choices import Direction, PeriodKind, Scope
from metrics.models import IndicatorTarget, IndicatorValue, ScopeScore
from metrics.periods import ALL_PERIODS
from metrics.registry import INDICATORS


@dataclass(frozen=True)
class Thresholds:
    """Where an indicator scores full and where zero, for a period kind and month (None: any)."""

    indicator: str
    period: str | None
    month: int | None
    weight: float
    full_low: float | None
    full_high: float | None
    zero_low: float | None
    zero_high: float | None


def _shape(direction, target, warning) -> tuple:
    target, warning = float(target), float(warning)
    if direction == Direction.HIGHER:
        return target, None, warning, None
    return None, target, None, warning


def thresholds() -> list[Thresholds]:
    """The scoring thresholds of the targets in force. An indicator without a target row, or
    with monthly targets outside YTD, has none: it is left out of the total."""
    rows: list[Thresholds] = []
    for row in IndicatorTarget.objects.prefetch_related("monthly"):
        indicator = INDICATORS.get(row.indicator)
        if indicator is None:
            continue
        weight = float(row.weight)
        if row.by_month:
            for monthly in row.monthly.all():
                shape = _shape(indicator.direction, monthly.target, monthly.warning)
                ytd = PeriodKind.YTD.value
                rows.append(Thresholds(row.indicator, ytd, monthly.month, weight, *shape))
        elif indicator.direction == Direction.BAND:
            bounds = (row.lower_target, row.upper_target, row.lower_warning, row.upper_warning)
            if None not in bounds:
                rows.append(
                    Thresholds(row.indicator, None, None, weight, *(float(b) for b in bounds))
                )
        elif row.target is not None and row.warning is not None:
            shape = _shape(indicator.direction, row.target, row.warning)
            rows.append(Thresholds(row.indicator, None, None, weight, *shape))
    return rows


THRESHOLD_COLUMNS = "indicator, period, month, weight, full_low, full_high, zero_low, zero_high"
THRESHOLD_TYPES = "%s::text, %s::text, %s::int, %s::float8, %s::float8, %s::float8, %s::float8, "
THRESHOLD_TYPES += "%s::float8"


def _thresholds_sql() -> tuple[str, list]:
    rows = thresholds()
    if not rows:
        empty = ", ".join(f"NULL AS {name}" for name in THRESHOLD_COLUMNS.split(", "))
        return f"SELECT {empty} WHERE false", []
    values = ", ".join(f"({THRESHOLD_TYPES})" for _ in rows)
    params = [value for row in rows for value in astuple(row)]
    return f"SELECT * FROM (VALUES {values}) AS t({THRESHOLD_COLUMNS})", params


def _peer_group_sql(alias: str, court_alias: str) -> str:
    """Peers: judges of one division; divisions of one court; courts of one level."""
    return (
        f"CASE {alias}.scope WHEN '{Scope.JUDGE}' THEN {alias}.division_id::text "
        f"WHEN '{Scope.DIVISION}' THEN {alias}.court_id::text "
        f"WHEN '{Scope.COURT}' THEN {court_alias}.level ELSE '' END"
    )


def scores_refresh(
    *,
    as_of_from: datetime.date | None = None,
    as_of_to: datetime.date | None = None,
    periods: Sequence[str] = ALL_PERIODS,
) -> None:
    """Score the stored values of the days in [as_of_from, as_of_to] (None: open) against the
    targets in force, then rebuild those days' totals and rankings. Call inside a transaction."""
    values_table = IndicatorValue._meta.db_table
    scores_table = ScopeScore._meta.db_table
    where = "v.period = ANY(%s)"
    range_params: list = [list(periods)]
    if as_of_from is not None:
        where += " AND v.as_of >= %s"
        range_params.append(as_of_from)
    if as_of_to is not None:
        where += " AND v.as_of <= %s"
        range_params.append(as_of_to)
    thresholds_sql, thresholds_params = _thresholds_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH th AS ({thresholds_sql}), scored AS (
              SELECT v.id,
                CASE WHEN v.value IS NULL THEN NULL ELSE th.weight END AS weight,
                CASE
                  WHEN v.value IS NULL OR th.weight IS NULL THEN NULL
                  WHEN v.value < th.full_low THEN th.weight * GREATEST(0,
                    (v.value - th.zero_low) / NULLIF(th.full_low - th.zero_low, 0))
                  WHEN v.value > th.full_high THEN th.weight * GREATEST(0,
                    (th.zero_high - v.value) / NULLIF(th.zero_high - th.full_high, 0))
                  ELSE th.weight
                END AS score
              FROM {values_table} v
              LEFT JOIN th ON th.indicator = v.indicator
                AND (th.period IS NULL OR th.period = v.period)
                AND (th.month IS NULL OR th.month = EXTRACT(MONTH FROM v.as_of))
              WHERE {where}
            )
            UPDATE {values_table} v SET weight = scored.weight, score = scored.score
            FROM scored
            WHERE v.id = scored.id
              AND (v.weight, v.score) IS DISTINCT FROM (scored.weight, scored.score)
            """,
            [*thresholds_params, *range_params],
        )
        cursor.execute(f"DELETE FROM {scores_table} v WHERE {where}", range_params)
        group = _peer_group_sql("t", "c")
        cursor.execute(
            f"""
            INSERT INTO {scores_table}
              (as_of, period, scope, court_id, division_id, judge_id, total, score_sum,
               weight_sum, scored, clearance_rate, rank, peers)
            SELECT t.as_of, t.period, t.scope, t.court_id, t.division_id, t.judge_id, t.total,
                   t.score_sum, t.weight_sum, t.scored, t.clearance_rate,
                   CASE WHEN t.total IS NULL OR t.scope = '{Scope.CITY}' THEN NULL
                        ELSE RANK() OVER ranked END,
                   CASE WHEN t.scope = '{Scope.CITY}' THEN NULL
                        ELSE COUNT(t.total) OVER peers END
            FROM (
              SELECT v.as_of, v.period, v.scope, v.court_id, v.division_id, v.judge_id,
                     100 * SUM(v.score) / NULLIF(SUM(v.weight), 0) AS total,
                     SUM(v.score) AS score_sum, SUM(v.weight) AS weight_sum,
                     COUNT(v.weight) AS scored,
                     MAX(v.value) FILTER (WHERE v.indicator = 'clearance_rate') AS clearance_rate
              FROM {values_table} v
              WHERE {where}
              GROUP BY v.as_of, v.period, v.scope, v.court_id, v.division_id, v.judge_id
            ) t
            LEFT JOIN cases_court c ON c.id = t.court_id
            WINDOW peers AS (PARTITION BY t.as_of, t.period, t.scope, {group}),
                   -- totals equal up to float noise tie; then the higher clearance rate wins
                   ranked AS (peers ORDER BY t.total IS NULL, ROUND(t.total::numeric, 9) DESC,
                              t.clearance_rate DESC NULLS LAST)
            """,
            range_params,
        )
