"""The city's report-level settings pages: the health check's thresholds (体检规则参数), the
ranking mode (排名方式) and, on the same page, the indicator sets shown (显示的指标体系). The
office and the court leaders read them with their history; the city's office changes them
(HEALTH_RULES_EDIT, RANKING_MODE_SET: city-wide actions)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cases.models import RankingSetting
from cases.permissions import Action, Refused, may
from cases.units import top_unit_name
from metrics.choices import IndicatorSet
from metrics.models import IndicatorSetSetting
from metrics.selectors import ranking_mode, shown_sets
from reports.choices import FindingKind
from reports.healthcheck import DEFAULTS, rules
from reports.models import HealthRuleSetting
from reports.services.settings import health_rules_save, indicator_sets_set, ranking_mode_set
from reports.views.common import pager

PARAM_LABELS = {
    "last_days": gettext_lazy("统计最后天数"),
    "min_count": gettext_lazy("至少件数"),
    "min_base": gettext_lazy("基数至少（件）"),
    "excess": gettext_lazy("高出%(top)s（百分点）"),
    "z": gettext_lazy("显著性 z 值至少"),
    "ratio": gettext_lazy("达%(top)s倍数"),
    "min_same_cause": gettext_lazy("同一案由至少（件）"),
    "months": gettext_lazy("立案超过（月）"),
    "idle_days": gettext_lazy("信息无变动（天）"),
    "min_days": gettext_lazy("延长至少（天）"),
    "limit_share": gettext_lazy("延长天数占法定审限比例至少"),
    "min_cases": gettext_lazy("同一法官至少（件）"),
    "late_december": gettext_lazy("年底考察天数"),
    "early_january": gettext_lazy("年初考察天数"),
    "baseline_days": gettext_lazy("前后对照天数"),
    "dip": gettext_lazy("年底日均不到对照的倍数"),
    "contrast": gettext_lazy("年初/年底之比达%(top)s倍数"),
}


def param_labels() -> dict[str, str]:
    """PARAM_LABELS with the top unit's name filled in (全市, or 全省 in a province): read at
    call time, one query."""
    words = {"top": top_unit_name()}
    return {name: str(label) % words for name, label in PARAM_LABELS.items()}


class Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def health_rule_form(kind: str, current: dict, data=None, labels: dict | None = None) -> Form:
    """One rule's parameters: whole numbers where the default is one, else decimals > 0.
    `labels`: param_labels(), when the caller already has them."""
    form = Form(data, prefix=kind)
    labels = param_labels() if labels is None else labels
    for name, default in DEFAULTS[kind].items():
        label = labels.get(name, name)
        if isinstance(default, int):
            field = forms.IntegerField(label=label, min_value=1, max_value=3650)
        else:
            field = forms.FloatField(label=label, min_value=0.01, max_value=1000)
        field.initial = current.get(name, default)
        field.help_text = _("默认 %(value)s") % {"value": default}
        form.fields[name] = field
    return form


def _require_read(user) -> None:
    if not may(user, Action.SETTINGS_READ):
        raise PermissionDenied


def _change_rows(settings_rows, labels: dict) -> list[dict]:
    return [
        {
            "at": row.changed_at,
            "who": row.changed_by.display_name if row.changed_by else "—",
            "subject": row.get_kind_display(),
            "note": row.note,
            "params": [
                {"label": labels.get(name, name), "value": value}
                for name, value in row.params.items()
            ],
        }
        for row in settings_rows
    ]


@login_required
@require_http_methods(["GET", "POST"])
def health_settings(request):
    user = request.user
    _require_read(user)
    can_edit = may(user, Action.HEALTH_RULES_EDIT)
    current = rules()
    posted = request.POST.get("kind", "") if request.method == "POST" else ""
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if posted not in FindingKind.values:
            messages.error(request, _("未知的体检规则"))
            return redirect("reports:health_settings")
    labels = param_labels()
    forms_by_kind = {
        kind: health_rule_form(
            kind, current[kind], request.POST if kind == posted else None, labels
        )
        for kind in FindingKind.values
    }
    if posted:
        form = forms_by_kind[posted]
        if form.is_valid():
            try:
                saved = health_rules_save(
                    kind=posted,
                    params=form.cleaned_data,
                    note=request.POST.get("note", "")[:200],
                    actor=user,
                )
            except Refused as refusal:
                messages.error(request, str(refusal))
            except ValidationError as error:
                messages.error(request, "；".join(error.messages))
            else:
                messages.success(
                    request,
                    _("体检规则参数已保存，下次体检起生效") if saved else _("参数没有变化"),
                )
                return redirect(reverse("reports:health_settings") + f"#rule-{posted}")
    history = pager(
        request,
        HealthRuleSetting.objects.select_related("changed_by").order_by("-changed_at", "-id"),
        "page",
    )
    history["rows"] = _change_rows(history["rows"], labels)
    return render(
        request,
        "reports/settings_health.html",
        {
            "kinds": [
                {"kind": kind, "label": label, "form": forms_by_kind[kind]}
                for kind, label in FindingKind.choices
            ],
            "can_edit": can_edit,
            "history": history,
        },
    )


class IndicatorSetsForm(Form):
    sets = forms.MultipleChoiceField(
        label=gettext_lazy("显示的指标体系"),
        choices=IndicatorSet.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("至少选择一个指标体系")},
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)


class RankingModeForm(Form):
    mode = forms.ChoiceField(
        label=gettext_lazy("排名方式"), choices=RankingSetting.MODES, widget=forms.RadioSelect
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def ranking_settings(request):
    """Ranks or bands for the local eleven, and which indicator sets the pages show: two forms
    on one page (the posted `form` field says which), each with its history."""
    user = request.user
    _require_read(user)
    can_edit = may(user, Action.RANKING_MODE_SET)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    # Which form was posted (the ranking mode's when unnamed, as before the second form).
    posted = request.POST.get("form", "mode") if request.method == "POST" else None
    mode = ranking_mode()
    shown = shown_sets()
    form = RankingModeForm(request.POST if posted == "mode" else None, initial={"mode": mode.value})
    sets_form = IndicatorSetsForm(
        request.POST if posted == "sets" else None,
        initial={"sets": [str(indicator_set) for indicator_set in shown]},
    )
    bound = {"mode": form, "sets": sets_form}.get(posted)
    if request.method == "POST" and bound is None:
        messages.error(request, _("请求不完整：请在页面上重新提交"))
    elif bound is not None and bound.is_valid():
        try:
            if posted == "mode":
                saved = ranking_mode_set(actor=user, **form.cleaned_data)
                done = _("排名方式已修改") if saved else _("排名方式没有变化")
            else:
                saved = indicator_sets_set(actor=user, **sets_form.cleaned_data)
                done = _("显示的指标体系已修改") if saved else _("显示的指标体系没有变化")
        except Refused as refusal:
            messages.error(request, str(refusal))
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, done)
            return redirect("reports:ranking_settings")
    history = pager(
        request,
        RankingSetting.objects.select_related("changed_by").order_by("-changed_at", "-id"),
        "page",
    )
    sets_history = pager(
        request,
        IndicatorSetSetting.objects.select_related("changed_by").order_by("-changed_at", "-id"),
        "sets_page",
    )
    for row in sets_history["rows"]:
        row.labels = "、".join(str(IndicatorSet(name).label) for name in row.sets)
    return render(
        request,
        "reports/settings_ranking.html",
        {
            "form": form,
            "mode": mode,
            "can_edit": can_edit,
            "history": history,
            "sets_form": sets_form,
            "shown": shown,
            "sets_history": sets_history,
        },
    )
