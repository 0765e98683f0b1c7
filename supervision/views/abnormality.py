"""研判 → 异常函询: the drafts the nightly abnormality detection made, with their evidence, for
the office to send or discard; the inquiries sent from them; the abnormalities discarded."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cases.dates import today
from cases.models import Division
from cases.permissions import Action, may
from metrics.definitions.indicators import INDICATORS
from supervision import forms, selectors, services
from supervision.services.abnormality import drill_url, warning_text, worsened_text
from supervision.views.common import form_errors, paginate, run_service

TABS = {
    "draft": gettext_lazy("待审核"),
    "sent": gettext_lazy("已发送"),
    "discarded": gettext_lazy("不予函询"),
}


def _latest_per_unit(findings) -> list:
    """A draft or inquiry gathers an abnormality night after night: the latest of each unit
    (the division's own first), each with `days`, how many nights it was found."""
    latest: dict[tuple, object] = {}
    days: dict[tuple, int] = {}
    for finding in sorted(findings, key=lambda f: (f.as_of, f.pk)):
        key = (finding.scope, finding.court_id, finding.division_id, finding.indicator)
        latest[key] = finding
        days[key] = days.get(key, 0) + 1
    for key, finding in latest.items():
        finding.days = days[key]
    return sorted(latest.values(), key=lambda f: f.scope != "division")


def _evidence(findings) -> list[dict]:
    return [
        {
            "finding": finding,
            "indicator": INDICATORS[finding.indicator],
            "unit": finding.division.name if finding.division else finding.court.name,
            "warning": warning_text(finding) if finding.crossed_warning else "",
            "change": worsened_text(finding),
            "drill_url": drill_url(finding),
        }
        for finding in findings
    ]


def _act(request) -> None:
    drafts = selectors.abnormality_drafts(user=request.user)
    inquiry = get_object_or_404(drafts, pk=request.POST.get("inquiry") or 0)
    actor = request.user
    if request.POST.get("action") == "discard":
        form = forms.DraftDiscardForm(request.POST)
        if not form.is_valid():
            form_errors(request, form)
            return
        run_service(
            request,
            lambda: services.abnormality_discard(
                inquiry=inquiry, reason=form.cleaned_data["reason"], actor=actor
            ),
            _("已决定不予函询：%(title)s") % {"title": inquiry.title},
        )
        return
    form = forms.DraftSendForm(
        request.POST, divisions=Division.objects.filter(court_id=inquiry.court_id)
    )
    if not form.is_valid():
        form_errors(request, form)
        return
    run_service(
        request,
        lambda: services.abnormality_send(inquiry=inquiry, actor=actor, **form.cleaned_data),
        _("异常函询已发送：%(title)s") % {"title": inquiry.title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def abnormalities(request):
    user = request.user
    if not may(user, Action.LETTER_ISSUE):
        raise PermissionDenied
    if request.method == "POST":
        _act(request)
        return redirect(request.get_full_path())
    tab = request.GET.get("tab", "draft")
    if tab not in TABS:
        tab = "draft"
    day = today()
    if tab == "discarded":
        page = paginate(request, selectors.abnormalities_discarded(user=user))
        items = [{"evidence": _evidence([finding]), "finding": finding} for finding in page]
    else:
        rows = (
            selectors.abnormality_drafts(user=user)
            if tab == "draft"
            else selectors.abnormality_inquiries_sent(user=user)
        )
        page = paginate(request, rows, size=20)
        divisions: dict[int, list[Division]] = {}
        for division in Division.objects.filter(
            court_id__in={inquiry.court_id for inquiry in page}
        ).order_by("name"):
            divisions.setdefault(division.court_id, []).append(division)
        items = [
            {
                "inquiry": inquiry,
                "evidence": _evidence(_latest_per_unit(inquiry.abnormalities.all())),
                "divisions": divisions.get(inquiry.court_id, []),
                "deadline": max(inquiry.deadline, day + datetime.timedelta(days=1)),
            }
            for inquiry in page
        ]
    counts = {
        "draft": selectors.abnormality_drafts(user=user).count(),
    }
    return render(
        request,
        "supervision/abnormalities.html",
        {
            "tab": tab,
            "tabs": TABS.items(),
            "counts": counts,
            "page_obj": page,
            "items": items,
            "rules": [
                {"rule": rule, "indicator": INDICATORS.get(rule.indicator)}
                for rule in selectors.detection_rules()
            ],
        },
    )
