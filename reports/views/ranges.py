"""区间参考值 pages: the reference ranges of the SPC's 2024 set in force (per indicator and court
level) with their history, for every reader of the dashboards; the city office's form.

The ranges are the city's, entered by its office from its own copy of the SPC's document
(INDICATORS.md, rules of use); a range seeded by the demo is labelled as a demo value wherever
it shows. Nothing here scores, totals or ranks."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.choices import CourtLevel
from cases.dates import today
from cases.models import Court
from cases.permissions import Action, may
from metrics.choices import IndicatorSet
from metrics.definitions.indicators import SPC2024_INDICATORS
from metrics.selectors import ranges_in_force, reference_range_history, shown_sets
from metrics.services import reference_range_set
from reports.range_forms import ReferenceRangeForm
from reports.views.common import pager, report_url, tabs

HISTORY_PAGE_SIZE = 20


def _levels() -> list[str | None]:
    """All levels (None), then the levels of the courts this deployment has, top down."""
    present = set(Court.objects.values_list("level", flat=True).distinct())
    return [None, *(level for level in CourtLevel.values if level in present)]


def _on(request) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return today()


def range_rows(on: datetime.date) -> list[dict]:
    """One row per (indicator, level): the range that applies on `on` (the level's own, or the
    all-levels one it falls back to), in registry order — never ordered by a value."""
    levels = _levels()
    labels = dict(CourtLevel.choices)
    pairs = [(slug, level) for slug in SPC2024_INDICATORS for level in levels]
    in_force = ranges_in_force(pairs, on)
    rows = []
    for slug, indicator in SPC2024_INDICATORS.items():
        for index, level in enumerate(levels):
            reference = in_force[(slug, level)]
            rows.append(
                {
                    "indicator": indicator,
                    "first": index == 0,
                    "last": index == len(levels) - 1,
                    "level": level or "",
                    "level_label": labels[level] if level else _("全部层级"),
                    "range": reference,
                    # A level without its own range reads the all-levels one.
                    "inherited": reference is not None
                    and level is not None
                    and reference.court_level is None,
                    "edit_query": f"?indicator={slug}&court_level={level or ''}",
                }
            )
    return rows


@login_required
def ranges(request):
    if not may(request.user, Action.DASHBOARDS):
        raise PermissionDenied
    on = _on(request)
    history = pager(request, reference_range_history(), "page", size=HISTORY_PAGE_SIZE)
    rows = range_rows(on)
    any_demo = any(row["range"] is not None and row["range"].demo for row in rows) or any(
        row.demo for row in history["rows"]
    )
    return render(
        request,
        "reports/ranges.html",
        {
            "on": on,
            "rows": rows,
            "history": history,
            "any_demo": any_demo,
            "shown": IndicatorSet.SPC2024 in shown_sets(),
            "may_edit": may(request.user, Action.RANGES_EDIT),
            "edit_url": report_url("ranges_edit"),
            "report_tabs": tabs(request, "ranges"),
        },
    )


@login_required
def ranges_edit(request):
    if not may(request.user, Action.RANGES_EDIT):
        raise PermissionDenied
    initial = {}
    if request.method != "POST":
        indicator = request.GET.get("indicator", "")
        level = request.GET.get("court_level", "")
        if indicator in SPC2024_INDICATORS:
            initial["indicator"] = indicator
        if level in CourtLevel.values:
            initial["court_level"] = level
    form = ReferenceRangeForm(request.POST or None, initial=initial)
    back = report_url("ranges")
    if request.method == "POST" and form.is_valid():
        try:
            row = reference_range_set(
                **form.service_arguments(), actor=request.user, request=request
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("已保存“%(label)s”的区间参考值，自 %(day)s 起适用。")
                % {
                    "label": SPC2024_INDICATORS[row.indicator].label,
                    "day": row.effective_from.isoformat(),
                },
            )
            return redirect(back)
    return render(
        request,
        "reports/ranges_edit.html",
        {"form": form, "back_url": back, "report_tabs": tabs(request, "ranges")},
    )
