"""Template helpers of the reports pages."""

from __future__ import annotations

from django import template

from metrics.definitions.periods import quarter_of
from metrics.reading import pagecache
from reports.selectors.targets import target_progress

register = template.Library()

STATUS_COLOURS = {
    "met": "green",
    "on_track": "green",
    "at_risk": "amber",
    "off_track": "red",
    "missed": "red",
}


@register.filter
def figure_of(figures: dict, key: str):
    """A kept figure by its id (None if the report has no such chart)."""
    return (figures or {}).get(key)


@register.filter
def prefixed(value: str, prefix: str) -> str:
    return f"{prefix}{value}"


@register.filter
def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status or "", "grey")


@register.inclusion_tag("reports/_quarter_targets.html")
def quarter_targets_tile(unit, as_of):
    """The quarter-targets tile of the metrics overview (季目标, set by the office here): the
    progress of `unit`'s targets of the quarter of `as_of`. The overview loads this tag by name
    so that metrics never imports reports."""
    year, quarter = quarter_of(as_of)
    # The same for every viewer of the unit (metrics.reading.pagecache; a target change
    # invalidates).
    progress = pagecache.cached(
        "reports.quarter_targets_tile",
        lambda: target_progress(
            units=[unit], year=year, quarter=quarter, today=as_of, all_indicators=False
        )[unit],
        unit=unit,
        as_of=as_of,
    )
    return {"progress": progress, "year": year, "quarter": quarter}
