"""A case's supervision (marks, measures, referrals, extensions, the timeline), the four-type
ledger (台账), and the supervision trail of the viewer's scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.choices import AuditAction
from cases.dates import today
from cases.models import Case
from cases.permissions import Action, may
from cases.services import audit_record
from cases.units import case_reached
from supervision import forms, selectors, services
from supervision.choices import ExtensionState, TraceKind
from supervision.models import (
    ExtensionApprover,
    ExtensionRequest,
    FourTypeMark,
    Measure,
    TraceEntry,
)
from supervision.views.common import form_errors, paginate, run_service


def case_timeline_context(request, case: Case) -> dict:
    """What templates/supervision/_timeline.html needs, for any page showing a case (the
    case page of cases shows it through the case_supervision_timeline template tag)."""
    return {
        "supervision_case": case,
        "supervision_timeline": list(
            selectors.case_timeline(user=request.user, case=case).select_related("case")
        ),
    }


def _case_in_reach(request, case_id: int) -> Case:
    case = get_object_or_404(Case.objects.select_related("court", "division", "judge"), pk=case_id)
    if not case_reached(request.user, case):
        raise Http404
    return case


CASE_ACTIONS = {
    # the action a POST names -> the form that validates its fields
    "mark": forms.MarkForm,
    "confirm": forms.ReasonForm,
    "remove": forms.ReasonForm,
    "measure": forms.MeasureForm,
    "respond": forms.ResponseForm,
    "refer": forms.ReferralForm,
    "extension": forms.ExtensionRequestForm,
    "approve": forms.DecisionForm,
    "reject": forms.DecisionForm,
}


def _case_action(request, case: Case) -> None:
    name = request.POST.get("action", "")
    form_class = CASE_ACTIONS.get(name)
    if form_class is None:
        messages.error(request, _("未知的操作"))
        return
    form = form_class(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return
    data, actor = form.cleaned_data, request.user
    object_id = request.POST.get("object_id") or 0
    marks = FourTypeMark.objects.filter(case=case)
    calls = {
        "mark": lambda: services.four_type_mark(case=case, actor=actor, **data),
        "confirm": lambda: services.four_type_mark_confirm(
            mark=get_object_or_404(marks, pk=object_id), reason=data["reason"], actor=actor
        ),
        "remove": lambda: services.four_type_mark_remove(
            mark=get_object_or_404(marks, pk=object_id), reason=data["reason"], actor=actor
        ),
        "measure": lambda: services.measure_take(case=case, actor=actor, **data),
        "respond": lambda: services.measure_respond(
            measure=get_object_or_404(Measure, case=case, pk=object_id),
            response=data["response"],
            actor=actor,
        ),
        "refer": lambda: services.referral_create(case=case, actor=actor, **data),
        "extension": lambda: services.extension_request(case=case, actor=actor, **data),
        "approve": lambda: services.extension_decide(
            extension=get_object_or_404(ExtensionRequest, case=case, pk=object_id),
            approve=True,
            note=data["note"],
            actor=actor,
        ),
        "reject": lambda: services.extension_decide(
            extension=get_object_or_404(ExtensionRequest, case=case, pk=object_id),
            approve=False,
            note=data["note"],
            actor=actor,
        ),
    }
    run_service(request, calls[name], _("已办理"))


@login_required
@require_http_methods(["GET", "POST"])
def case_supervision(request, case_id: int):
    case = _case_in_reach(request, case_id)
    user = request.user
    if request.method == "POST":
        _case_action(request, case)
        return redirect("supervision:case", case_id=case.pk)
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="case",
        object_id=case.pk,
        detail={"case_number": case.case_number, "view": "supervision_case"},
    )
    approver = ExtensionApprover.objects.filter(court_id=case.court_id).first()
    is_own = user.judge_id is not None and user.judge_id == case.judge_id
    return render(
        request,
        "supervision/case.html",
        {
            "case": case,
            **case_timeline_context(request, case),
            "marks": case.four_type_marks.select_related("marked_by", "decided_by"),
            "measures": case.supervision_measures.select_related("taken_by", "responded_by"),
            "referrals": case.supervision_referrals.select_related("referred_by"),
            "extensions": case.extension_requests.select_related("requested_by", "decided_by"),
            "approver": approver,
            "pending": case.closed_on is None,
            "today": today(),
            "can": {
                "mark": may(user, Action.MARK),
                "confirm": may(user, Action.MARK_CONFIRM),
                "measure": may(user, Action.MEASURE_TAKE),
                "respond": may(user, Action.MEASURE_RESPOND) and is_own,
                "refer": may(user, Action.REFER),
                "extension": may(user, Action.EXTENSION_REQUEST) and is_own,
                # never on one's own case (the service refuses it too)
                "decide": approver is not None and approver.user_id == user.pk and not is_own,
                "notice": may(user, Action.LETTER_ISSUE),
                "referral_result": may(user, Action.REFERRAL_RESULT),
            },
            "forms": {
                "mark": forms.MarkForm(),
                "measure": forms.MeasureForm(),
                "refer": forms.ReferralForm(),
                "extension": forms.ExtensionRequestForm(),
            },
            "extension_pending": ExtensionState.PENDING,
        },
    )


@login_required
def ledger(request):
    user = request.user
    return render(
        request,
        "supervision/ledger.html",
        {
            "rows": selectors.ledger_rows(user=user),
            "marks": selectors.open_marks(user=user)[:200],
            "overdue_measures": selectors.overdue_measures(user=user)[:200],
        },
    )


@login_required
def trail(request):
    """监督留痕: every step on the trail of the viewer's scope, latest first (the inspection
    department reads its court's here)."""
    user = request.user
    entries = TraceEntry.objects.in_scope(user).select_related("court", "division", "case")
    kind = request.GET.get("kind", "")
    if kind in TraceKind.values:
        entries = entries.filter(kind=kind)
    else:
        kind = ""
    page = paginate(request, entries.order_by("-at", "-id"))
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="supervision.trail",
        detail={"kind": kind, "count": page.paginator.count},
    )
    return render(
        request,
        "supervision/trail.html",
        {"page_obj": page, "kind": kind, "kinds": TraceKind.choices},
    )
