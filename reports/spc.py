"""The SPC's 2024 set (INDICATORS.md, "The SPC's 2024 set") as the reports read it: each stored
value against the reference range (合理区间) in force on its own day, in unit-code order and
then registry order — never by value (the SPC's rules of use: no score, no total, no rank).

One reading for the data-review meeting's agenda (reports.selectors.meetings: the values
outside their range are items) and the monthly review (reports.monthly.spc: every value with its
range and status, and the ones outside), so both say the same of the same value.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from metrics.choices import IndicatorSet, PeriodKind, RangeStatus, Scope
from metrics.definitions.indicators import SPC2024_INDICATORS
from metrics.definitions.registry import Indicator
from metrics.models import IndicatorValue, ReferenceRange
from metrics.selectors import SCOPE_ORDER, range_states, shown_sets
from metrics.templatetags.metrics_display import indicator_value

YTD = PeriodKind.YTD.value
OUTSIDE = (RangeStatus.BELOW, RangeStatus.ABOVE)
NO_DATA = "no_data"  # the unit's export lacks the columns: "无数据", never 0
NO_VALUE = "none"  # a zero denominator: "—"
REGISTRY_ORDER = {slug: index for index, slug in enumerate(SPC2024_INDICATORS)}


def spc_shown() -> bool:
    """Whether this deployment shows the SPC's 2024 set (the office's choice, else
    COURTDASH_INDICATOR_SETS): ranges may be entered before it is shown, but nothing is flagged
    against them until then."""
    return IndicatorSet.SPC2024 in shown_sets()


def _order_key(row) -> tuple:
    return (
        SCOPE_ORDER[Scope(row.scope)],
        row.court.code if row.court_id else "",
        row.division.name if row.division_id else "",
        row.judge.staff_id if row.judge_id else "",
        REGISTRY_ORDER[row.indicator],
    )


def spc_states(units_q: Q, as_of: datetime.date) -> list[tuple]:
    """(row, range in force, RangeStatus) for every stored YTD value of the SPC's set on
    `as_of` of the units `units_q` selects: the unit before those below it, then by code, then
    in registry order."""
    rows = IndicatorValue.objects.filter(
        units_q, as_of=as_of, period=YTD, indicator__in=list(SPC2024_INDICATORS)
    ).select_related("court", "division", "judge")
    return range_states(sorted(rows, key=_order_key))


def bound(value) -> float | None:
    """A range's bound as a plain JSON number (None: that side is open)."""
    return None if value is None else float(value)


def range_text(reference: ReferenceRange | None, indicator: Indicator) -> str:
    """'lower – upper' in the indicator's unit; an open side says so; no range: 未设."""
    if reference is None:
        return _("未设")
    lower = _("无下限") if reference.lower is None else indicator_value(reference.lower, indicator)
    upper = _("无上限") if reference.upper is None else indicator_value(reference.upper, indicator)
    return f"{lower} – {upper}"


def status_of(row, status: RangeStatus) -> tuple[str, str]:
    """(key, words) of a value's state against its range: the RangeStatus's own (达标, 低于区间,
    高于区间, 未设区间), but a value-less row says why: 无数据 (no_data) or — (zero
    denominator)."""
    if status is RangeStatus.NO_VALUE:
        if getattr(row, "no_data", False):
            return NO_DATA, _("无数据")
        return NO_VALUE, "—"
    return status.value, str(status.label)


def value_text(row, indicator: Indicator) -> str:
    if getattr(row, "no_data", False):
        return _("无数据")
    return indicator_value(row.value, indicator)
