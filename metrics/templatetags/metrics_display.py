"""Display of indicator numbers: 2 decimals half up, units, "—" for no value (INDICATORS.md)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from metrics.choices import Unit
from metrics.reading.dashboard import rounded

register = template.Library()
DASH = "—"


@register.filter
def fixed2(value) -> str:
    number = rounded(value)
    return DASH if number is None else f"{number:,.2f}"


def _with_unit(number, unit) -> str:
    if unit == Unit.RATIO:
        return f"1 : {number:.2f}"
    if unit == Unit.DAYS:
        return _("%(days)s 天") % {"days": f"{number:,.2f}"}
    return f"{number:.2f}%"


@register.filter
def indicator_value(value, indicator) -> str:
    """95.00% · 63.25 天 · 1 : 1.27 · —"""
    number = rounded(value)
    return DASH if number is None else _with_unit(number, indicator.unit)


@register.filter
def quantity(value) -> str:
    """A stored numerator or denominator: a count as an integer, a sum of money with cents."""
    number = rounded(value)
    if number is None:  # none stored (a unit with no results yet: the template's ""), not a number
        return DASH
    return f"{int(number):,}" if number == number.to_integral_value() else f"{number:,.2f}"


@register.filter
def change(value, indicator) -> str:
    """A change of value: percentage points, days, or the ratio's x."""
    number = rounded(value)
    if number is None:
        return DASH
    sign = "+" if number > 0 else ""
    if indicator.unit == Unit.PERCENT:
        return _("%(change)s 个百分点") % {"change": f"{sign}{number:.2f}"}
    if indicator.unit == Unit.DAYS:
        return _("%(change)s 天") % {"change": f"{sign}{number:.2f}"}
    return f"{sign}{number:.2f}"


@register.filter
def signed(value) -> str:
    number = rounded(value)
    if number is None:
        return DASH
    return f"{'+' if number > 0 else ''}{number:.2f}"


@register.filter
def target_text(target) -> str:
    """The target in force: a value, or a band "35.00%–65.00%"; "—" when there is none."""
    if target is None or target.thresholds is None:
        return DASH
    unit = target.indicator.unit
    if target.is_band:
        low, high = (rounded(bound) for bound in target.full)
        return f"{_with_unit(low, unit)}–{_with_unit(high, unit)}"
    return _with_unit(rounded(target.target), unit)


@register.filter
def warning_text(target) -> str:
    if target is None or target.thresholds is None:
        return DASH
    unit = target.indicator.unit
    if target.is_band:
        low, high = (rounded(bound) for bound in target.zero)
        return _("低于 %(low)s 或高于 %(high)s") % {
            "low": _with_unit(low, unit),
            "high": _with_unit(high, unit),
        }
    return _with_unit(rounded(target.warning), unit)


@register.filter
def score_text(row) -> str:
    """An indicator's score out of its weight: "8.50 / 10"; "—" when it was left out."""
    if row is None or row.score is None or row.weight is None:
        return DASH
    return f"{rounded(row.score):.2f} / {rounded(row.weight).normalize():f}"
