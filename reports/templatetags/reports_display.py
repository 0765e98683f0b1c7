"""Template helpers of the reports pages."""

from __future__ import annotations

from django import template

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
