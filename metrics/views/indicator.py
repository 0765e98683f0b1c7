"""An indicator's page: its definition in words, target, warning and weight, and who changed
them; the city's office edits them here (metrics.services.indicator_target_update)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import CourtLevel
from cases.dates import today
from cases.permissions import Action, may
from metrics.choices import Direction, IndicatorSet, PeriodKind, Scope
from metrics.definitions.registry import Indicator
from metrics.definitions.words import CASE_SETS, TERMS
from metrics.models import IndicatorMonthlyTarget, IndicatorTarget, IndicatorTargetChange
from metrics.reading import dashboard
from metrics.selectors import (
    indicator_or_404,
    latest_as_of,
    ranges_in_force,
    reference_range_history,
)
from metrics.services import TARGET_FIELDS, indicator_target_update
from metrics.views.common import page_url, requested_set, set_links, viewer_unit

HISTORY_PAGE_SIZE = 20
MONTHS = range(1, 13)


def _decimal(label, required=True, minimum=None) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, max_digits=12, decimal_places=4, min_value=minimum
    )


class TargetForm(forms.Form):
    """Weight, and target and warning (a band: its four bounds; by month: twelve pairs)."""

    weight = forms.DecimalField(
        label=gettext_lazy("权重"), max_digits=6, decimal_places=2, min_value=0
    )

    def __init__(self, *args, indicator: Indicator, target: IndicatorTarget | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        default = indicator.default_target
        self.by_month = target.by_month if target else bool(default and default.by_month)
        if self.by_month:
            for month in MONTHS:
                self.fields[f"target_{month}"] = _decimal(_("%(month)d月目标值") % {"month": month})
                self.fields[f"warning_{month}"] = _decimal(
                    _("%(month)d月预警值") % {"month": month}
                )
        elif indicator.direction == Direction.BAND:
            for name in ("lower_warning", "lower_target", "upper_target", "upper_warning"):
                self.fields[name] = _decimal(IndicatorTarget._meta.get_field(name).verbose_name)
        else:
            self.fields["target"] = _decimal(IndicatorTarget._meta.get_field("target").verbose_name)
            self.fields["warning"] = _decimal(
                IndicatorTarget._meta.get_field("warning").verbose_name
            )

    def month_pairs(self):
        return [(self[f"target_{month}"], self[f"warning_{month}"]) for month in MONTHS]

    def clean(self):
        data = super().clean()
        if self.by_month and self.indicator.direction == Direction.HIGHER:
            for month in MONTHS:
                target, warning = data.get(f"target_{month}"), data.get(f"warning_{month}")
                if target is not None and warning is not None and not warning < target:
                    self.add_error(f"warning_{month}", _("越高越好的指标，预警值须低于目标值"))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {"weight": data["weight"]}
        if self.by_month:
            arguments["by_month"] = True  # already so, or a new row from the defaults
            arguments["monthly"] = {
                month: (data[f"target_{month}"], data[f"warning_{month}"]) for month in MONTHS
            }
        else:
            arguments.update(
                {name: data[name] for name in TARGET_FIELDS if name in data and name != "weight"}
            )
        return arguments


def _initial(target: IndicatorTarget | None, indicator: Indicator) -> dict:
    if target is None:
        # No row yet (an indicator added since the deployment was seeded): its defaults.
        default = indicator.default_target
        if default is None:
            return {}
        initial = {name: value for name, value in default.fields().items() if name != "by_month"}
        for month, (month_target, month_warning) in default.months().items():
            initial[f"target_{month}"] = month_target
            initial[f"warning_{month}"] = month_warning
        return {name: _plain(value) for name, value in initial.items() if value is not None}
    initial = {name: getattr(target, name) for name in TARGET_FIELDS if name != "by_month"}
    for row in target.monthly.all():
        initial[f"target_{row.month}"] = row.target
        initial[f"warning_{row.month}"] = row.warning
    return {name: _plain(value) for name, value in initial.items()}


def _plain(value):
    """10.0000 → "10", 0.1000 → "0.1" (never 1E+1)."""
    return format(value.normalize(), "f") if isinstance(value, Decimal) else value


FIELD_LABELS = {name: IndicatorTarget._meta.get_field(name).verbose_name for name in TARGET_FIELDS}


def change_lines(change: IndicatorTargetChange) -> list[dict]:
    """What a recorded change changed, field by field (and month by month)."""
    old, new = change.old or {}, change.new or {}
    lines = []
    for name in TARGET_FIELDS:
        if old.get(name) != new.get(name):
            lines.append({"label": FIELD_LABELS[name], "old": old.get(name), "new": new.get(name)})
    old_months, new_months = old.get("monthly") or {}, new.get("monthly") or {}
    for month in sorted({*old_months, *new_months}, key=int):
        if old_months.get(month) != new_months.get(month):
            before, after = old_months.get(month), new_months.get(month)
            lines.append(
                {
                    "label": _("%(month)s月目标值 / 预警值") % {"month": month},
                    "old": " / ".join(before) if before else None,
                    "new": " / ".join(after) if after else None,
                }
            )
    return lines


@login_required
def indicator(request, slug: str):
    definition = indicator_or_404(slug)
    own = viewer_unit(request.user)
    indicator_set = requested_set(request)
    if IndicatorSet.SPC2024 in definition.sets and (
        indicator_set == IndicatorSet.SPC2024 or IndicatorSet.LOCAL not in definition.sets
    ):
        return _spc_definition(request, definition, own, indicator_set)
    target_row = IndicatorTarget.objects.filter(indicator=slug).first()
    monthly = (
        list(IndicatorMonthlyTarget.objects.filter(indicator_target=target_row).order_by("month"))
        if target_row
        else []
    )
    as_of = latest_as_of(PeriodKind.YTD.value) or today()
    history = IndicatorTargetChange.objects.filter(indicator=slug).order_by("-at", "-id")
    page = Paginator(history, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    for change in page.object_list:
        change.lines = change_lines(change)
    return render(
        request,
        "metrics/indicator.html",
        {
            "indicator": definition,
            "words": definition.words,
            "case_sets": CASE_SETS,
            "terms": TERMS,
            "target_row": target_row,
            "monthly": monthly,
            "target": dashboard.TargetBook().get(definition, PeriodKind.YTD.value, as_of),
            "as_of": as_of,
            "scopes": [scope.label for scope in Scope if scope in definition.scopes],
            "page_obj": page,
            "indicator_set": IndicatorSet.LOCAL,
            "set_links": set_links(request, indicator_set) if len(definition.sets) > 1 else [],
            # The SPC's 2024 set has reference ranges, never a target.
            "may_edit": IndicatorSet.LOCAL in definition.sets
            and may(request.user, Action.TARGETS_EDIT),
            "edit_url": page_url("indicator_target", slug=slug),
            "drill_url": page_url("drill", slug=slug, unit=own),
            "trend_url": page_url("trend", slug=slug, unit=own),
        },
    )


RANGE_LEVELS = (None, CourtLevel.HIGH, CourtLevel.INTERMEDIATE, CourtLevel.BASIC)


def _spc_definition(request, definition: Indicator, own, indicator_set: IndicatorSet):
    """The definition as the SPC's set reads it: its name there, the counting rules (Courtdash's:
    the SPC's are not public), the reference ranges in force for each court level and their
    history — no target, weight, score or top-third boundary (the set is not scored or ranked)."""
    as_of = latest_as_of(PeriodKind.YTD.value) or today()
    in_force = ranges_in_force([(definition, level) for level in RANGE_LEVELS], as_of)
    ranges = [
        {
            "level": level.label if level else _("全部层级"),
            "range": in_force[(definition.slug, level.value if level else None)],
        }
        for level in RANGE_LEVELS
    ]
    history = Paginator(reference_range_history(definition), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    spc = IndicatorSet.SPC2024.value
    return render(
        request,
        "metrics/indicator_spc.html",
        {
            "indicator": definition,
            "indicator_label": definition.label_in(IndicatorSet.SPC2024),
            "indicator_set": IndicatorSet.SPC2024,
            "set_links": set_links(request, indicator_set) if len(definition.sets) > 1 else [],
            "words": definition.words,
            "case_sets": CASE_SETS,
            "terms": TERMS,
            "as_of": as_of,
            "scopes": [scope.label for scope in Scope if scope in definition.scopes],
            "ranges": ranges,
            "demo_ranges": any(row["range"] is not None and row["range"].demo for row in ranges),
            "page_obj": history,
            "may_edit": False,  # a reference range is entered on its own page (RANGES_EDIT)
            "version": definition.version,
            "sets": [
                indicator_set.label
                for indicator_set in IndicatorSet
                if indicator_set in definition.sets
            ],
            "drill_url": page_url("drill", slug=definition.slug, unit=own, set=spc),
            "trend_url": page_url("trend", slug=definition.slug, unit=own, set=spc),
        },
    )


@login_required
def indicator_target(request, slug: str):
    """The office's form: target, warning and weight, recorded and rescored by the service."""
    definition = indicator_or_404(slug)
    if IndicatorSet.LOCAL not in definition.sets:
        raise Http404(slug)  # the SPC's 2024 set: reference ranges, never a target
    if not may(request.user, Action.TARGETS_EDIT):
        raise PermissionDenied
    target_row = IndicatorTarget.objects.filter(indicator=slug).first()
    form = TargetForm(
        request.POST or None,
        indicator=definition,
        target=target_row,
        initial=_initial(target_row, definition),
    )
    if request.method == "POST" and form.is_valid():
        try:
            indicator_target_update(indicator=slug, actor=request.user, **form.service_arguments())
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("已保存“%(label)s”的目标设置，今年的得分与排名已重新计算。")
                % {"label": definition.label},
            )
            return redirect(page_url("indicator", slug=slug))
    return render(
        request,
        "metrics/indicator_target.html",
        {
            "indicator": definition,
            "form": form,
            "back_url": page_url("indicator", slug=slug),
        },
    )
