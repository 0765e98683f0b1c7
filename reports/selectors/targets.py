"""Reads of quarterly targets (季目标): where each stands, where it is heading, what it takes.

From the stored results only: the value is the stored YTD (or QTD) value of the last computed
day of the quarter so far, the projection to the quarter's end is reports.projection's, the
gap reports.gap's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cases.units import ScopeKey
from metrics.definitions.indicators import LOCAL_INDICATORS
from metrics.definitions.periods import quarter_bounds
from metrics.definitions.registry import Indicator
from metrics.selectors import latest_as_of
from reports.choices import TargetBasis, TargetStatus
from reports.gap import Gap, target_gap
from reports.models import QuarterlyTarget
from reports.projection import Projection, projections
from reports.selectors.units import child_units

MET, ON_TRACK, AT_RISK, OFF_TRACK, NOT_STARTED, NO_DATA = (
    TargetStatus.MET, TargetStatus.ON_TRACK, TargetStatus.AT_RISK, TargetStatus.OFF_TRACK,
    TargetStatus.NOT_STARTED, TargetStatus.NO_DATA,
)  # fmt: skip


@dataclass(frozen=True)
class Progress:
    indicator: Indicator
    target: QuarterlyTarget | None
    as_of: datetime.date | None
    projection: Projection | None
    gap: Gap | None
    status: str

    @property
    def status_label(self) -> str:
        return str(TargetStatus(self.status).label) if self.status else ""

    @property
    def value(self) -> float | None:
        return self.projection.value_now if self.projection else None


def reaches(indicator: Indicator, value: float | None, target: QuarterlyTarget) -> bool | None:
    """Does `value` meet the target (a band: lie inside it)?"""
    if value is None:
        return None
    low = float(target.target)
    if target.upper_target is not None:
        return low <= value <= float(target.upper_target)
    if indicator.direction == "lower":
        return value <= low
    return value >= low


def _status(indicator: Indicator, target: QuarterlyTarget, projection: Projection) -> str:
    if projection.value_now is None:
        return NO_DATA
    if projection.end <= projection.as_of:  # the quarter is over: met or not
        return MET if reaches(indicator, projection.value_now, target) else OFF_TRACK
    if projection.value is None:
        return NO_DATA
    if reaches(indicator, projection.value, target):
        return ON_TRACK
    edges = [projection.low, projection.high]
    if projection.has_band and any(reaches(indicator, edge, target) for edge in edges):
        return AT_RISK  # reachable within the band
    return OFF_TRACK


def quarter_as_of(period: str, year: int, quarter: int, today: datetime.date):
    """The last computed day of the quarter so far (None before its first computed day)."""
    first, last = quarter_bounds(year, quarter)
    day = latest_as_of(period, min(last, today - datetime.timedelta(days=1)))
    return day if day is not None and day >= first else None


def targets_of(units, year: int, quarter: int) -> dict[tuple[ScopeKey, str], QuarterlyTarget]:
    rows = QuarterlyTarget.objects.none()
    for unit in units:
        rows = rows | QuarterlyTarget.objects.of_unit(unit)
    return {
        (ScopeKey.of_row(row), row.indicator): row
        for row in rows.filter(year=year, quarter=quarter)
    }


def target_progress(
    *,
    units: list[ScopeKey],
    year: int,
    quarter: int,
    today: datetime.date,
    all_indicators: bool = True,
) -> dict[ScopeKey, list[Progress]]:
    """Per unit, each indicator (or only those with a target) with its target, stored value,
    projection to the quarter's end and what it takes: one query for the targets, one a basis
    for the stored points."""
    _first, last = quarter_bounds(year, quarter)
    targets = targets_of(units, year, quarter)
    bases = {row.basis for row in targets.values()} | {TargetBasis.YTD.value}
    projected: dict[tuple[str, ScopeKey, str], Projection] = {}
    days: dict[str, datetime.date | None] = {}
    for basis in bases:
        days[basis] = quarter_as_of(basis, year, quarter, today)
        if days[basis] is None:
            continue
        # Only what will be shown: the targeted indicators of this basis (all of them on YTD
        # when every indicator is listed).
        wanted = {slug for (_unit, slug), row in targets.items() if row.basis == basis}
        if all_indicators and basis == TargetBasis.YTD.value:
            wanted = set(LOCAL_INDICATORS)
        if not wanted:
            continue
        for (unit, slug), projection in projections(
            units=units, period=basis, as_of=days[basis], end=last, indicators=sorted(wanted)
        ).items():
            projected[(basis, unit, slug)] = projection
    result: dict[ScopeKey, list[Progress]] = {}
    for unit in units:
        rows = []
        for slug, indicator in LOCAL_INDICATORS.items():
            if unit.scope not in indicator.scopes:
                continue
            target = targets.get((unit, slug))
            if target is None and not all_indicators:
                continue
            basis = target.basis if target else TargetBasis.YTD.value
            projection = projected.get((basis, unit, slug))
            if days[basis] is None:
                rows.append(Progress(indicator, target, None, None, None, NOT_STARTED))
                continue
            if projection is None:
                rows.append(Progress(indicator, target, days[basis], None, None, NO_DATA))
                continue
            gap = status = None
            if target is not None:
                gap = target_gap(
                    indicator=indicator,
                    projection=projection,
                    target=float(target.target),
                    upper=float(target.upper_target) if target.upper_target is not None else None,
                    today=today,
                )
                status = _status(indicator, target, projection)
            rows.append(Progress(indicator, target, days[basis], projection, gap, status or ""))
        result[unit] = rows
    return result


@dataclass(frozen=True)
class ChildProgress:
    """A targeted indicator of a unit one level down."""

    unit: ScopeKey
    name: str
    row: Progress


@dataclass(frozen=True)
class QuarterTargets:
    """The 季目标 page of a unit: every indicator of the unit itself (`rows`), and the targeted
    indicators of the units one level down that have targets (`children`)."""

    unit: ScopeKey
    year: int
    quarter: int
    rows: list[Progress]
    children: list[ChildProgress]


def quarter_targets(
    *, unit: ScopeKey, year: int, quarter: int, today: datetime.date
) -> QuarterTargets:
    """A unit's quarter: its own progress on every indicator and its children's targets."""
    children = child_units(unit)
    targeted_units = {
        ScopeKey.of_row(row)
        for row in QuarterlyTarget.objects.within(unit).filter(year=year, quarter=quarter)
    } - {unit}
    targeted = [key for key, _name in children if key in targeted_units]
    progress = target_progress(units=[unit, *targeted], year=year, quarter=quarter, today=today)
    names = dict(children)
    child_rows = [
        ChildProgress(key, names[key], row)
        for key in targeted
        for row in progress[key]
        if row.target is not None
    ]
    return QuarterTargets(unit, year, quarter, progress[unit], child_rows)
