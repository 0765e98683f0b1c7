"""Periods P = [start, end] (INDICATORS.md, terms) and the calendar arithmetic they need."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from metrics.choices import PeriodKind

ONE_DAY = datetime.timedelta(days=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Calendar months: same day number, clamped to the month's last day (DOMAIN.md)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The last filing day of a case older than `months` calendar months at `day`:
    filed_on + months < day.

    add_months is monotone, so the cases with filed_on + months < day are exactly those filed
    on or before this cutoff; comparing filed_on with one date keeps the condition plain SQL.
    """
    cutoff = add_months(day, -months)
    while add_months(cutoff, months) >= day:
        cutoff -= ONE_DAY
    while add_months(cutoff + ONE_DAY, months) < day:
        cutoff += ONE_DAY
    return cutoff


def month_ends(as_of: datetime.date) -> list[datetime.date]:
    """The month ends of `as_of`'s year up to it, `as_of` itself standing for its own month's."""
    ends = [add_months(datetime.date(as_of.year, month, 1), 1) - ONE_DAY for month in range(1, 13)]
    return [min(end, as_of) for end in ends[: as_of.month]]


def long_pending_cutoff(day: datetime.date) -> datetime.date:
    """The last filing day of a case that is long-pending at `day`: filed_on + 12 months < day."""
    return months_before(day, 12)


def quarter_of(day: datetime.date) -> tuple[int, int]:
    """(year, quarter 1 to 4) of `day`: 季目标 and 发改再评查 run by calendar quarter."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """The quarter's first and last day."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("a quarter is 1 to 4")
    first = datetime.date(year, 3 * quarter - 2, 1)
    return first, add_months(first, 3) - ONE_DAY


@dataclass(frozen=True)
class Period:
    """Both days included; `end` is the as-of day. `kind` is None for an ad-hoc period."""

    start: datetime.date
    end: datetime.date
    kind: str | None = None

    @classmethod
    def of(cls, kind: str, as_of: datetime.date) -> Period:
        kind = PeriodKind(kind)
        if kind is PeriodKind.YTD:
            start = as_of.replace(month=1, day=1)
        elif kind is PeriodKind.QTD:
            start = as_of.replace(month=(as_of.month - 1) // 3 * 3 + 1, day=1)
        else:
            start = as_of.replace(day=1)
        return cls(start=start, end=as_of, kind=kind.value)

    @property
    def as_of(self) -> datetime.date:
        return self.end

    @property
    def day_before_start(self) -> datetime.date:
        return self.start - ONE_DAY

    def __str__(self) -> str:
        return f"{self.kind or 'period'} {self.start.isoformat()}..{self.end.isoformat()}"


ALL_PERIODS: tuple[str, ...] = tuple(PeriodKind.values)
