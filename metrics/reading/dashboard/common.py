"""The common ground of the dashboards' reads: display rounding, the computed days, the unit
of a page, and the targets in force."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from cases.units import ScopeKey
from metrics.choices import Direction, PeriodKind, ScoreBand
from metrics.computation.scoring import Thresholds, thresholds
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.periods import add_months
from metrics.definitions.registry import Indicator, Registry
from metrics.models import IndicatorValue, ScopeScore

WEEK = datetime.timedelta(days=7)
TWO_PLACES = Decimal("0.01")
YTD = PeriodKind.YTD.value


def rounded(value) -> Decimal | None:
    """Half up to 2 decimals, for display only: stored values stay exact."""
    if value is None:
        return None
    text = repr(value) if isinstance(value, float) else str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:  # "" (a template's missing value) or not a number: nothing shown
        return None
    if not number.is_finite():
        return None
    # Enough digits for any magnitude (the default 28 would refuse a huge value).
    digits = Context(prec=max(28, number.adjusted() + 4))
    return number.quantize(TWO_PLACES, rounding=ROUND_HALF_UP, context=digits)


def plotted(value) -> float | None:
    """A value as a chart shows it: rounded like every other display."""
    number = rounded(value)
    return None if number is None else float(number)


def same_day_last_year(day: datetime.date) -> datetime.date:
    return add_months(day, -12)  # 29 February → 28 February


# The unit


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

    def __init__(self, registry: Registry = INDICATORS):
        self._rows: dict[str, list[Thresholds]] = defaultdict(list)
        for row in thresholds(registry):
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


def by_indicator(rows) -> dict[str, IndicatorValue]:
    return {row.indicator: row for row in rows}


def band_colour(band: ScoreBand | None) -> str:
    return {ScoreBand.MET: "green", ScoreBand.BETWEEN: "amber", ScoreBand.MISSED: "red"}.get(
        band, "grey"
    )


def score_rows(unit: ScopeKey, days: list[datetime.date], period: str) -> dict:
    rows = ScopeScore.objects.filter(unit.rows_q(), period=period, as_of__in=days)
    return {row.as_of: row for row in rows}
