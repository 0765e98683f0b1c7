"""The link with the inspection department: joint inspections (联合督查) — the list, a new one,
one with its cases and findings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.choices import AuditAction
from cases.dates import today
from cases.services import audit_record
from supervision import forms, services
from supervision.models import JointInspection
from supervision.permissions import Action
from supervision.views.common import can, form_errors, paginate, run_service


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
            "can_record": can(user, Action.JOINT_INSPECTION),
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

        def record():
            return services.joint_inspection_record(actor=user, **data)

        created: list[JointInspection] = []
        if run_service(request, lambda: created.append(record()), _("联合督查已登记")):
            return redirect("supervision:inspection", pk=created[0].pk)
    elif request.method == "POST":
        form_errors(request, form)
    return render(
        request,
        "supervision/inspection_new.html",
        {"form": form, "can_record": can(user, Action.JOINT_INSPECTION)},
    )


@login_required
def inspection_detail(request, pk: int):
    inspection = get_object_or_404(
        JointInspection.objects.in_scope(request.user).select_related("court", "recorded_by"),
        pk=pk,
    )
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
            "participants": inspection.participants.order_by("username"),
        },
    )
