"""Reads of the metrics app: the drill-down behind any number, and what dashboards show.

- indicator_cases: the cases behind a numerator or denominator, by the very condition that
  computed it (chain `.in_scope(user)`, or pass a scoped queryset);
- unit_values / indicator_series / children_values: stored values of a unit on a day, over
  time, and of the units below it;
- rankings: peers ordered by total (ranks mode) or bands only (COURTDASH_RANKING_MODE);
- contract_rows: the rows of `compute_indicators --json`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404

from cases.models import Case, RankingSetting
from cases.runs import RunStatus
from cases.units import CHILD_SCOPE, ScopeKey
from metrics.choices import PeriodKind, RankingMode, Scope, ScoreBand
from metrics.computation.scoring import thresholds
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.periods import Period
from metrics.definitions.registry import Indicator
from metrics.models import ComputationRun, IndicatorValue, ScopeScore

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
    API default, command and report asks this function."""
    runs = ComputationRun.objects.filter(status=RunStatus.DONE)
    if period:
        runs = runs.filter(period=period)
    if on_or_before is not None:
        runs = runs.filter(as_of__lte=on_or_before)
    return runs.order_by("-as_of").values_list("as_of", flat=True).first()


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
    the settings page), else COURTDASH_RANKING_MODE. Every reader of the mode asks here."""
    latest = RankingSetting.objects.order_by("-changed_at", "-id").values_list("mode", flat=True)
    return RankingMode(latest.first() or settings.COURTDASH_RANKING_MODE)


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
    return str(Scope.CITY.label)


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


def _number(value):
    """Plain JSON numbers: integral sums as integers, money sums may be fractional."""
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


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
]
