"""Notices and inquiries: a letter's page with its actions, a new notice (the inbox: queue.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.choices import AuditAction
from cases.dates import today
from cases.permissions import Action, may
from cases.services import audit_record
from supervision import forms, selectors, services
from supervision.choices import AWAITING_ANSWER_STATES, LetterState
from supervision.models import Inquiry, Notice
from supervision.selectors.effects import effect_of
from supervision.services.notify import is_letter_recipient
from supervision.views.common import form_errors, run_service
from supervision.views.prefill import Prefill, prefill_from

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
            form_errors(request, form)
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
    run_service(request, calls[name], _("已办理"))


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
    office = may(user, Action.LETTER_CLOSE)
    return render(
        request,
        "supervision/letter.html",
        {
            "letter": letter,
            "is_notice": isinstance(letter, Notice),
            "cases": letter.cases.select_related("judge") if isinstance(letter, Notice) else [],
            "trail": selectors.letter_trail(letter=letter),
            "effect": effect_of(  # 跟踪问效
                user=user,
                source="notice" if isinstance(letter, Notice) else "inquiry",
                object_id=letter.pk,
            ),
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
    # Prefilled from where the problem was seen (?case=…&judge=…&evidence=…: views.prefill).
    prefill = prefill_from(request) if request.method == "GET" else Prefill()
    form = forms.NoticeForm(request.POST or None, user=user, initial=prefill.notice_initial())
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
                    # 跟踪问效: the indicator the problem was seen in (?indicator=, prefill).
                    indicators=[request.GET.get("indicator", "")],
                )
            )

        if run_service(request, issue, _("督办通知已发出")):
            return redirect("supervision:notice", pk=created[0].pk)
    return render(
        request,
        "supervision/notice_new.html",
        {"form": form, "can_issue": may(user, Action.LETTER_ISSUE), "prefill": prefill},
    )
