"""The office's actions that had only the API: a hand-written inquiry (异常函询 not drafted by
the abnormality detection), prefilled from where the problem was seen (`prefill`), and a
referral's result (讨论结果)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.permissions import Action, may
from metrics.definitions.indicators import INDICATORS
from supervision import services
from supervision.models import Inquiry, Referral
from supervision.office_forms import InquiryForm, ReferralResultForm
from supervision.views.common import run_service
from supervision.views.prefill import Prefill, prefill_from


@login_required
@require_http_methods(["GET", "POST"])
def inquiry_new(request):
    """发出异常函询, written by hand: to a division, about what the office saw (the numbers, if
    any, and the cases named in the text), sent at once."""
    user = request.user
    if not may(user, Action.LETTER_ISSUE):
        raise PermissionDenied
    prefill = prefill_from(request) if request.method == "GET" else Prefill()
    form = InquiryForm(request.POST or None, user=user, initial=prefill.inquiry_initial())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        slug = data["indicator"]
        created: list[Inquiry] = []

        def send():
            created.append(
                services.inquiry_create(
                    division=data["division"],
                    indicator_slug=slug,
                    indicator_label=str(INDICATORS[slug].label) if slug else "",
                    period=data["period"] or _("截至%(day)s") % {"day": data["as_of"]},
                    as_of=data["as_of"],
                    value=data["value"],
                    reference=data["reference"],
                    title=data["title"],
                    body=data["body"],
                    deadline=data["deadline"],
                    actor=user,
                )
            )

        if run_service(request, send, _("异常函询已发出")):
            return redirect("supervision:inquiry", pk=created[0].pk)
    return render(
        request,
        "supervision/inquiry_new.html",
        {"form": form, "prefill": prefill},
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_detail(request, pk: int):
    """One referral to the professional judges' meeting or the adjudication committee, where
    its result is recorded."""
    user = request.user
    referral = get_object_or_404(
        Referral.objects.in_scope(user).select_related("case", "referred_by", "result_by"), pk=pk
    )
    form = ReferralResultForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            run_service(
                request,
                lambda: services.referral_result_record(
                    referral=referral, actor=user, **form.cleaned_data
                ),
                _("讨论结果已登记"),
            )
            return redirect("supervision:referral", pk=referral.pk)
    return render(
        request,
        "supervision/referral.html",
        {
            "referral": referral,
            "form": form,
            "can_record": referral.result_at is None and may(user, Action.REFERRAL_RESULT),
        },
    )
