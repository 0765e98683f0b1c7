"""Quarters and months of the reports: 季目标 run by quarter, 月讲评 by month."""

from __future__ import annotations

import datetime

from metrics.periods import ONE_DAY, add_months


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError("a quarter is 1 to 4")
    first = datetime.date(year, 3 * quarter - 2, 1)
    return first, add_months(first, 3) - ONE_DAY


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    return first, add_months(first, 1) - ONE_DAY


def previous_month(day: datetime.date) -> datetime.date:
    """The first day of the month before `day`'s."""
    return add_months(day.replace(day=1), -1)


def year_end(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 12, 31)
