"""The demo's reference ranges (区间参考值), registered from reports/demo.py before the
data-review meeting (24): a range for each indicator of the SPC's 2024 set that the demo city
has a value for, entered as the city's office would and marked `demo` — invented for the demo,
not the SPC's (its document is not public), and every page that shows them says so. A range the
office entered itself is never touched.

The demo ranges are drawn around the city's own latest year-to-date value (so that some units
fall inside and some outside), on the side the indicator's direction says: a floor for "higher
is better", a ceiling for "lower is better", both for a band — no number here is anyone's
official figure. A band indicator's range is the reviewing courts' (intermediate level: a basic
court has no second instance); a "lower is better" percentage also gets a tighter basic-level
range, to show a level's own range before the all-levels one."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils.translation import gettext as _

from cases.choices import CourtLevel
from cases.demo.steps import DemoContext, on_day
from cases.models import User
from metrics.choices import Direction, PeriodKind, Scope, Unit
from metrics.definitions.indicators import SPC2024_INDICATORS
from metrics.definitions.registry import Indicator
from metrics.models import IndicatorValue, ReferenceRange
from metrics.selectors import latest_as_of
from metrics.services import RANGE_EARLIEST, reference_range_set

# How far from the city's value a demo bound lies (a band: on each side).
SLACK = Decimal("0.10")
PLACES = {Unit.PERCENT: Decimal("0.1"), Unit.RATIO: Decimal("0.01"), Unit.DAYS: Decimal("1")}


def _round(number: Decimal, unit: str) -> Decimal:
    return number.quantize(PLACES[Unit(unit)], rounding=ROUND_HALF_UP)


def demo_ranges(
    indicator: Indicator, value: float
) -> list[tuple[str | None, Decimal | None, Decimal | None]]:
    """(court level, lower, upper) of the demo ranges of one indicator around the city's value."""
    city = Decimal(repr(value))
    below = max(_round(city * (1 - SLACK), indicator.unit), Decimal(0))
    above = _round(city * (1 + SLACK), indicator.unit)
    if indicator.unit == Unit.PERCENT:
        above = min(above, Decimal(100))
    if indicator.direction == Direction.BAND:
        return [(CourtLevel.INTERMEDIATE, below, above)]
    if indicator.direction == Direction.HIGHER:
        return [(None, below, None)]
    ranges = [(None, None, above)]
    if indicator.unit == Unit.PERCENT:
        ranges.append((CourtLevel.BASIC, None, max(_round(city, indicator.unit), Decimal(0))))
    return ranges


def ranges_demo(context: DemoContext) -> None:
    office = User.objects.get(username="demo_office")
    # In force over the demo's history: from the start of last year (not before 2024).
    effective_from = max(datetime.date(context.today.year - 1, 1, 1), RANGE_EARLIEST)
    as_of = latest_as_of(PeriodKind.YTD, context.today)
    city_values = dict(
        IndicatorValue.objects.filter(
            scope=Scope.CITY,
            period=PeriodKind.YTD,
            as_of=as_of,
            indicator__in=list(SPC2024_INDICATORS),
            value__isnull=False,
        ).values_list("indicator", "value")
    )
    official = set(
        ReferenceRange.objects.filter(demo=False).values_list("indicator", "court_level")
    )
    with on_day(context.today):
        for slug, indicator in SPC2024_INDICATORS.items():
            if slug not in city_values:
                continue  # no value in the demo city: the page shows "未设"
            for level, lower, upper in demo_ranges(indicator, city_values[slug]):
                if (slug, level) in official or (lower is None and upper is None):
                    continue
                reference_range_set(
                    indicator=slug,
                    court_level=level,
                    lower=lower,
                    upper=upper,
                    effective_from=effective_from,
                    actor=office,
                    note=_("演示数值，非最高人民法院发布的区间参考值"),
                    demo=True,
                )


def ranges_demo_reset() -> None:
    """Before the demo is seeded again: its own ranges (append-only for the application; a demo
    reset lifts the trigger for the one statement, in the reset's transaction). The office's
    own ranges stay."""
    table = connection.ops.quote_name(ReferenceRange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(f"DELETE FROM {table} WHERE demo")
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
