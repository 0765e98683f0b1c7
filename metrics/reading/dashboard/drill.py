"""The drill-down below a number, and a unit's year: the daily trend and the monthly flow."""

from __future__ import annotations

import datetime
from decimal import Decimal

from cases.units import ScopeKey
from metrics.choices import Scope
from metrics.definitions.periods import month_ends
from metrics.definitions.registry import Indicator
from metrics.models import IndicatorValue
from metrics.reading.dashboard.common import YTD, TargetBook, band_colour, same_day_last_year
from metrics.selectors import (
    children_values,
    indicator_series,
    score_band,
    unit_code,
    unit_name,
    unit_values,
)


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
                    "colour": band_colour(band),
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


def monthly_flow(*, unit: ScopeKey, as_of: datetime.date) -> list[dict]:
    """Filed, closed and pending (W) per month of the year to `as_of`, with the month's 结收比.

    From the stored YTD values at month ends (one query): filed and closed to date are 结收比's
    denominator and numerator, pending at the end is 结案率's denominator minus its numerator;
    a month's filings are the difference of two month ends. A month end not computed gives
    no numbers for that month.
    """
    ends = month_ends(as_of)
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
