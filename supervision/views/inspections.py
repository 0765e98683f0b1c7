"""The link with the inspection department: joint inspections (联合督查) — the list, a new one
(the office's is in force at once, an inspector's is a request), one with its cases and findings,
where the office approves or rejects a request."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.choices import AuditAction
from cases.dates import today
from cases.permissions import Action, may
from cases.services import audit_record
from cases.units import ScopeKey
from supervision import forms, services
from supervision.choices import InspectionState
from supervision.models import JointInspection
from supervision.views.common import form_errors, paginate, run_service


@login_required
def inspections(request):
    user = request.user
    rows = (
        JointInspection.objects.in_scope(user)
        .select_related("court", "recorded_by")
        .annotate(case_count=Count("cases"))
        .order_by("-inspected_on", "-id")
    )
    return render(
        request,
        "supervision/inspections.html",
        {
            "page_obj": paginate(request, rows, size=20),
            "can_record": may(user, Action.JOINT_INSPECTION),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request):
    user = request.user
    form = forms.InspectionForm(
        request.POST or None, user=user, initial={"inspected_on": today(), "court": user.court_id}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data["cases"] = data.pop("case_numbers")
        created: list[JointInspection] = []

        def record():
            created.append(services.joint_inspection_record(actor=user, **data))
            return created[0]

        if run_service(request, record, _registered):
            return redirect("supervision:inspection", pk=created[0].pk)
    elif request.method == "POST":
        form_errors(request, form)
    return render(
        request,
        "supervision/inspection_new.html",
        {"form": form, "can_record": may(user, Action.JOINT_INSPECTION)},
    )


def _registered(inspection: JointInspection) -> str:
    if inspection.state == InspectionState.APPROVED:
        return _("联合督查已登记")
    return _("联合督查已提交，待审管办批准；批准后参加督查的督察人员方可查阅所涉案件")


INSPECTION_ACTIONS = {"approve": forms.DecisionForm, "reject": forms.InspectionRejectForm}


def _inspection_action(request, inspection: JointInspection) -> None:
    name = request.POST.get("action", "")
    if name not in INSPECTION_ACTIONS:
        messages.error(request, _("未知的操作"))
        return
    form = INSPECTION_ACTIONS[name](request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return
    approve = name == "approve"
    note = form.cleaned_data["note" if approve else "reason"]
    run_service(
        request,
        lambda: services.joint_inspection_decide(
            inspection=inspection, approve=approve, note=note, actor=request.user
        ),
        _("已批准，参加督查的督察人员已加入所涉案件") if approve else _("已不批准"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_detail(request, pk: int):
    user = request.user
    inspection = get_object_or_404(
        JointInspection.objects.in_scope(user).select_related("court", "recorded_by", "decided_by"),
        pk=pk,
    )
    if request.method == "POST":
        _inspection_action(request, inspection)
        return redirect("supervision:inspection", pk=inspection.pk)
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="supervision.jointinspection",
        object_id=inspection.pk,
        detail={"title": inspection.title},
    )
    return render(
        request,
        "supervision/inspection.html",
        {
            "inspection": inspection,
            "cases": inspection.cases.select_related("division", "judge").order_by("case_number"),
            # Only the cases the viewer may open are shown with their unit and linked (a
            # request names cases its inspectors are not joined to, yet).
            "cases_reached": set(inspection.cases.in_scope(user).values_list("pk", flat=True)),
            "participants": inspection.participants.order_by("username"),
            "can_decide": inspection.state == InspectionState.REQUESTED
            and may(user, Action.JOINT_INSPECTION_APPROVE, ScopeKey.of(court=inspection.court_id)),
            "forms": {"approve": forms.DecisionForm(), "reject": forms.InspectionRejectForm()},
        },
    )
