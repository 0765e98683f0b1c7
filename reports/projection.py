"""必然发生的趋势: each indicator projected to the end of its period, with a band (pandas).

From the stored results only (IndicatorValue: numerator and denominator of every computed day),
never from the case table. For one unit, one indicator, a period (YTD or QTD) and its end E,
as of day d:

1. **This year's pace.** The numerator N and the denominator D are projected apart, each by a
   straight line through its stored points of the last 13 weeks before d (least squares;
   a cumulative count also has the point (period start − 1, 0)), from its value at d to E.
2. **The seasonal pattern of past years.** The same pace projection is made for each of up to
   three past years, from the same day of that year to its period end, and compared with what
   that year then really stored at its end. This year's pace projection is multiplied by
   their ratio (stored ends over projected ends, summed over the years, shrunk towards 1 by a
   few cases): N̂ = pace(N) × Σ N_y(E) / Σ pace_y(N), the same for D. A year-end push of
   closings that the pace cannot see, past years show. A stock (the cases of 超12个月未结案件比)
   has no pace of its own: it stays as it is, moved only by the past years' pattern.
3. **Value** V̂ = N̂ / D̂ (× 100 for a percentage), as INDICATORS.md computes every value.
4. **Band** V̂ ± t σ. σ is the root mean square of the errors this method made where the
   truth is known: in each past year (projected from its same day with the other years'
   pattern, compared with that year's end); with fewer than two past years, also earlier in
   this year (projected with the pace alone from an earlier day to d, the error scaled to the
   horizon left as √days). t is Student's 97.5th percentile for that many errors: a spread
   from two or three errors is itself uncertain, and the band says so. The noise of the cases
   still to come is added (binomial for a percentage of counts; see _noise_variance). Too
   little history for any of these: no band. On the demo city's own history (projected from
   May, June and September to the year end, ten courts and the city), the band held the
   year-end value in 95–97% of cases.

The band is an honest statement of how wrong this method has been on this unit's own history,
not a guarantee; tests/reports/test_projection.py checks on data with a known trend and a
year-end push that the year-end value lands inside it.
"""

from __future__ import annotations

import bisect
import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Q

from cases.units import ScopeKey
from metrics.choices import Unit
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.periods import ONE_DAY, Period, add_months
from metrics.definitions.registry import Indicator, Registry
from metrics.definitions.traits import Accrual
from metrics.models import IndicatorValue

PAST_YEARS = 3
WINDOW_DAYS = 91  # the pace: the last 13 weeks
NEAREST_DAYS = 3  # a past year's same day: the nearest stored day this close
MIN_HORIZON = 14  # a walk-forward error needs at least two weeks of horizon…
MIN_ELAPSED = 28  # …and four weeks of data behind it
Z = 1.96
# How each part grows is a trait of the indicator (Indicator.projection,
# metrics.definitions.traits.Accrual): a part that is no count accumulated from zero at the period's
# start (the pending cases at the start in 结案率's denominator) has no point (start − 1, 0); a
# stock (超12个月未结案件比) has no pace at all — a straight line through a few weeks of a stock
# says little about months ahead, so it stays "unchanged" and only past years' pattern moves it.
# Past years' ratio is shrunk towards 1 by this many cases: a rare event (a reversal) seen
# twice instead of once must not double a projection.
PSEUDO_COUNT = 5.0
# A percentage whose numerator is not part of its denominator may pass 100
# (Indicator.projection.may_pass_100).
PARTS = ("numerator", "denominator")


@dataclass(frozen=True)
class Projection:
    indicator: str
    as_of: datetime.date
    end: datetime.date
    value_now: float | None
    value: float | None  # projected at `end`
    low: float | None
    high: float | None
    numerator_now: float | None
    denominator_now: float | None
    numerator: float | None  # projected at `end`
    denominator: float | None
    years: int  # past years whose pattern was used
    method: str  # "seasonal", "pace", "final" (the period has ended) or "none"

    @property
    def has_band(self) -> bool:
        return self.low is not None and self.high is not None

    def contains(self, value: float) -> bool:
        return self.has_band and self.low <= value <= self.high

    def as_dict(self) -> dict:
        """JSON primitives, for a kept report."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["as_of"] = self.as_of.isoformat()
        data["end"] = self.end.isoformat()
        return data


def years_back(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, -12 * years)


def _sample_days(start: datetime.date, as_of: datetime.date, end: datetime.date) -> set:
    """The days whose stored values a projection reads, in this year and the past ones: the
    pace window, month ends, the same day, the period's end."""
    days: set[datetime.date] = set()
    for back in range(PAST_YEARS + 1):
        s, d, e = (years_back(x, back) for x in (start, as_of, end))
        days |= {d + datetime.timedelta(days=shift) for shift in range(-NEAREST_DAYS, 1)}
        days |= {d - datetime.timedelta(days=7 * week) for week in range(1, 14)}
        month_end = add_months(s.replace(day=1), 1) - ONE_DAY
        while month_end < d:
            days.add(month_end)
            month_end = add_months(month_end.replace(day=1), 2) - ONE_DAY
        if back:
            days |= {e - datetime.timedelta(days=shift) for shift in range(NEAREST_DAYS + 1)}
    return {day for day in days if day >= years_back(start, PAST_YEARS)}


def load_points(
    *, units: Iterable[ScopeKey], period: str, as_of: datetime.date, end: datetime.date
) -> pd.DataFrame:
    """The stored numerators and denominators a projection of `units` reads (one query): a
    frame with unit, indicator, day, numerator, denominator, value — hundreds of rows a unit."""
    units = list(units)
    start = Period.of(period, as_of).start
    if not units:
        return pd.DataFrame(columns=["unit", "indicator", "day", *PARTS, "value"])
    where = Q()
    for unit in units:
        where |= unit.rows_q()
    rows = IndicatorValue.objects.filter(
        where, period=period, as_of__in=sorted(_sample_days(start, as_of, end))
    ).values_list(
        "scope", "court_id", "division_id", "judge_id", "indicator", "as_of", *PARTS, "value"
    )
    records = [
        (ScopeKey(scope, court, division, judge), slug, day, float(n), float(d), value)
        for scope, court, division, judge, slug, day, n, d, value in rows
    ]
    return pd.DataFrame.from_records(records, columns=["unit", "indicator", "day", *PARTS, "value"])


class _Points:
    """One part's stored levels by day, sorted: the window reads of a pace by bisection (a
    pandas mask per read cost the overview most of its time)."""

    def __init__(self, series: pd.Series):
        series = series.sort_index()
        self.index = list(series.index)
        self.levels = [float(level) for level in series.to_numpy()]
        self.by_day = dict(zip(self.index, self.levels, strict=True))

    def __contains__(self, day) -> bool:
        return day in self.by_day

    def __getitem__(self, day) -> float:
        return self.by_day[day]

    def between(self, first: datetime.date, last: datetime.date) -> list[tuple]:
        low, high = bisect.bisect_left(self.index, first), bisect.bisect_right(self.index, last)
        return list(zip(self.index[low:high], self.levels[low:high], strict=True))


def _line_slope(points: list[tuple[float, float]]) -> float:
    """The least-squares slope of y on x (what np.polyfit(x, y, 1)[0] gives)."""
    x, y = np.array(points).T
    dx = x - x.mean()
    return float(np.dot(dx, y - y.mean()) / np.dot(dx, dx))


def _pace(series: _Points, *, start: datetime.date, day: datetime.date, cumulative: bool):
    """The slope (per day) of one part over the pace window ending at `day`, or None."""
    window = series.between(max(start, day - datetime.timedelta(days=WINDOW_DAYS)), day)
    points = [((when - day).days, level) for when, level in window]
    if not any(offset == 0 for offset, _level in points):
        return None
    if cumulative and (
        len(points) < 2 or start - ONE_DAY >= day - datetime.timedelta(days=WINDOW_DAYS)
    ):
        # A count from zero: the start is a point of its line (with the day alone, the pace
        # is the period's average so far).
        points.append(((start - ONE_DAY - day).days, 0.0))
    if len(points) < 2:
        return None  # one day of a part that does not start from zero: no pace known
    return _line_slope(points)


def _slope(indicator: Indicator, part: str, series: _Points, *, start, day) -> float | None:
    accrual = indicator.projection.accrual(part)
    if accrual == Accrual.STOCK:
        return 0.0 if day in series else None
    return _pace(series, start=start, day=day, cumulative=accrual == Accrual.FLOW)


def _nearest(series: _Points, day: datetime.date) -> datetime.date | None:
    """The stored day nearest to `day`, on or before it, within NEAREST_DAYS."""
    for shift in range(NEAREST_DAYS + 1):
        when = day - datetime.timedelta(days=shift)
        if when in series:
            return when
    return None


def _value(indicator: Indicator, numerator: float, denominator: float) -> float | None:
    if denominator is None or numerator is None or denominator <= 0:
        return None
    return indicator.factor * numerator / denominator


def _bounded(indicator: Indicator, value: float | None) -> float | None:
    if value is None:
        return None
    value = max(value, 0.0)
    if indicator.unit == Unit.PERCENT and not indicator.projection.may_pass_100:
        value = min(value, 100.0)
    return value


class _Year:
    """One year's stored parts of one unit and indicator, and the pace projection from it."""

    def __init__(self, frame: pd.DataFrame, indicator: Indicator, start, day, end):
        self.indicator = indicator
        self.start, self.end = start, end
        indexed = frame.set_index("day")
        self.parts = {part: _Points(indexed[part]) for part in PARTS}
        series = self.parts["denominator"]
        self.day = _nearest(series, day)
        self.final = _nearest(series, end) if end > day else None

    def level(self, part: str, day=None):
        return self.parts[part][day or self.day]

    def paced(self, part: str, day=None) -> float | None:
        """The pace projection of one part from `day` (default: the same day) to the end."""
        day = day or self.day
        slope = _slope(self.indicator, part, self.parts[part], start=self.start, day=day)
        if slope is None:
            return None
        return self.level(part, day) + slope * (self.end - day).days

    def outcome(self, part: str) -> tuple[float, float] | None:
        """(what the pace projected at the end, what was stored at the end), or None."""
        if self.day is None or self.final is None:
            return None
        paced = self.paced(part)
        if paced is None:
            return None
        return max(paced, 0.0), self.level(part, self.final)


def _project_parts(year: _Year, outcomes: dict[str, list[tuple]]) -> dict[str, float] | None:
    """Each part's pace projection, times what the pace missed by in past years: the ratio of
    their stored ends to their projected ends (sums over the years, so that a year with
    little weighs little; 1 without past years)."""
    projected = {}
    for part in PARTS:
        paced = year.paced(part)
        if paced is None:
            return None
        guessed = sum(guess for guess, _truth in outcomes[part])
        actual = sum(truth for _guess, truth in outcomes[part])
        ratio = (actual + PSEUDO_COUNT) / (guessed + PSEUDO_COUNT)
        projected[part] = max(paced, 0.0) * ratio
    return projected


def project(
    frame: pd.DataFrame,
    *,
    indicator: Indicator,
    period: str,
    as_of: datetime.date,
    end: datetime.date,
) -> Projection:
    """The projection of one unit's indicator to `end` from its stored points (a frame of
    load_points for one unit and indicator)."""
    start = Period.of(period, as_of).start
    years: dict[int, _Year] = {}
    for back in range(PAST_YEARS + 1):
        s, d, e = (years_back(x, back) for x in (start, as_of, end))
        rows = frame[(frame["day"] >= s) & (frame["day"] <= e)]
        if len(rows):
            years[back] = _Year(rows, indicator, s, d, e)
    this = years.get(0)
    if this is None or this.day != as_of:
        return _empty(indicator, as_of, end)
    now = {part: this.level(part) for part in PARTS}
    value_now = _value(indicator, now["numerator"], now["denominator"])
    if end <= as_of:
        return Projection(
            indicator.slug, as_of, end, value_now, value_now, value_now, value_now,
            now["numerator"], now["denominator"], now["numerator"], now["denominator"],
            0, "final",
        )  # fmt: skip

    past = {back: year for back, year in years.items() if back and year.final is not None}
    outcomes = {back: {part: year.outcome(part) for part in PARTS} for back, year in past.items()}
    outcomes = {back: o for back, o in outcomes.items() if None not in o.values()}

    def pooled(excluding=None) -> dict[str, list[tuple]]:
        return {
            part: [o[part] for back, o in outcomes.items() if back != excluding] for part in PARTS
        }

    projected = _project_parts(this, pooled())
    if projected is None:
        return _empty(indicator, as_of, end, value_now=value_now, now=now)
    value = _value(indicator, projected["numerator"], projected["denominator"])

    # Errors where the truth is known, each brought to this projection's horizon.
    horizon = (end - as_of).days
    errors: list[float] = []  # in past years, made from the same day
    walked: list[float] = []  # earlier this year, made from an earlier day
    for back in outcomes:
        year = past[back]
        guess = _project_parts(year, pooled(excluding=back))
        final = {part: year.level(part, year.final) for part in PARTS}
        truth = _value(indicator, final["numerator"], final["denominator"])
        if guess is not None and truth is not None:
            estimate = _value(indicator, guess["numerator"], guess["denominator"])
            if estimate is not None:
                errors.append(truth - estimate)
    for earlier in this.parts["denominator"].index:
        lead = (as_of - earlier).days
        if lead < MIN_HORIZON or (earlier - start).days < MIN_ELAPSED:
            continue
        parts = {}
        for part in PARTS:
            slope = _slope(indicator, part, this.parts[part], start=start, day=earlier)
            if slope is None:
                break
            parts[part] = this.level(part, earlier) + slope * lead
        else:
            estimate = _value(indicator, parts["numerator"], parts["denominator"])
            if estimate is not None and value_now is not None:
                walked.append((value_now - estimate) * math.sqrt(horizon / lead))

    if len(errors) < 2:
        # Past years tell how wrong a projection from this very day was; with fewer than two
        # of them, this year's own earlier projections (pace only) say it too.
        errors += walked
    variance = float(np.mean(np.square(errors))) if errors else None
    z = _t_quantile(len(errors)) if errors else Z
    noise = _noise_variance(indicator, value, now, projected, as_of)
    if noise is not None:
        variance = (variance or 0.0) + noise
    low = high = None
    if value is not None and variance is not None:
        spread = z * math.sqrt(variance)
        low, high = _bounded(indicator, value - spread), _bounded(indicator, value + spread)
    return Projection(
        indicator=indicator.slug,
        as_of=as_of,
        end=end,
        value_now=value_now,
        value=_bounded(indicator, value),
        low=low,
        high=high,
        numerator_now=now["numerator"],
        denominator_now=now["denominator"],
        numerator=projected["numerator"],
        denominator=projected["denominator"],
        years=len(outcomes),
        method="seasonal" if outcomes else "pace",
    )


# Student's t, 97.5th percentile, by degrees of freedom: a spread estimated from a handful of
# errors is itself uncertain, and the band says so.
T_975 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26,
         10: 2.23, 12: 2.18, 15: 2.13, 20: 2.09, 30: 2.04}  # fmt: skip


def _t_quantile(samples: int) -> float:
    known = [df for df in T_975 if df <= samples]
    return T_975[max(known)] if samples <= 30 else Z


def _noise_variance(indicator: Indicator, value, now, projected, as_of) -> float | None:
    """The noise of the cases still to come, beyond any pattern: for a percentage of counts,
    each new case of the denominator falls in the numerator or not (binomial; at least one
    case's worth, so that a rare event not seen yet — a reversal — still widens the band); for
    an average of days, a mean of the cases to come whose spread is about their mean (trial
    days are skewed); for a ratio of counts, a Poisson count of the new numerator. None for
    sums of money, whose spread per case nothing stored tells."""
    total = projected["denominator"]
    if value is None or total <= 0:
        return None
    if indicator.projection.denominator != Accrual.FLOW:
        coming = total  # a stock: every case of it is uncertain at the end
    else:
        coming = max(total - now["denominator"], 0.0)
    if indicator.unit == Unit.DAYS:
        return value**2 * coming / total**2
    if indicator.unit == Unit.RATIO:
        return max(projected["numerator"] - now["numerator"], 1.0) / total**2
    if indicator.projection.may_pass_100:
        return max(projected["numerator"] - now["numerator"], 1.0) * (100.0 / total) ** 2
    if indicator.measure("numerator", Period(start=as_of, end=as_of)).is_sum:
        return None
    share = min(max(value / 100.0, 0.0), 1.0)
    cases = max(coming * share * (1 - share), min(coming, 1.0))
    return (100.0 / total) ** 2 * cases


def _empty(indicator, as_of, end, *, value_now=None, now=None) -> Projection:
    now = now or {}
    return Projection(
        indicator.slug, as_of, end, value_now, None, None, None,
        now.get("numerator"), now.get("denominator"), None, None, 0, "none",
    )  # fmt: skip


def projections(
    *,
    units: Iterable[ScopeKey],
    period: str,
    as_of: datetime.date,
    end: datetime.date,
    indicators: Iterable[str] | None = None,
    registry: Registry = INDICATORS,
) -> dict[tuple[ScopeKey, str], Projection]:
    """Every indicator of every unit projected to `end` (one query, then pandas)."""
    units = list(units)
    slugs = list(indicators) if indicators is not None else list(registry)
    frame = load_points(units=units, period=period, as_of=as_of, end=end)
    result = {}
    groups = dict(list(frame.groupby(["unit", "indicator"], sort=False))) if len(frame) else {}
    empty = frame.iloc[0:0]
    for unit in units:
        for slug in slugs:
            indicator = registry[slug]
            if unit.scope not in indicator.scopes:
                continue
            result[(unit, slug)] = project(
                groups.get((unit, slug), empty),
                indicator=indicator,
                period=period,
                as_of=as_of,
                end=end,
            )
    return result
