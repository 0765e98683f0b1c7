"""督办设置: the office's settings pages, each with the history of who changed what — four-type
suggestion rules, abnormality detection rules, the court's extension approver (审限变更一支笔),
and links to the report-level ones (health-check thresholds, ranking mode).

Read by the office and the court leaders (SETTINGS_READ); each change by whoever the permission
table allows (the rules: the office, a city-wide one the city's office; the approver: a court
leader), through one service call that records it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cases.models import Court
from cases.permissions import Action, may
from metrics.definitions.indicators import INDICATORS
from supervision import services
from supervision.choices import TraceKind
from supervision.models import DetectionRule, ExtensionApprover, FourTypeRule, TraceEntry
from supervision.office_forms import ApproverForm, DetectionRuleForm, FourTypeRuleForm
from supervision.services.settings import (
    DETECTION_OBJECT,
    RULE_OBJECT,
    detection_rule_save,
    four_type_rule_save,
    rule_unit,
    settings_history,
)
from supervision.views.common import paginate, run_service

FIELD_LABELS = {
    "name": gettext_lazy("名称"),
    "kind": gettext_lazy("规则类型"),
    "category": gettext_lazy("提示类别"),
    "params": gettext_lazy("参数"),
    "court": gettext_lazy("适用法院"),
    "auto_confirm": gettext_lazy("自动确认"),
    "active": gettext_lazy("启用"),
    "enabled": gettext_lazy("启用"),
    "check_warning": gettext_lazy("检查预警线"),
    "fall_threshold": gettext_lazy("较上周变差超过"),
    "min_denominator": gettext_lazy("分母至少"),
    "repeat_days": gettext_lazy("不重复起草天数"),
}


def _require_read(user) -> None:
    if not may(user, Action.SETTINGS_READ):
        raise PermissionDenied


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, dict):
        return "，".join(f"{key}={item}" for key, item in value.items()) or "—"
    return str(value)


def history_rows(events, names: dict | None = None) -> list[dict]:
    """Audit events of setting changes as rows: when, who, and each field from → to."""
    rows = []
    for event in events:
        before = event.detail.get("before") or {}
        after = event.detail.get("after") or {}
        changed = event.detail.get("changed") or sorted(after)
        rows.append(
            {
                "at": event.at,
                "who": event.username,
                "subject": (names or {}).get(event.object_id, ""),
                "created": not before,
                "changes": [
                    {
                        "label": FIELD_LABELS.get(name, name),
                        "before": _shown(before.get(name)),
                        "after": _shown(after.get(name)),
                    }
                    for name in changed
                ],
            }
        )
    return rows


def _history_page(request, object_type: str, names: dict) -> tuple:
    page = paginate(request, settings_history(object_type=object_type, object_ids=names), size=20)
    return page, history_rows(page.object_list, names)


@login_required
def settings_home(request):
    user = request.user
    _require_read(user)
    return render(
        request,
        "supervision/settings/home.html",
        {
            "rules": FourTypeRule.objects.in_scope(user).select_related("court"),
            "detection_count": DetectionRule.objects.filter(enabled=True).count(),
            "approvers": ExtensionApprover.objects.in_scope(user).select_related("court", "user"),
        },
    )


# --- four-type suggestion rules ----------------------------------------------------------------


@login_required
def settings_rules(request):
    user = request.user
    _require_read(user)
    rules = list(FourTypeRule.objects.in_scope(user).select_related("court"))
    for rule in rules:
        rule.editable = may(user, Action.RULE_MANAGE, unit=rule_unit(rule.court))
    page, history = _history_page(request, RULE_OBJECT, {str(rule.pk): rule.name for rule in rules})
    return render(
        request,
        "supervision/settings/rules.html",
        {
            "rules": rules,
            "page_obj": page,
            "history": history,
            "can_add": may(user, Action.RULE_MANAGE),
        },
    )


def _rule_form_page(request, rule: FourTypeRule | None):
    user = request.user
    if not may(user, Action.RULE_MANAGE):
        raise PermissionDenied
    editable = rule is None or may(user, Action.RULE_MANAGE, unit=rule_unit(rule.court))
    initial = {}
    if rule is not None:
        initial = {
            "name": rule.name,
            "kind": rule.kind,
            "months": rule.params.get("months"),
            "category": rule.category,
            "court": rule.court_id,
            "auto_confirm": rule.auto_confirm,
            "active": rule.active,
        }
    else:
        initial = {"court": user.court_id, "active": True, "months": 12}
    form = FourTypeRuleForm(
        request.POST or None, user=user, editing=rule is not None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        saved: list[FourTypeRule] = []

        def save():
            saved.append(four_type_rule_save(actor=user, rule=rule, **data))

        if run_service(request, save, _("提示规则已保存")):
            return redirect("supervision:settings_rule", pk=saved[0].pk)
    page = history = None
    if rule is not None:
        page, history = _history_page(request, RULE_OBJECT, {str(rule.pk): rule.name})
    return render(
        request,
        "supervision/settings/rule.html",
        {"rule": rule, "form": form, "editable": editable, "page_obj": page, "history": history},
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_rule_new(request):
    return _rule_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def settings_rule(request, pk: int):
    _require_read(request.user)
    rule = get_object_or_404(FourTypeRule.objects.in_scope(request.user), pk=pk)
    if not may(request.user, Action.RULE_MANAGE):
        if request.method == "POST":
            raise PermissionDenied
        # A court leader reads the rule and its history; the office changes it.
        page, history = _history_page(request, RULE_OBJECT, {str(rule.pk): rule.name})
        return render(
            request,
            "supervision/settings/rule.html",
            {"rule": rule, "form": None, "editable": False, "page_obj": page, "history": history},
        )
    return _rule_form_page(request, rule)


# --- abnormality detection rules ----------------------------------------------------------------


def _indicator_label(slug: str) -> str:
    return str(INDICATORS[slug].label) if slug in INDICATORS else slug


@login_required
def settings_detection(request):
    user = request.user
    _require_read(user)
    rules = list(DetectionRule.objects.all())
    for rule in rules:
        rule.label = _indicator_label(rule.indicator)
    names = {str(rule.pk): rule.label for rule in rules}
    page, history = _history_page(request, DETECTION_OBJECT, names)
    return render(
        request,
        "supervision/settings/detection.html",
        {
            "rules": rules,
            "page_obj": page,
            "history": history,
            "can_edit": may(user, Action.DETECTION_RULES_EDIT),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_detection_rule(request, slug: str):
    user = request.user
    _require_read(user)
    rule = get_object_or_404(DetectionRule, indicator=slug)
    rule.label = _indicator_label(rule.indicator)
    can_edit = may(user, Action.DETECTION_RULES_EDIT)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = DetectionRuleForm(
        request.POST or None,
        initial={
            "enabled": rule.enabled,
            "check_warning": rule.check_warning,
            "fall_threshold": rule.fall_threshold,
            "min_denominator": rule.min_denominator,
            "repeat_days": rule.repeat_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        if run_service(
            request,
            lambda: detection_rule_save(actor=user, rule=rule, **form.cleaned_data),
            _("研判规则已保存"),
        ):
            return redirect("supervision:settings_detection_rule", slug=rule.indicator)
    page, history = _history_page(request, DETECTION_OBJECT, {str(rule.pk): rule.label})
    return render(
        request,
        "supervision/settings/detection_rule.html",
        {"rule": rule, "form": form, "can_edit": can_edit, "page_obj": page, "history": history},
    )


# --- the extension approver ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def settings_approver(request):
    """审限变更一支笔: each court's one approver, designated here by a court leader."""
    user = request.user
    _require_read(user)
    can_designate = may(user, Action.APPROVER_DESIGNATE)
    if request.method == "POST" and not can_designate:
        raise PermissionDenied
    form = ApproverForm(request.POST or None, user=user, initial={"court": user.court_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run_service(
            request,
            lambda: services.approver_designate(court=data["court"], user=data["user"], actor=user),
            _("已指定%(user)s为%(court)s的审限变更审批人")
            % {"user": data["user"].display_name, "court": data["court"].name},
        ):
            return redirect("supervision:settings_approver")
    approvers = {
        approver.court_id: approver
        for approver in ExtensionApprover.objects.in_scope(user).select_related(
            "user", "designated_by"
        )
    }
    courts = [
        {"court": court, "approver": approvers.get(court.pk)}
        for court in Court.objects.in_scope(user).order_by("code")
    ]
    entries = (
        TraceEntry.objects.in_scope(user)
        .filter(kind=TraceKind.APPROVER_DESIGNATED)
        .select_related("court")
        .order_by("-at", "-id")
    )
    return render(
        request,
        "supervision/settings/approver.html",
        {
            "courts": courts,
            "form": form if can_designate else None,
            "page_obj": paginate(request, entries, size=20),
        },
    )
