"""Supervision pages: the inbox, a notice or inquiry with its actions, a case's supervision
(marks, measures, extensions, the timeline), the four-type ledger.

Each view: scoped lookup (404 out of reach) -> selector -> render; a POST is one service call,
whose refusal (recorded by the service) or broken rule comes back as a message.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.choices import AuditAction
from cases.dates import today
from cases.models import Case
from cases.services import audit_record
from supervision import forms, selectors, services
from supervision.choices import AWAITING_ANSWER_STATES, ExtensionState, LetterState
from supervision.models import (
    ExtensionApprover,
    ExtensionRequest,
    FourTypeMark,
    Inquiry,
    Measure,
    Notice,
    Notification,
)
from supervision.permissions import Action, Refused, role_allows
from supervision.querysets import case_in_reach
from supervision.services.notify import is_letter_recipient


def _run(request, call: Callable[[], object], success: str) -> bool:
    """One service call; its refusal or broken rule becomes an error message."""
    try:
        call()
    except Refused as refusal:
        messages.error(request, str(refusal))
        return False
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return False
    messages.success(request, success)
    return True


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _can(user, action: Action) -> bool:
    return role_allows(user.role, action)


@login_required
def inbox(request):
    user = request.user
    return render(
        request,
        "supervision/inbox.html",
        {
            "items": selectors.inbox(user=user),
            "notifications": Notification.objects.in_scope(user).unread()[:20],
            "can_issue": _can(user, Action.LETTER_ISSUE),
        },
    )


def case_timeline_context(request, case: Case) -> dict:
    """What templates/supervision/_timeline.html needs, for any page showing a case (the
    case page includes it with this context)."""
    return {
        "supervision_case": case,
        "supervision_timeline": list(
            selectors.case_timeline(user=request.user, case=case).select_related("case")
        ),
    }


def _case_in_reach(request, case_id: int) -> Case:
    case = get_object_or_404(Case.objects.select_related("court", "division", "judge"), pk=case_id)
    if not case_in_reach(request.user, case):
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
        _form_errors(request, form)
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
    _run(request, calls[name], _("已办理"))


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
                "mark": _can(user, Action.MARK),
                "confirm": _can(user, Action.MARK_CONFIRM),
                "measure": _can(user, Action.MEASURE_TAKE),
                "respond": _can(user, Action.MEASURE_RESPOND) and is_own,
                "refer": _can(user, Action.REFER),
                "extension": _can(user, Action.EXTENSION_REQUEST) and is_own,
                "decide": approver is not None and approver.user_id == user.pk,
                "notice": _can(user, Action.LETTER_ISSUE),
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


LETTER_ACTIONS = {
    "acknowledge": None,
    "answer": forms.AnswerForm,
    "close": forms.CloseForm,
    "return": forms.ReturnForm,
    "send": None,
}


def _letter_action(request, letter) -> None:
    name = request.POST.get("action", "")
    if name not in LETTER_ACTIONS:
        messages.error(request, _("未知的操作"))
        return
    form_class = LETTER_ACTIONS[name]
    data: dict = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return
        data = form.cleaned_data
    actor = request.user
    calls = {
        "acknowledge": lambda: services.letter_acknowledge(letter=letter, actor=actor),
        "answer": lambda: services.letter_answer(letter=letter, answer=data["answer"], actor=actor),
        "close": lambda: services.letter_close(letter=letter, note=data["note"], actor=actor),
        "return": lambda: services.letter_return(
            letter=letter, note=data["note"], deadline=data["deadline"], actor=actor
        ),
        "send": lambda: services.inquiry_send(inquiry=letter, actor=actor),
    }
    _run(request, calls[name], _("已办理"))


def _letter_page(request, letter, url_name: str):
    if request.method == "POST":
        _letter_action(request, letter)
        return redirect(url_name, pk=letter.pk)
    user = request.user
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type=f"supervision.{letter._meta.model_name}",
        object_id=letter.pk,
        detail={"title": letter.title},
    )
    recipient = is_letter_recipient(user, letter)
    office = _can(user, Action.LETTER_CLOSE)
    return render(
        request,
        "supervision/letter.html",
        {
            "letter": letter,
            "is_notice": isinstance(letter, Notice),
            "cases": letter.cases.select_related("judge") if isinstance(letter, Notice) else [],
            "trail": selectors.letter_trail(letter=letter),
            "overdue": letter.state in AWAITING_ANSWER_STATES and letter.deadline < today(),
            "can": {
                "acknowledge": recipient and letter.state == LetterState.SENT,
                "answer": recipient and letter.state in AWAITING_ANSWER_STATES,
                "close": office and letter.state == LetterState.ANSWERED,
                "send": office and letter.state == LetterState.DRAFT,
            },
            "forms": {
                "answer": forms.AnswerForm(),
                "close": forms.CloseForm(),
                "return": forms.ReturnForm(),
            },
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_detail(request, pk: int):
    notice = get_object_or_404(
        Notice.objects.in_scope(request.user).select_related("court", "division", "judge"), pk=pk
    )
    return _letter_page(request, notice, "supervision:notice")


@login_required
@require_http_methods(["GET", "POST"])
def inquiry_detail(request, pk: int):
    inquiry = get_object_or_404(
        Inquiry.objects.in_scope(request.user).select_related("court", "division"), pk=pk
    )
    return _letter_page(request, inquiry, "supervision:inquiry")


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request):
    user = request.user
    initial: dict = {}
    case_id = request.GET.get("case", "")
    if case_id.isdigit():
        case = Case.objects.filter(pk=case_id).select_related("judge").first()
        if case is not None and case_in_reach(user, case):
            initial = {"case_numbers": case.case_number, "judge": case.judge_id}
    form = forms.NoticeForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[Notice] = []

        def issue():
            created.append(
                services.notice_issue(
                    cases=data["case_numbers"],
                    judge=data["judge"],
                    division=data["division"],
                    title=data["title"],
                    body=data["body"],
                    deadline=data["deadline"],
                    actor=user,
                )
            )

        if _run(request, issue, _("督办通知已发出")):
            return redirect("supervision:notice", pk=created[0].pk)
    return render(
        request,
        "supervision/notice_new.html",
        {"form": form, "can_issue": _can(user, Action.LETTER_ISSUE)},
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
