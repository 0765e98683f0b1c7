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
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.periods import ALL_PERIODS
from metrics.definitions.registry import Registry
from metrics.models import IndicatorTarget, IndicatorValue, ScopeScore


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


def thresholds(registry: Registry = INDICATORS) -> list[Thresholds]:
    """The scoring thresholds of the targets in force. An indicator without a target row, or
    with monthly targets outside YTD, has none: it is left out of the total."""
    rows: list[Thresholds] = []
    for row in IndicatorTarget.objects.prefetch_related("monthly"):
        indicator = registry.get(row.indicator)
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


def thresholds_sql(registry: Registry = INDICATORS) -> tuple[str, list]:
    """A SELECT of the thresholds in force, to use as a CTE named `th`."""
    rows = thresholds(registry)
    if not rows:
        # Typed NULLs: the join compares them with text, int and float columns.
        types = THRESHOLD_TYPES.replace("%s", "NULL").split(", ")
        empty = ", ".join(
            f"{null} AS {name}"
            for null, name in zip(types, THRESHOLD_COLUMNS.split(", "), strict=True)
        )
        return f"SELECT {empty} WHERE false", []
    values = ", ".join(f"({THRESHOLD_TYPES})" for _ in rows)
    params = [value for row in rows for value in astuple(row)]
    return f"SELECT * FROM (VALUES {values}) AS t({THRESHOLD_COLUMNS})", params


def threshold_join_sql(*, th: str, indicator: str, period: str, month: str) -> str:
    """The ON condition that picks the thresholds of a row (none: the row is left out)."""
    return (
        f"{th}.indicator = {indicator} AND ({th}.period IS NULL OR {th}.period = {period}) "
        f"AND ({th}.month IS NULL OR {th}.month = {month})"
    )


def weight_sql(*, value: str, th: str) -> str:
    """The weight a row is scored against: null (left out) without a value or thresholds."""
    return f"CASE WHEN {value} IS NULL THEN NULL ELSE {th}.weight END"


def score_sql(*, value: str, th: str) -> str:
    """The score: full weight inside [full_low, full_high], linear to 0 at the zero points."""
    return f"""CASE
      WHEN {value} IS NULL OR {th}.weight IS NULL THEN NULL
      WHEN {value} < {th}.full_low THEN {th}.weight * GREATEST(0,
        ({value} - {th}.zero_low) / NULLIF({th}.full_low - {th}.zero_low, 0))
      WHEN {value} > {th}.full_high THEN {th}.weight * GREATEST(0,
        ({th}.zero_high - {value}) / NULLIF({th}.zero_high - {th}.full_high, 0))
      ELSE {th}.weight
    END"""


def _peer_group_sql(alias: str, court_alias: str) -> str:
    """Peers: judges of one division; divisions of one court; courts of one level."""
    return (
        f"CASE {alias}.scope WHEN '{Scope.JUDGE}' THEN {alias}.division_id::text "
        f"WHEN '{Scope.DIVISION}' THEN {alias}.court_id::text "
        f"WHEN '{Scope.COURT}' THEN {court_alias}.level ELSE '' END"
    )


def _range_sql(as_of_from, as_of_to, periods) -> tuple[str, list]:
    where = "v.period = ANY(%s)"
    params: list = [list(periods)]
    if as_of_from is not None:
        where += " AND v.as_of >= %s"
        params.append(as_of_from)
    if as_of_to is not None:
        where += " AND v.as_of <= %s"
        params.append(as_of_to)
    return where, params


def scores_refresh(
    *,
    as_of_from: datetime.date | None = None,
    as_of_to: datetime.date | None = None,
    periods: Sequence[str] = ALL_PERIODS,
    indicators: Sequence[str] | None = None,
    registry: Registry = INDICATORS,
) -> None:
    """Score the stored values of the days in [as_of_from, as_of_to] (None: open) against the
    targets in force — only those of `indicators` if given, the ones whose target changed —
    then rebuild those days' totals and rankings. Call inside a transaction.
    (The engine scores new values as it inserts them, with the same SQL.)"""
    values_table = IndicatorValue._meta.db_table
    where, range_params = _range_sql(as_of_from, as_of_to, periods)
    update_where, update_params = where, list(range_params)
    if indicators is not None:
        update_where += " AND v.indicator = ANY(%s)"
        update_params.append(list(indicators))
    th_sql, th_params = thresholds_sql(registry)
    join = threshold_join_sql(
        th="th", indicator="v.indicator", period="v.period", month="EXTRACT(MONTH FROM v.as_of)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH th AS ({th_sql}), scored AS (
              SELECT v.id, {weight_sql(value="v.value", th="th")} AS weight,
                     {score_sql(value="v.value", th="th")} AS score
              FROM {values_table} v LEFT JOIN th ON {join}
              WHERE {update_where}
            )
            UPDATE {values_table} v SET weight = scored.weight, score = scored.score
            FROM scored
            WHERE v.id = scored.id
              AND (v.weight, v.score) IS DISTINCT FROM (scored.weight, scored.score)
            """,
            [*th_params, *update_params],
        )
    totals_refresh(as_of_from=as_of_from, as_of_to=as_of_to, periods=periods, registry=registry)


TOTAL_COLUMNS = [
    "total",
    "score_sum",
    "weight_sum",
    "scored",
    "tie_break_value",
    "rank",
    "peers",
]


def totals_refresh(
    *,
    as_of_from: datetime.date | None = None,
    as_of_to: datetime.date | None = None,
    periods: Sequence[str] = ALL_PERIODS,
    registry: Registry = INDICATORS,
) -> None:
    """Rebuild the totals and rankings (ScopeScore) of the days in [as_of_from, as_of_to] from
    the stored scores: one row per unit that has values. Call inside a transaction."""
    values_table = IndicatorValue._meta.db_table
    scores_table = ScopeScore._meta.db_table
    where, range_params = _range_sql(as_of_from, as_of_to, periods)
    tie_breaker = registry.tie_breaker
    with connection.cursor() as cursor:
        group = _peer_group_sql("t", "c")
        changing = ", ".join(f"{column} = EXCLUDED.{column}" for column in TOTAL_COLUMNS)
        old = ", ".join(f"s.{column}" for column in TOTAL_COLUMNS)
        new = ", ".join(f"EXCLUDED.{column}" for column in TOTAL_COLUMNS)
        cursor.execute(
            f"""
            INSERT INTO {scores_table} AS s
              (as_of, period, scope, court_id, division_id, judge_id, total, score_sum,
               weight_sum, scored, tie_break_value, rank, peers)
            SELECT t.as_of, t.period, t.scope, t.court_id, t.division_id, t.judge_id, t.total,
                   t.score_sum, t.weight_sum, t.scored, t.tie_break_value,
                   CASE WHEN t.total IS NULL OR t.scope = '{Scope.CITY}' THEN NULL
                        ELSE RANK() OVER ranked END,
                   CASE WHEN t.scope = '{Scope.CITY}' THEN NULL
                        ELSE COUNT(t.total) OVER peers END
            FROM (
              SELECT v.as_of, v.period, v.scope, v.court_id, v.division_id, v.judge_id,
                     -- float sums in a fixed order: two runs give bit-identical totals
                     100 * SUM(v.score ORDER BY v.indicator)
                       / NULLIF(SUM(v.weight ORDER BY v.indicator), 0) AS total,
                     SUM(v.score ORDER BY v.indicator) AS score_sum,
                     SUM(v.weight ORDER BY v.indicator) AS weight_sum,
                     COUNT(v.weight) AS scored,
                     -- the value of the registry's tie-breaking indicator
                     MAX(v.value) FILTER (WHERE v.indicator = %s) AS tie_break_value
              FROM {values_table} v
              WHERE {where}
              GROUP BY v.as_of, v.period, v.scope, v.court_id, v.division_id, v.judge_id
            ) t
            LEFT JOIN cases_court c ON c.id = t.court_id
            WINDOW peers AS (PARTITION BY t.as_of, t.period, t.scope, {group}),
                   -- totals equal up to float noise tie; then the higher value of the
                   -- tie-breaking indicator (结案率) wins
                   ranked AS (peers ORDER BY t.total IS NULL, ROUND(t.total::numeric, 9) DESC,
                              t.tie_break_value DESC NULLS LAST)
            -- Rescoring updates the rows in place (no foreign keys to check again), and only
            -- the rows whose totals or ranks moved.
            ON CONFLICT ON CONSTRAINT scope_score_unique DO UPDATE SET {changing}
            WHERE ({old}) IS DISTINCT FROM ({new})
            """,
            [tie_breaker.slug if tie_breaker else "", *range_params],
        )
