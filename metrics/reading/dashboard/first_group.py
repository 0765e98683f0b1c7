"""第一方阵: the value that would place a unit in the first third of its peers (target
suggestions beside the targets the office sets), from the stored values only.

第一方阵 (target suggestions)
-----------------------------
Peers are the units one level below the same parent (the ranking's peers: courts of one level,
the divisions of one court, the judges of one division) that have a value on that day. With n
such peers (the unit included) the first third is the best k = ⌈n / 3⌉ of them in the
indicator's good direction. The value a unit must reach is the k-th best value among the OTHER
peers: reaching it leaves at most k − 1 peers strictly better, so the unit ranks within the
first k — ties count in (a unit equal to the boundary shares its rank, as ranks do). For a unit
outside the first third this is the k-th best of all; for one inside, the value it must keep.
The peer group's own boundary (the target pages) is the k-th best of all n values.
Fewer than MIN_PEERS valued peers (a lone intermediate court, a division of two judges): no
suggestion — a third of one or two units says nothing. A band indicator has no good direction
(its best is anywhere inside the band): no suggestion, the band is the target.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from cases.models import Court
from cases.units import ScopeKey
from metrics.choices import Direction, Scope
from metrics.definitions.indicators import LOCAL_INDICATORS
from metrics.definitions.registry import Indicator
from metrics.models import IndicatorValue
from metrics.reading.dashboard.common import TargetBook
from metrics.reading.dashboard.contribution import Targets

MIN_PEERS = 3


def _better_first(values: Iterable[float], direction: str) -> list[float]:
    return sorted(values, reverse=direction == Direction.HIGHER)


def first_third_size(count: int) -> int:
    return math.ceil(count / 3)


def first_group_boundary(values: Sequence[float], direction: str) -> float | None:
    """The value of the last unit in the first third of `values` (the k-th best, k = ⌈n/3⌉);
    None for a band indicator or fewer than MIN_PEERS values."""
    if direction == Direction.BAND or len(values) < MIN_PEERS:
        return None
    return _better_first(values, direction)[first_third_size(len(values)) - 1]


def first_group_needed(own: float | None, others: Sequence[float], direction: str) -> float | None:
    """What a unit must reach to be in the first third of itself and `others` (the k-th best
    of the others, k = ⌈(n)/3⌉ with n = len(others) + 1): None as first_group_boundary."""
    count = len(others) + 1
    if direction == Direction.BAND or count < MIN_PEERS:
        return None
    return _better_first(others, direction)[first_third_size(count) - 1]


def at_least_as_good(value: float | None, bound: float | None, direction: str) -> bool | None:
    if value is None or bound is None:
        return None
    return value >= bound if direction == Direction.HIGHER else value <= bound


def peer_parent(unit: ScopeKey) -> ScopeKey | None:
    """The unit whose children are `unit`'s peers (None for the city)."""
    if unit.scope is Scope.JUDGE:
        return ScopeKey(Scope.DIVISION, unit.court_id, unit.division_id)
    if unit.scope is Scope.DIVISION:
        return ScopeKey(Scope.COURT, unit.court_id)
    if unit.scope is Scope.COURT:
        return ScopeKey.city()
    return None


def _peer_rows(parent: ScopeKey, as_of, period, indicator: Indicator | None = None):
    rows = IndicatorValue.objects.filter(
        parent.children_q(), as_of=as_of, period=period, value__isnull=False
    )
    if indicator is not None:
        rows = rows.filter(indicator=indicator.slug)
    return rows.only("scope", "court_id", "division_id", "judge_id", "indicator", "value")


def _court_levels(parent: ScopeKey) -> dict[int, str]:
    if parent.scope is not Scope.CITY:
        return {}
    return dict(Court.objects.values_list("pk", "level"))


def unit_suggestions(
    *, unit: ScopeKey, as_of: datetime.date, period: str, book: Targets | None = None
) -> list[dict]:
    """For each indicator of the registry computed at the unit's level: the unit's value, the
    target in force, the value that places it in the first third of its peers (`needed`), the
    number of valued peers, and whether it is there already (two queries)."""
    parent = peer_parent(unit)
    if parent is None:
        return []
    book = book or TargetBook()
    levels = _court_levels(parent)
    level = levels.get(unit.court_id)
    values: dict[str, list[float]] = defaultdict(list)
    own: dict[str, float] = {}
    for row in _peer_rows(parent, as_of, period):
        key = ScopeKey.of_row(row)
        if levels and levels.get(key.court_id) != level:
            continue  # courts are peers of courts of one level only
        if key == unit:
            own[row.indicator] = row.value
        else:
            values[row.indicator].append(row.value)
    result = []
    for indicator in LOCAL_INDICATORS.values():
        if unit.scope not in indicator.scopes:
            continue
        others = values.get(indicator.slug, [])
        value = own.get(indicator.slug)
        count = len(others) + (value is not None)
        needed = (
            first_group_needed(value, others, indicator.direction) if value is not None else None
        )
        if value is None:
            needed = first_group_boundary(others, indicator.direction)
        result.append(
            {
                "indicator": indicator,
                "value": value,
                "target": book.get(indicator, period, as_of),
                "peers": count,
                "size": first_third_size(count) if count else 0,
                "needed": needed,
                "inside": at_least_as_good(value, needed, indicator.direction),
                "band": indicator.direction == Direction.BAND,
                "few": count < MIN_PEERS,
            }
        )
    return result


def group_suggestions(
    *, indicator: Indicator, as_of: datetime.date, period: str, levels: Sequence[Scope] = ()
) -> list[dict]:
    """The first-third boundary of each peer group of the city for one indicator: the courts of
    each level, the divisions of each court, and (if asked in `levels`) the judges of each
    division — one query. Groups with fewer than MIN_PEERS valued units are listed with no
    boundary. Each group says its `parent` (whose children the peers are) and, for courts,
    their `level`: a page shows a viewer only the groups of their reach (`group_visible`)."""
    scopes = [Scope.COURT, *levels]
    rows = IndicatorValue.objects.filter(
        as_of=as_of,
        period=period,
        indicator=indicator.slug,
        scope__in=[scope for scope in scopes if scope in indicator.scopes],
        value__isnull=False,
    ).select_related("court", "division")
    groups: dict[tuple, list[float]] = defaultdict(list)
    names: dict[tuple, dict] = {}
    for row in rows:
        if row.scope == Scope.COURT:
            key = (0, row.court.level, "", "")
            names[key] = {
                "scope": Scope.COURT,
                "parent": ScopeKey.city(),
                "court": None,
                "level": row.court.level,
            }
        elif row.scope == Scope.DIVISION:
            key = (1, row.court.code, "", "")
            names[key] = {
                "scope": Scope.DIVISION,
                "parent": ScopeKey(Scope.COURT, row.court_id),
                "court": row.court,
                "level": None,
            }
        else:
            key = (2, row.court.code, row.division.name, row.division_id)
            names[key] = {
                "scope": Scope.JUDGE,
                "parent": ScopeKey(Scope.DIVISION, row.court_id, row.division_id),
                "court": row.court,
                "division": row.division,
                "level": None,
            }
        groups[key].append(row.value)
    result = []
    for key in sorted(groups):
        values = groups[key]
        result.append(
            {
                **names[key],
                "peers": len(values),
                "size": first_third_size(len(values)),
                "boundary": first_group_boundary(values, indicator.direction),
            }
        )
    return result


def group_visible(group: dict, viewer: ScopeKey | None, reached) -> bool:
    """A peer group a viewer may see: one under a unit they reach (`reached(parent)`), or one
    on their own way up — the group their unit or a unit above it belongs to (its boundary is
    what that unit must reach; no peer is named)."""
    if viewer is None:
        return False
    if reached(group["parent"]):
        return True
    if group["scope"] is Scope.COURT:
        return viewer.court_id is not None and group["level"] == _court_level(viewer.court_id)
    if group["scope"] is Scope.DIVISION:
        return viewer.division_id is not None and viewer.court_id == group["parent"].court_id
    return viewer.judge_id is not None and viewer.division_id == group["parent"].division_id


def _court_level(court_id: int) -> str | None:
    return Court.objects.filter(pk=court_id).values_list("level", flat=True).first()
