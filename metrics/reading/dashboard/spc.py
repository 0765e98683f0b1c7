"""The SPC view (最高法院2024年审判质量管理指标): each value of the SPC's 2024 set against its
reference range, for a unit and the units one level down.

The SPC's rules of use (INDICATORS.md): a value inside its range is 达标, outside it is flagged;
there is no score, no total and no rank, and lists are in unit-code order, never sorted by value.
So nothing here reads ScopeScore, a target or a weight, and the units below come in the order
`children_values` gives (codes). A week's change is shown as a movement of the value itself.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from cases.models import Court
from cases.units import ScopeKey
from metrics.choices import IndicatorSet, RangeStatus, Scope
from metrics.definitions.indicators import SPC2024_INDICATORS
from metrics.definitions.registry import Indicator
from metrics.models import IndicatorValue
from metrics.reading.dashboard.common import WEEK, by_indicator, rounded
from metrics.reading.dashboard.drill import drill_value, trend
from metrics.reading.dashboard.overview import year_series
from metrics.selectors import (
    ValueState,
    children_values,
    range_states,
    range_status,
    ranges_on_days,
    unit_code,
    unit_name,
    unit_values,
    value_state,
)

OUTSIDE = (RangeStatus.BELOW, RangeStatus.ABOVE)
SPC = IndicatorSet.SPC2024


def _spc_rows(rows) -> list[IndicatorValue]:
    return [row for row in rows if row.indicator in SPC2024_INDICATORS]


def movement(now: IndicatorValue | None, before: IndicatorValue | None) -> dict:
    """How a value moved since the week before: up / down / same and the signed change, or none
    (either side without a value). No better or worse: the range, not a direction, says that."""
    if (
        now is None
        or before is None
        or value_state(now) != ValueState.VALUE
        or value_state(before) != ValueState.VALUE
    ):
        return {"direction": "none", "delta": None}
    delta = now.value - before.value
    if rounded(delta) == 0:
        return {"direction": "same", "delta": 0.0}
    return {"direction": "up" if delta > 0 else "down", "delta": delta}


def _cell(indicator, row, reference, status, before=None) -> dict:
    return {
        "indicator": indicator,
        "row": row,
        "state": value_state(row) if row is not None else ValueState.NONE,
        "range": reference,
        "status": status,
        "outside": status in OUTSIDE,
        "move": movement(row, before),
    }


def _states(rows) -> dict[tuple, tuple]:
    """(unit key, slug) → (range in force, status), for stored rows (one query per day)."""
    return {
        (ScopeKey.of_row(row), row.indicator): (reference, status)
        for row, reference, status in range_states(rows)
    }


def spc_overview(*, unit: ScopeKey, as_of: datetime.date, period: str) -> dict:
    """The unit's SPC tiles: value (or 无数据), numerator and denominator, the range in force on
    `as_of` for its court level, the status, the movement since the week before and the year's
    daily values; and how many values are inside and outside their ranges."""
    now = by_indicator(_spc_rows(unit_values(unit=unit, as_of=as_of, period=period)))
    before = by_indicator(_spc_rows(unit_values(unit=unit, as_of=as_of - WEEK, period=period)))
    states = {row.indicator: (ref, status) for row, ref, status in range_states(now.values())}
    series = year_series(unit=unit, as_of=as_of)
    tiles = []
    counts = {"inside": 0, "outside": 0, "no_range": 0}
    for indicator in SPC2024_INDICATORS.values():
        row = now.get(indicator.slug)
        reference, status = states.get(indicator.slug, (None, RangeStatus.NO_VALUE))
        tile = _cell(indicator, row, reference, status, before.get(indicator.slug))
        tile.update(
            label=indicator.label_in(SPC),
            applies=unit.scope in indicator.scopes,
            series=series.get(indicator.slug, []),
        )
        tiles.append(tile)
        if status == RangeStatus.INSIDE:
            counts["inside"] += 1
        elif status in OUTSIDE:
            counts["outside"] += 1
        elif status == RangeStatus.NO_RANGE:
            counts["no_range"] += 1
    return {
        "tiles": tiles,
        "counts": counts,
        "demo_ranges": any(tile["range"] is not None and tile["range"].demo for tile in tiles),
        "computed": bool(now),
    }


def spc_children(
    *, unit: ScopeKey, as_of: datetime.date, period: str, week: bool = False
) -> list[dict]:
    """Each unit one level below `unit`, in unit-code order, with every SPC indicator's value,
    range and status (and, with `week`, its movement since the week before): a judge has none."""
    if unit.scope is Scope.JUDGE:
        return []
    rows = _spc_rows(children_values(unit=unit, as_of=as_of, period=period))
    before: dict[tuple, IndicatorValue] = {}
    if week:
        earlier = children_values(unit=unit, as_of=as_of - WEEK, period=period)
        before = {(ScopeKey.of_row(row), row.indicator): row for row in _spc_rows(earlier)}
    states = _states(rows)
    units: dict[ScopeKey, dict] = {}
    values: dict[ScopeKey, dict[str, IndicatorValue]] = defaultdict(dict)
    for row in rows:  # codes order, as children_values gives them
        key = ScopeKey.of_row(row)
        units.setdefault(key, {"key": key, "code": unit_code(row), "name": unit_name(row)})
        values[key][row.indicator] = row
    result = []
    for key, child in units.items():
        cells = []
        for indicator in SPC2024_INDICATORS.values():
            row = values[key].get(indicator.slug)
            reference, status = states.get((key, indicator.slug), (None, RangeStatus.NO_VALUE))
            cells.append(
                _cell(indicator, row, reference, status, before.get((key, indicator.slug)))
            )
        child["cells"] = cells
        child["outside"] = sum(1 for cell in cells if cell["outside"])
        result.append(child)
    return result


def spc_drill(*, unit: ScopeKey, indicator: Indicator, as_of: datetime.date, period: str) -> dict:
    """The drill-down in the SPC view: the unit's value and each child's (code order) with the
    range in force for its court level and the status; no score, no target."""
    own = drill_value(unit=unit, indicator=indicator, as_of=as_of, period=period)
    rows = []
    if unit.scope is not Scope.JUDGE:
        rows = list(children_values(unit=unit, as_of=as_of, period=period, indicator=indicator))
    states = _states([own, *rows] if own is not None else rows)
    missing = (None, RangeStatus.NO_VALUE)
    own_cell = _cell(indicator, own, *states.get((unit_key(own), indicator.slug), missing))
    children = []
    for row in rows:
        key = ScopeKey.of_row(row)
        child = _cell(indicator, row, *states.get((key, indicator.slug), missing))
        child.update(key=key, code=unit_code(row), name=unit_name(row))
        children.append(child)
    return {"own": own_cell, "children": children}


def unit_key(row) -> ScopeKey | None:
    return ScopeKey.of_row(row) if row is not None else None


def spc_trend(*, unit: ScopeKey, indicator: Indicator, as_of: datetime.date) -> list[dict]:
    """The year's daily YTD values and last year's (as the local trend), each day with the range
    in force that day for the unit's court level (the city: the all-levels range) and the
    status: a past day reads against the range that held then. No target."""
    rows = trend(unit=unit, indicator=indicator, as_of=as_of)
    level = None
    if unit.court_id is not None:
        level = Court.objects.filter(pk=unit.court_id).values_list("level", flat=True).first()
    ranges = ranges_on_days(indicator, level, [row["day"] for row in rows])
    for row in rows:
        row["target"] = None
        row["range"] = ranges.get(row["day"])
        row["status"] = range_status(row["value"], row["range"])
    return rows
