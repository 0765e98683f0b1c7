"""What the dashboard pages read, shaped for them: a unit's tiles, the units below a number, a
year's trend, the monthly flow, the weekly ranking, the international companions.

Stored results only (IndicatorValue, ScopeScore, ComputationRun, the targets in force), read
through metrics.selectors — no indicator is computed in a request. The one read of the case
table is the age profile of pending cases: one grouped query (see pending_age_profile).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from cases.models import Court, Division, Judge
from metrics.choices import Direction, PeriodKind, RankingMode, RunStatus, Scope, ScoreBand
from metrics.conditions import WORKLOAD, pending_at
from metrics.models import ComputationRun, IndicatorValue, ScopeScore
from metrics.periods import Period, add_months
from metrics.registry import INDICATORS, Indicator
from metrics.scopes import ScopeKey
from metrics.scoring import Thresholds, thresholds
from metrics.selectors import (
    children_values,
    indicator_series,
    ranking_mode,
    rankings,
    score_band,
    unit_code,
    unit_name,
    unit_values,
)

WEEK = datetime.timedelta(days=7)
TWO_PLACES = Decimal("0.01")
YTD = PeriodKind.YTD.value
# Pending-age buckets of CEPEJ / CourTools "age of active pending caseload", in months.
AGE_BUCKETS = ((0, 6), (6, 12), (12, 18), (18, 24), (24, 36), (36, None))


def rounded(value) -> Decimal | None:
    """Half up to 2 decimals, for display only: stored values stay exact."""
    if value is None:
        return None
    text = repr(value) if isinstance(value, float) else str(value)
    return Decimal(text).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def plotted(value) -> float | None:
    """A value as a chart shows it: rounded like every other display."""
    number = rounded(value)
    return None if number is None else float(number)


def same_day_last_year(day: datetime.date) -> datetime.date:
    return add_months(day, -12)  # 29 February → 28 February


def as_of_resolve(period: str, requested: datetime.date | None = None) -> datetime.date | None:
    """The last day with a finished computation of `period`, on or before `requested`."""
    runs = ComputationRun.objects.filter(period=period, status=RunStatus.DONE)
    if requested is not None:
        runs = runs.filter(as_of__lte=requested)
    return runs.order_by("-as_of").values_list("as_of", flat=True).first()


# The unit


@dataclass(frozen=True)
class UnitInfo:
    key: ScopeKey
    court: Court | None
    division: Division | None
    judge: Judge | None

    @property
    def name(self) -> str:
        if self.judge is not None:
            return self.judge.name
        if self.division is not None:
            return self.division.name
        if self.court is not None:
            return self.court.name
        return str(Scope.CITY.label)

    @property
    def title(self) -> str:
        """The unit with the ones above it, e.g. 苏州市虎丘区人民法院 民一庭 王磊."""
        parts = [self.court.name if self.court else str(Scope.CITY.label)]
        parts += [unit.name for unit in (self.division, self.judge) if unit is not None]
        return " ".join(parts)

    def ancestors(self) -> list[ScopeKey]:
        """The units above this one and itself, from the city down."""
        key = self.key
        chain = [ScopeKey.city()]
        if key.court_id is not None:
            chain.append(ScopeKey(Scope.COURT, key.court_id))
        if key.division_id is not None:
            chain.append(ScopeKey(Scope.DIVISION, key.court_id, key.division_id))
        if key.judge_id is not None:
            chain.append(key)
        return chain

    def name_of(self, key: ScopeKey) -> str:
        """The name of this unit or of one above it."""
        return {
            Scope.CITY: str(Scope.CITY.label),
            Scope.COURT: self.court.name if self.court else "",
            Scope.DIVISION: self.division.name if self.division else "",
            Scope.JUDGE: self.judge.name if self.judge else "",
        }[key.scope]


def unit_info(key: ScopeKey) -> UnitInfo | None:
    """The court, division and judge of a unit (two queries at most); None if one of them does
    not exist or the division is not the court's. The judge is the one written on the cases,
    so their current division is not required to be this one."""
    court = division = judge = None
    if key.division_id is not None:
        division = Division.objects.select_related("court").filter(pk=key.division_id).first()
        if division is None or division.court_id != key.court_id:
            return None
        court = division.court
    elif key.court_id is not None:
        court = Court.objects.filter(pk=key.court_id).first()
        if court is None:
            return None
    if key.judge_id is not None:
        judge = Judge.objects.filter(pk=key.judge_id).first()
        if judge is None:
            return None
    return UnitInfo(key=key, court=court, division=division, judge=judge)


# Targets


@dataclass(frozen=True)
class Target:
    """The target in force for one indicator, period and month: where it scores full and zero."""

    indicator: Indicator
    thresholds: Thresholds | None

    @property
    def weight(self) -> float | None:
        return self.thresholds.weight if self.thresholds else None

    @property
    def full(self) -> tuple[float | None, float | None]:
        """(lower, upper) bounds of full marks; one side open except for a band."""
        if self.thresholds is None:
            return None, None
        return self.thresholds.full_low, self.thresholds.full_high

    @property
    def zero(self) -> tuple[float | None, float | None]:
        if self.thresholds is None:
            return None, None
        return self.thresholds.zero_low, self.thresholds.zero_high

    @property
    def target(self) -> float | None:
        low, high = self.full
        return high if self.indicator.direction == Direction.LOWER else low

    @property
    def warning(self) -> float | None:
        low, high = self.zero
        return high if self.indicator.direction == Direction.LOWER else low

    @property
    def is_band(self) -> bool:
        return self.indicator.direction == Direction.BAND


class TargetBook:
    """The targets in force (two queries), looked up per indicator, period and month."""

    def __init__(self):
        self._rows: dict[str, list[Thresholds]] = defaultdict(list)
        for row in thresholds():
            self._rows[row.indicator].append(row)

    def get(self, indicator: Indicator, period: str, day: datetime.date) -> Target:
        for row in self._rows.get(indicator.slug, ()):
            if row.period not in (None, period):
                continue
            if row.month not in (None, day.month):
                continue
            return Target(indicator=indicator, thresholds=row)
        return Target(indicator=indicator, thresholds=None)

    def weight(self, indicator: Indicator) -> float | None:
        rows = self._rows.get(indicator.slug)
        return rows[0].weight if rows else None


# The overview


def _by_indicator(rows) -> dict[str, IndicatorValue]:
    return {row.indicator: row for row in rows}


def _band_colour(band: ScoreBand | None) -> str:
    return {ScoreBand.MET: "green", ScoreBand.BETWEEN: "amber", ScoreBand.MISSED: "red"}.get(
        band, "grey"
    )


def _change(now: IndicatorValue | None, before: IndicatorValue | None) -> float | None:
    if now is None or before is None or now.value is None or before.value is None:
        return None
    return now.value - before.value


def change_tone(indicator: Indicator, change: float | None) -> str:
    """better / worse / flat: whether a change moved the value the indicator's good way."""
    if change is None or rounded(change) == 0 or indicator.direction == Direction.BAND:
        return "flat"
    better = change > 0 if indicator.direction == Direction.HIGHER else change < 0
    return "better" if better else "worse"


def year_series(*, unit: ScopeKey, as_of: datetime.date) -> dict[str, list[tuple]]:
    """The daily YTD values of every indicator of a unit from 1 January to `as_of` (one query),
    for the sparklines."""
    rows = (
        IndicatorValue.objects.filter(
            unit.rows_q(), period=YTD, as_of__gte=as_of.replace(month=1, day=1), as_of__lte=as_of
        )
        .order_by("as_of")
        .values_list("indicator", "as_of", "value")
    )
    series: dict[str, list[tuple]] = defaultdict(list)
    for slug, day, value in rows:
        series[slug].append((day, value))
    return series


def _score_rows(unit: ScopeKey, days: list[datetime.date], period: str) -> dict:
    rows = ScopeScore.objects.filter(unit.rows_q(), period=period, as_of__in=days)
    return {row.as_of: row for row in rows}


def overview(*, unit: ScopeKey, as_of: datetime.date, period: str) -> dict:
    """The eleven tiles of a unit (value, target, score, change against the week before, the
    year's sparkline), its total score and rank (or bands), and the international companions."""
    week_before = as_of - WEEK
    now = _by_indicator(unit_values(unit=unit, as_of=as_of, period=period))
    before = _by_indicator(unit_values(unit=unit, as_of=week_before, period=period))
    series = year_series(unit=unit, as_of=as_of)
    book = TargetBook()
    tiles = []
    for indicator in INDICATORS.values():
        row = now.get(indicator.slug)
        band = score_band(score=row.score, weight=row.weight) if row else None
        change = _change(row, before.get(indicator.slug))
        tiles.append(
            {
                "indicator": indicator,
                "row": row,
                "applies": unit.scope in indicator.scopes,
                "target": book.get(indicator, period, as_of),
                "band": band,
                "colour": _band_colour(band),
                "change": change,
                "tone": change_tone(indicator, change),
                "series": series.get(indicator.slug, []),
            }
        )
    scores = _score_rows(unit, [as_of, week_before], period)
    score, score_before = scores.get(as_of), scores.get(week_before)
    bands = {band: 0 for band in ScoreBand}
    for tile in tiles:
        if tile["band"] is not None:
            bands[tile["band"]] += 1
    return {
        "tiles": tiles,
        "score": score,
        "score_before": score_before,
        "total_change": (
            score.total - score_before.total
            if score and score_before and score.total is not None and score_before.total is not None
            else None
        ),
        "bands": [{"band": band, "count": count} for band, count in bands.items()],
        "ranks": ranking_mode() is RankingMode.RANKS,
        "companions": companions(values=now, period=Period.of(period, as_of)),
        "computed": bool(now),
    }


# International companions (CourTools measures 2-4, CEPEJ clearance rate and disposition time)


def companions(*, values: dict[str, IndicatorValue], period: Period) -> dict:
    """Clearance rate and disposition time, from the stored values alone (no case query).

    - resolved = W closed in P and incoming = W filed in P: the numerator and denominator of
      结收比 (closed_to_filed_ratio), so CEPEJ's clearance rate (resolved / incoming) is 结收比;
    - pending at the end = W pending at start + W filed − W closed in P: the denominator minus
      the numerator of 结案率 (clearance_rate), since every case closed in P was pending at the
      start or filed in P;
    - disposition time = 365 × pending at end / resolved over a year. For a shorter period the
      resolved count is annualised (× 365 / days of P), which gives days(P) × pending / resolved.
    """
    flow, clearance = values.get("closed_to_filed_ratio"), values.get("clearance_rate")
    if flow is None or clearance is None:
        return {}
    resolved, incoming = int(flow.numerator), int(flow.denominator)
    pending_end = int(clearance.denominator - clearance.numerator)
    days = (period.end - period.start).days + 1
    return {
        "resolved": resolved,
        "incoming": incoming,
        "pending_end": pending_end,
        "days": days,
        "clearance_rate": 100 * resolved / incoming if incoming else None,
        "disposition_time": days * pending_end / resolved if resolved else None,
    }


def _months_before(day: datetime.date, months: int) -> datetime.date:
    """The last filing day of a case older than `months` at `day`: filed_on + months < day
    (calendar months; as metrics.periods.long_pending_cutoff does for 12)."""
    cutoff = add_months(day, -months)
    while add_months(cutoff, months) >= day:
        cutoff -= datetime.timedelta(days=1)
    while add_months(cutoff + datetime.timedelta(days=1), months) < day:
        cutoff += datetime.timedelta(days=1)
    return cutoff


def pending_age_profile(*, cases: QuerySet, day: datetime.date) -> list[dict]:
    """W cases pending at `day`, by gross age since filing (0–6, 6–12, 12–18, 18–24, 24–36, over
    36 months).

    The one case-table read of the dashboards, because no stored value splits pending cases by
    age: one aggregate with a FILTER per bucket over `cases` (already scoped to the user and
    the unit), a single indexed pass (case_unit_idx for the unit, case_filed_idx for filed_on).
    An age over 12 months is exactly long-pending (filed_on + 12 months < day).
    """
    cutoffs = {months: _months_before(day, months) for months in (6, 12, 18, 24, 36)}
    aggregates = {}
    for low, high in AGE_BUCKETS:
        condition = Q()
        if low:
            condition &= Q(filed_on__lte=cutoffs[low])
        if high:
            condition &= Q(filed_on__gt=cutoffs[high])
        aggregates[f"b{low}"] = Count("pk", filter=condition)
    counts = cases.filter(WORKLOAD & pending_at(day)).order_by().aggregate(**aggregates)
    total = sum(counts.values())
    return [
        {
            "low": low,
            "high": high,
            "count": counts[f"b{low}"],
            "share": 100 * counts[f"b{low}"] / total if total else None,
        }
        for low, high in AGE_BUCKETS
    ]


# The drill-down


def child_key(row) -> ScopeKey:
    return ScopeKey.of_row(row)


def drill_value(
    *, unit: ScopeKey, indicator: Indicator, as_of: datetime.date, period: str
) -> IndicatorValue | None:
    """The stored value of one indicator of one unit (None if not computed for it)."""
    rows = unit_values(unit=unit, as_of=as_of, period=period)
    return rows.filter(indicator=indicator.slug).first()


def drill(*, unit: ScopeKey, indicator: Indicator, as_of: datetime.date, period: str) -> dict:
    """The unit's stored value of one indicator and, one level down, each child's value,
    numerator, denominator and score (two queries)."""
    own = drill_value(unit=unit, indicator=indicator, as_of=as_of, period=period)
    children = []
    if unit.scope is not Scope.JUDGE:
        for row in children_values(unit=unit, as_of=as_of, period=period, indicator=indicator):
            band = score_band(score=row.score, weight=row.weight)
            children.append(
                {
                    "row": row,
                    "key": child_key(row),
                    "code": unit_code(row),
                    "name": unit_name(row),
                    "band": band,
                    "colour": _band_colour(band),
                }
            )
    target = TargetBook().get(indicator, period, as_of)
    return {"own": own, "children": children, "target": target}


# Trends


def trend(*, unit: ScopeKey, indicator: Indicator, as_of: datetime.date) -> list[dict]:
    """Day by day through the year to `as_of`: the YTD value, the value on the same day last
    year, and the target in force for that day (two queries and the targets)."""
    start = as_of.replace(month=1, day=1)
    this_year = indicator_series(
        unit=unit, indicator=indicator, period=YTD, date_from=start, date_to=as_of
    )
    last_year = indicator_series(
        unit=unit,
        indicator=indicator,
        period=YTD,
        date_from=same_day_last_year(start),
        date_to=same_day_last_year(as_of),
    )
    last = {row.as_of: row.value for row in last_year.only("as_of", "value")}
    book = TargetBook()
    rows = []
    for row in this_year.only("as_of", "value", "numerator", "denominator"):
        target = book.get(indicator, YTD, row.as_of)
        rows.append(
            {
                "day": row.as_of,
                "value": row.value,
                "numerator": row.numerator,
                "denominator": row.denominator,
                "last_year": last.get(same_day_last_year(row.as_of)),
                "target": target,
            }
        )
    return rows


def _month_end(year: int, month: int) -> datetime.date:
    return add_months(datetime.date(year, month, 1), 1) - datetime.timedelta(days=1)


def monthly_flow(*, unit: ScopeKey, as_of: datetime.date) -> list[dict]:
    """Filed, closed and pending (W) per month of the year to `as_of`, with the month's 结收比.

    From the stored YTD values at month ends (one query): filed and closed to date are 结收比's
    denominator and numerator, pending at the end is 结案率's denominator minus its numerator;
    a month's filings are the difference of two month ends. A month end not computed gives
    no numbers for that month.
    """
    ends = [min(_month_end(as_of.year, month), as_of) for month in range(1, as_of.month + 1)]
    rows = IndicatorValue.objects.filter(
        unit.rows_q(),
        period=YTD,
        as_of__in=ends,
        indicator__in=["closed_to_filed_ratio", "clearance_rate"],
    ).values_list("as_of", "indicator", "numerator", "denominator")
    stored = {(day, slug): (numerator, denominator) for day, slug, numerator, denominator in rows}
    months = []
    previous = (Decimal(0), Decimal(0))  # filed and closed to date before January
    for end in ends:
        flow = stored.get((end, "closed_to_filed_ratio"))
        clearance = stored.get((end, "clearance_rate"))
        month = {"month": end.month, "end": end, "filed": None, "closed": None, "pending": None}
        month["ratio"] = None
        if flow is not None and previous is not None:
            closed_to_date, filed_to_date = flow
            month["filed"] = int(filed_to_date - previous[0])
            month["closed"] = int(closed_to_date - previous[1])
            if month["filed"]:
                month["ratio"] = 100 * month["closed"] / month["filed"]
        if clearance is not None:
            month["pending"] = int(clearance[1] - clearance[0])
        previous = (flow[1], flow[0]) if flow is not None else None
        months.append(month)
    return months


# The weekly ranking (周推进)


def weekly_ranking(*, parent: ScopeKey, as_of: datetime.date) -> dict:
    """The units below `parent` on the YTD indicators as of `as_of`, with the change against
    the week before: rank and total (ranks mode), or the number of indicators met (bands)."""
    week_before = as_of - WEEK
    rows = rankings(parent=parent, as_of=as_of, period=YTD)
    before = {row["unit"]: row for row in rankings(parent=parent, as_of=week_before, period=YTD)}
    ranks = ranking_mode() is RankingMode.RANKS
    levels = {}
    if parent.scope is Scope.CITY:
        court_ids = [row["unit"].court_id for row in rows]
        levels = dict(Court.objects.filter(pk__in=court_ids).values_list("pk", "level"))
    for row in rows:
        earlier = before.get(row["unit"])
        row["before"] = earlier
        row["level"] = levels.get(row["unit"].court_id)
        if ranks:
            row["move"] = _move(
                None if earlier is None else earlier["rank"], row["rank"], lower_is_better=True
            )
            row["total_change"] = (
                row["total"] - earlier["total"]
                if earlier and row["total"] is not None and earlier["total"] is not None
                else None
            )
        else:
            row["met"] = _met(row["bands"])
            row["move"] = _move(None if earlier is None else _met(earlier["bands"]), row["met"])
    if parent.scope is Scope.CITY and ranks:
        # Courts rank among courts of one level: the intermediate court's row stands apart.
        rows.sort(key=lambda row: (row["level"] != "basic", row["rank"] is None, row["rank"] or 0))
    own = _score_rows(parent, [as_of, week_before], YTD)
    return {
        "rows": rows,
        "ranks": ranks,
        "own": own.get(as_of),
        "own_before": own.get(week_before),
        "week_before": week_before,
    }


def _met(bands: dict) -> int:
    return sum(1 for band in bands.values() if band == ScoreBand.MET)


def _move(before, now, *, lower_is_better: bool = False) -> dict:
    """up / down / same / new, and by how much."""
    if before is None or now is None:
        return {"direction": "new" if before is None and now is not None else "none", "by": 0}
    delta = (before - now) if lower_is_better else (now - before)
    if delta == 0:
        return {"direction": "same", "by": 0}
    return {"direction": "up" if delta > 0 else "down", "by": abs(delta)}
