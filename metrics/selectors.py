"""Reads of the metrics app: the drill-down behind any number, and what dashboards show.

- indicator_cases: the cases behind a numerator or denominator, by the very condition that
  computed it (chain `.in_scope(user)`, or pass a scoped queryset);
- unit_values / indicator_series / children_values: stored values of a unit on a day, over
  time, and of the units below it;
- rankings: peers ordered by total (ranks mode) or bands only (COURTDASH_RANKING_MODE);
- contract_rows: the rows of `compute_indicators --json`;
- value_state: what a stored value is to show: a value, "—" (zero denominator) or "no data";
- range_in_force / ranges_in_force / range_status / range_states: the reference range (区间参考值)
  of an indicator of the SPC's 2024 set in force for a court level on a day, and where a value
  (or each stored row, against the range of its own day) stands.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404

from cases.fragments import kept_with_results
from cases.models import Case, RankingSetting
from cases.runs import RunStatus
from cases.units import CHILD_SCOPE, ScopeKey, top_unit_name
from metrics.choices import IndicatorSet, PeriodKind, RangeStatus, RankingMode, Scope, ScoreBand
from metrics.computation.scoring import thresholds
from metrics.definitions.indicators import INDICATORS, default_sets, ordered_sets
from metrics.definitions.periods import Period
from metrics.definitions.registry import Indicator
from metrics.models import (
    ComputationRun,
    IndicatorSetSetting,
    IndicatorValue,
    ReferenceRange,
    ScopeScore,
)

SCOPE_ORDER = {scope: index for index, scope in enumerate(Scope)}


def indicator_or_404(slug: str) -> Indicator:
    try:
        return INDICATORS[slug]
    except KeyError:
        raise Http404(slug) from None


def _indicator(indicator: Indicator | str) -> Indicator:
    return INDICATORS[indicator] if isinstance(indicator, str) else indicator


def indicator_cases(
    indicator: Indicator | str,
    period: Period,
    scope_filter: ScopeKey | Q | None = None,
    part: str = "numerator",
    *,
    queryset: QuerySet | None = None,
) -> QuerySet:
    """The cases counted by (or, for a sum, summed over by) one side of an indicator.

    `scope_filter` is a ScopeKey (or any Q over cases; None: the city). The result is a Case
    queryset, so it chains with `.in_scope(user)`; or pass `queryset=Case.objects.in_scope(user)`.
    """
    measure = _indicator(indicator).measure(part, period)
    queryset = Case.objects.all() if queryset is None else queryset
    if isinstance(scope_filter, ScopeKey):
        scope_filter = scope_filter.cases_q()
    if scope_filter is not None:
        queryset = queryset.filter(scope_filter)
    return measure.cases(queryset)


def latest_as_of(
    period: str | None = PeriodKind.YTD, on_or_before: datetime.date | None = None
) -> datetime.date | None:
    """The last day with stored results: a finished computation of `period` (of any period when
    None), on or before `on_or_before` when given. The one "latest computed day": every page,
    API default, command and report asks this function. In a request, kept in the process
    while the results generation stays the same (a run marks itself done where it changes it).
    """
    runs = ComputationRun.objects.filter(status=RunStatus.DONE)
    if period:
        runs = runs.filter(period=period)
    if on_or_before is not None:
        runs = runs.filter(as_of__lte=on_or_before)
    newest = runs.order_by("-as_of").values_list("as_of", flat=True)
    return kept_with_results("latest_as_of", newest.first, period, on_or_before)


def _values() -> QuerySet:
    return IndicatorValue.objects.select_related("court", "division", "judge")


def unit_values(*, unit: ScopeKey, as_of: datetime.date, period: str) -> QuerySet:
    """Every stored indicator of one unit on one day (in registry order via `by_registry`)."""
    return _values().filter(unit.rows_q(), as_of=as_of, period=period)


def indicator_series(
    *,
    unit: ScopeKey,
    indicator: Indicator | str,
    period: str = PeriodKind.YTD,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet:
    """One indicator of one unit over time, oldest first (trend charts)."""
    rows = IndicatorValue.objects.filter(
        unit.rows_q(), indicator=_indicator(indicator).slug, period=period
    )
    if date_from is not None:
        rows = rows.filter(as_of__gte=date_from)
    if date_to is not None:
        rows = rows.filter(as_of__lte=date_to)
    return rows.order_by("as_of")


def children_values(
    *,
    unit: ScopeKey,
    as_of: datetime.date,
    period: str,
    indicator: Indicator | str | None = None,
) -> QuerySet:
    """The stored values of the units one level below `unit` (city → courts → divisions →
    judges), ordered by their codes."""
    rows = _values().filter(unit.children_q(), as_of=as_of, period=period)
    if indicator is not None:
        rows = rows.filter(indicator=_indicator(indicator).slug)
    return rows.order_by("court__code", "division__name", "judge__staff_id", "indicator")


def by_registry(rows) -> list:
    """Rows sorted into registry order of their indicator (stable otherwise)."""
    order = {slug: index for index, slug in enumerate(INDICATORS)}
    return sorted(rows, key=lambda row: order.get(row.indicator, len(order)))


def score_band(*, score: float | None, weight: float | None) -> ScoreBand | None:
    """Met (full marks, 满分), between target and warning, or missed (0); None if left out."""
    if score is None or not weight:
        return None
    if score >= weight:
        return ScoreBand.MET
    return ScoreBand.MISSED if score <= 0 else ScoreBand.BETWEEN


def ranking_mode() -> RankingMode:
    """Ranks or bands: the city's office's latest choice (cases.models.RankingSetting, set on
    the settings page), else COURTDASH_RANKING_MODE. Every reader of the mode asks here. In a
    request, kept in the process while the results generation stays the same (a choice
    changes it)."""
    latest = RankingSetting.objects.order_by("-changed_at", "-id").values_list("mode", flat=True)
    chosen = kept_with_results("ranking_mode", latest.first)
    return RankingMode(chosen or settings.COURTDASH_RANKING_MODE)


def shown_sets() -> list[IndicatorSet]:
    """The indicator sets the deployment shows, in choice order: the city's office's latest
    choice (IndicatorSetSetting, set on the settings page), else COURTDASH_INDICATOR_SETS. In a
    request, kept in the process while the results generation stays the same (a choice
    changes it)."""
    latest = IndicatorSetSetting.objects.order_by("-changed_at", "-id").values_list(
        "sets", flat=True
    )
    chosen = kept_with_results("shown_sets", latest.first)
    return ordered_sets(chosen) if chosen else default_sets()


def unit_code(row) -> str:
    if row.scope == Scope.JUDGE:
        return row.judge.staff_id
    if row.scope == Scope.DIVISION:
        return row.division.name
    if row.scope == Scope.COURT:
        return row.court.code
    return ""


def unit_name(row) -> str:
    if row.scope == Scope.JUDGE:
        return row.judge.name
    if row.scope == Scope.DIVISION:
        return row.division.name
    if row.scope == Scope.COURT:
        return row.court.name
    return top_unit_name()  # 全市, or 全省 in a province


def rankings(
    *, parent: ScopeKey, as_of: datetime.date, period: str, mode: RankingMode | None = None
) -> list[dict]:
    """The units directly below `parent`, each with its total score.

    Ranks mode: ordered by rank (standard competition ranking, 1, 1, 3: by total, then the
    tie-breaking indicator's value; ties share a rank), then code; units with no total last,
    unranked.
    Bands mode: no order and no rank or total — by code, each indicator only as met / between /
    missed. For the city's courts, peers are courts of one level (the intermediate court ranks
    alone). `mode`: the ranking mode already read (`ranking_mode()`), by a caller asking twice.
    """
    scores = ScopeScore.objects.filter(parent.children_q(), as_of=as_of, period=period)
    scores = scores.select_related("court", "division", "judge")
    bands_only = (mode or ranking_mode()) is RankingMode.BANDS
    bands: dict[ScopeKey, dict] = defaultdict(dict)
    if bands_only:
        values = IndicatorValue.objects.filter(parent.children_q(), as_of=as_of, period=period)
        for value in values.only(
            "scope", "court_id", "division_id", "judge_id", "indicator", "score", "weight"
        ):
            band = score_band(score=value.score, weight=value.weight)
            bands[ScopeKey.of_row(value)][value.indicator] = band
    result = []
    for row in scores:
        unit = ScopeKey.of_row(row)
        entry = {
            "unit": unit,
            "scope": row.scope,
            "code": unit_code(row),
            "name": unit_name(row),
            "total": None if bands_only else row.total,
            "rank": None if bands_only else row.rank,
            "peers": None if bands_only else row.peers,
        }
        if bands_only:
            entry["bands"] = bands[unit]
        result.append(entry)
    if bands_only:
        return sorted(result, key=lambda entry: entry["code"])
    return sorted(result, key=lambda e: (e["rank"] is None, e["rank"] or 0, e["code"]))


class ValueState:
    """What a stored value shows (INDICATORS.md): its value, "—" for a zero denominator, or "no
    data" where the unit's source system does not record what the indicator needs."""

    VALUE = "value"
    NONE = "none"  # zero denominator: "—"
    NO_DATA = "no_data"


def value_state(row) -> str:
    """ValueState of a stored IndicatorValue (or any row with `value` and `no_data`)."""
    if getattr(row, "no_data", False):
        return ValueState.NO_DATA
    return ValueState.NONE if row.value is None else ValueState.VALUE


def _number(value):
    """Plain JSON numbers: integral sums as integers, money sums may be fractional."""
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def _sets(slug: str) -> list[str]:
    indicator = INDICATORS.get(slug)
    return sorted(str(s) for s in indicator.sets) if indicator else []


def contract_rows(*, as_of: datetime.date, period: str) -> list[dict]:
    """One object per (scope unit, indicator), as `compute_indicators --json` prints them:
    city, then courts, divisions, judges by code; indicators in registry order."""
    order = {slug: index for index, slug in enumerate(INDICATORS)}
    rows = sorted(
        _values().filter(as_of=as_of, period=period),
        key=lambda row: (
            SCOPE_ORDER[row.scope],
            row.court.code if row.court_id else "",
            row.division.name if row.division_id else "",
            row.judge.staff_id if row.judge_id else "",
            order.get(row.indicator, len(order)),
        ),
    )
    return [
        {
            "scope": row.scope,
            "court": row.court.code if row.court_id else None,
            "division": row.division.name if row.division_id else None,
            "judge": row.judge.staff_id if row.judge_id else None,
            "indicator": row.indicator,
            "numerator": _number(row.numerator),
            "denominator": _number(row.denominator),
            "value": row.value,
            "score": row.score,
            # Beyond the contract's keys (issue 14): the sets the indicator belongs to, the
            # version of its definition that computed the value, and "no data" (the unit's
            # source system lacks the columns it needs: value null, and not a zero denominator).
            "sets": _sets(row.indicator),
            "version": row.version,
            "no_data": row.no_data,
        }
        for row in rows
    ]


__all__ = [
    "CHILD_SCOPE",
    "by_registry",
    "children_values",
    "contract_rows",
    "indicator_cases",
    "indicator_or_404",
    "indicator_series",
    "latest_as_of",
    "rankings",
    "score_band",
    "thresholds",
    "thresholds",
    "unit_values",
    "value_state",
]


# --- reference ranges (区间参考值) of the SPC's 2024 set --------------------------------------


def _slug(indicator: Indicator | str) -> str:
    return indicator if isinstance(indicator, str) else indicator.slug


def latest_range_rows(slugs: Iterable[str], on: datetime.date) -> QuerySet:
    """Per (indicator, court level or all levels): the row with the latest effective_from on or
    before `on` (of two entered for the same day, the later). One query (DISTINCT ON)."""
    return (
        ReferenceRange.objects.filter(indicator__in=list(slugs), effective_from__lte=on)
        .order_by("indicator", "court_level", "-effective_from", "-changed_at", "-id")
        .distinct("indicator", "court_level")
        .select_related("changed_by")
    )


def ranges_in_force(
    pairs: Iterable[tuple[Indicator | str, str | None]], on: datetime.date
) -> dict[tuple[str, str | None], ReferenceRange | None]:
    """The range in force on `on` for each (indicator, court level) pair — the level's own
    range if it has one in force, else the all-levels one, else None — in one query. A level of
    None (the city as a whole) reads the all-levels range only. Keys: (slug, level)."""
    wanted = [(_slug(indicator), level or None) for indicator, level in pairs]
    if not wanted:
        return {}
    latest = {
        (row.indicator, row.court_level): row
        for row in latest_range_rows({slug for slug, _level in wanted}, on)
    }
    result = {}
    for slug, level in wanted:
        own = latest.get((slug, level)) if level is not None else None
        result[(slug, level)] = own or latest.get((slug, None))
    return result


def ranges_on_days(
    indicator: Indicator | str, court_level: str | None, days: Iterable[datetime.date]
) -> dict[datetime.date, ReferenceRange | None]:
    """The range in force on each of `days` for one indicator and court level, by the rules of
    `ranges_in_force`, from one query of the indicator's rows (a trend's year of days)."""
    days = sorted(set(days))
    if not days:
        return {}
    slug, level = _slug(indicator), court_level or None
    rows = list(
        ReferenceRange.objects.filter(indicator=slug, effective_from__lte=days[-1])
        .filter(Q(court_level__isnull=True) | Q(court_level=level))
        .order_by("effective_from", "changed_at", "id")
    )

    def latest(day, own: bool):
        found = None
        for row in rows:  # ascending: the last one on or before the day holds
            if row.effective_from > day:
                break
            if (row.court_level is not None) == own and (not own or row.court_level == level):
                found = row
        return found

    return {day: (latest(day, True) if level else None) or latest(day, False) for day in days}


def range_in_force(
    indicator: Indicator | str, court_level: str | None, on: datetime.date
) -> ReferenceRange | None:
    """The reference range of one indicator for one court level (None: the all-levels range)
    in force on `on`: the level's own row before the all-levels one, and of those the latest
    effective_from on or before `on`. A range effective later is not yet in force."""
    return ranges_in_force([(indicator, court_level)], on)[(_slug(indicator), court_level or None)]


def range_status(value, reference: ReferenceRange | None) -> RangeStatus:
    """Where a value stands against its range: inside (bounds included: 达标), below, above;
    no range in force; or no value (a zero denominator or "no data": nothing to flag). `value`
    is a number, None, or a stored row (IndicatorValue: its value, and no_data)."""
    if value is not None and hasattr(value, "value"):
        value = None if getattr(value, "no_data", False) else value.value
    if value is None or value != value:  # NaN: no value either
        return RangeStatus.NO_VALUE
    if reference is None:
        return RangeStatus.NO_RANGE
    # Decimal from the float's shortest repr: 95.0 against a bound of 95.0000 is exactly equal.
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if reference.lower is not None and number < reference.lower:
        return RangeStatus.BELOW
    if reference.upper is not None and number > reference.upper:
        return RangeStatus.ABOVE
    return RangeStatus.INSIDE


def court_level_of(row) -> str | None:
    """The court level whose range applies to a stored row: its court's (a division or judge
    row: their court's); None for the city (the all-levels range)."""
    court = getattr(row, "court", None)
    return court.level if court is not None else None


def range_states(rows) -> list[tuple[object, ReferenceRange | None, RangeStatus]]:
    """(row, range in force, status) for stored IndicatorValue rows of the SPC's set (their
    court selected), each read against the range in force on its own as_of day: a past day
    reads as it was. One query per distinct as_of."""
    rows = list(rows)
    by_day: dict[datetime.date, list] = defaultdict(list)
    for row in rows:
        by_day[row.as_of].append(row)
    found: dict[tuple[datetime.date, str, str | None], ReferenceRange | None] = {}
    for day, day_rows in by_day.items():
        pairs = {(row.indicator, court_level_of(row)) for row in day_rows}
        for key, reference in ranges_in_force(pairs, day).items():
            found[(day, *key)] = reference
    result = []
    for row in rows:
        reference = found[(row.as_of, row.indicator, court_level_of(row))]
        result.append((row, reference, range_status(row, reference)))
    return result


def reference_range_history(indicator: Indicator | str | None = None) -> QuerySet:
    """Every range ever entered (the append-only rows), newest first."""
    rows = ReferenceRange.objects.select_related("changed_by").order_by("-changed_at", "-id")
    return rows if indicator is None else rows.filter(indicator=_slug(indicator))
