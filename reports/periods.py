"""Months and years of the reports: 月讲评 run by month. Quarters (季目标) are
metrics.definitions.periods'."""

from __future__ import annotations

import datetime

from metrics.definitions.periods import ONE_DAY, add_months


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    return first, add_months(first, 1) - ONE_DAY


def previous_month(day: datetime.date) -> datetime.date:
    """The first day of the month before `day`'s."""
    return add_months(day.replace(day=1), -1)


def year_end(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 12, 31)
