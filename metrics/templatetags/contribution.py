"""比贡献 and 第一方阵 in templates: the display of a gap share, and the first-third boundaries
beside the targets the office sets (metrics' indicator and target pages, reports' quarterly
targets form) — read here so that those pages' views need no change."""

from __future__ import annotations

from django import template

from cases.units import reaches, user_unit
from metrics.choices import PeriodKind, Scope
from metrics.definitions.registry import Indicator
from metrics.reading.dashboard import TargetBook, rounded
from metrics.reading.dashboard.first_group import (
    MIN_PEERS,
    group_suggestions,
    group_visible,
    unit_suggestions,
)
from metrics.selectors import latest_as_of

register = template.Library()
DASH = "—"
YTD = PeriodKind.YTD.value


@register.filter
def gap_amount(value) -> str:
    """A share of a gap: "+12.50", "−3.00" (ahead of the target), "0"; "—" for none."""
    number = rounded(value)
    if number is None:
        return DASH
    if number == 0:
        return "0"
    text = f"{abs(number):,.2f}"
    return f"+{text}" if number > 0 else f"−{text}"


@register.filter
def fraction_percent(value) -> str:
    """A fraction as a percentage: 0.1234 → "12.34%"; "—" for none."""
    number = rounded(None if value is None else value * 100)
    return DASH if number is None else f"{number:.2f}%"


@register.inclusion_tag("metrics/_first_group_groups.html", takes_context=True)
def first_group_groups(context, indicator: Indicator):
    """The first-third boundary of each peer group (courts of a level, the divisions of each
    court) for one indicator, on the latest computed YTD day, beside the target in force — the
    groups of the viewer's reach and of their own way up only."""
    # the indicator page has read the day and the target in force already
    as_of = context.get("as_of") if "target" in context else latest_as_of(YTD)
    groups = []
    user = context["request"].user
    if as_of is not None:
        viewer = user_unit(user)
        groups = [
            group
            for group in group_suggestions(
                indicator=indicator, as_of=as_of, period=YTD, levels=[Scope.DIVISION]
            )
            if group_visible(group, viewer, lambda unit: reaches(user, unit))
        ]
    target = context.get("target")
    if target is None and as_of is not None:
        target = TargetBook().get(indicator, YTD, as_of)
    return {
        "indicator": indicator,
        "as_of": as_of,
        "groups": groups,
        "target": target,
        "min_peers": MIN_PEERS,
    }


@register.simple_tag
def unit_first_group(unit) -> dict:
    """The unit's 第一方阵 value of each indicator (latest computed YTD day), by slug."""
    as_of = latest_as_of(YTD)
    if as_of is None or unit is None:
        return {}
    rows = unit_suggestions(unit=unit, as_of=as_of, period=YTD)
    return {row["indicator"].slug: row for row in rows}


@register.filter
def suggestion_for(suggestions: dict, indicator) -> dict | None:
    slug = getattr(indicator, "slug", indicator)
    return (suggestions or {}).get(slug)
