"""The units one level down from a unit that have computed results: the reports pages list
them (links down), the quarterly targets read theirs."""

from __future__ import annotations

from cases.units import ScopeKey
from metrics.choices import PeriodKind, Scope
from metrics.models import ScopeScore
from metrics.reading import pagecache
from metrics.selectors import latest_as_of, unit_name


def child_units(unit: ScopeKey) -> list[tuple[ScopeKey, str]]:
    """The units one level down that have computed results (from the latest scores), kept
    with the stored results (metrics.reading.pagecache: a nightly stores new ones)."""
    if unit.scope is Scope.JUDGE:
        return []
    return pagecache.cached("reports.child_units", lambda: _child_units(unit), unit=unit)


def _child_units(unit: ScopeKey) -> list[tuple[ScopeKey, str]]:
    day = latest_as_of(PeriodKind.YTD.value)
    if day is None:
        return []
    rows = (
        ScopeScore.objects.filter(unit.children_q(), as_of=day, period=PeriodKind.YTD)
        .select_related("court", "division", "judge")
        .order_by("court__code", "division__name", "judge__staff_id")
    )
    return [(ScopeKey.of_row(row), unit_name(row)) for row in rows]
