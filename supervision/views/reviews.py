"""Reversal review (发改再评查): the list, a review with its record / objection / answer forms,
and the quarterly report per division and per judge (team), with its XLSX."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cases.choices import AuditAction
from cases.dates import today
from cases.permissions import Action, may
from cases.services import audit_record
from metrics.definitions.periods import quarter_bounds, quarter_of
from supervision import forms, selectors, services
from supervision.choices import ReasonClass, ReviewState, ReviewTrigger, Severity
from supervision.exports import review_report_xlsx
from supervision.models import ReversalReview, TraceEntry
from supervision.selectors.reviews import report_columns
from supervision.views.common import form_errors, paginate, run_service

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BY = {"division": gettext_lazy("按部门"), "judge": gettext_lazy("按承办法官（团队）")}


def _quarter(request) -> tuple[int, int]:
    """?year=&quarter= (default: the quarter of today); 404 for a quarter that is not one."""
    day = today()
    try:
        year = int(request.GET.get("year") or day.year)
        quarter = int(request.GET.get("quarter") or quarter_of(day)[1])
    except ValueError:
        raise Http404("not a quarter") from None
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise Http404("not a quarter")
    return year, quarter


def _by(request) -> str:
    by = request.GET.get("by") or "division"
    if by not in ("division", "judge"):
        raise Http404("no such breakdown")
    return by


@login_required
def reviews(request):
    user = request.user
    rows = ReversalReview.objects.in_scope(user).select_related(
        "case", "case__court", "case__division", "case__judge"
    )
    state = request.GET.get("state", "")
    if state in ReviewState.values:
        rows = rows.filter(state=state)
    trigger = request.GET.get("trigger", "")
    if trigger in ReviewTrigger.values:
        rows = rows.filter(trigger=trigger)
    quarter = None
    if request.GET.get("quarter"):
        year, number = _quarter(request)
        rows = rows.filter(decided_on__range=quarter_bounds(year, number))
        quarter = (year, number)
    page = paginate(request, rows.order_by("-decided_on", "-id"))
    return render(
        request,
        "supervision/reviews.html",
        {
            "page_obj": page,
            "state": state,
            "trigger": trigger,
            "states": ReviewState.choices,
            "triggers": ReviewTrigger.choices,
            "quarter": quarter,
            "can_conduct": may(user, Action.REVIEW_CONDUCT),
        },
    )


@login_required
@require_POST
def reviews_open(request):
    """The office opens the reviews missing for its court (idempotent)."""
    run_service(
        request,
        lambda: services.reviews_open_missing(actor=request.user),
        lambda opened: _("已为%(n)s件尚无评查的改判、发回案件立项") % {"n": opened},
    )
    return redirect("supervision:reviews")


REVIEW_ACTIONS = {
    "record": forms.ReviewRecordForm,
    "object": forms.ObjectionForm,
    "answer": forms.ReviewAnswerForm,
}


def _review_action(request, review: ReversalReview) -> None:
    name = request.POST.get("action", "")
    if name not in REVIEW_ACTIONS:
        raise Http404("no such action")
    form = REVIEW_ACTIONS[name](request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return
    data, actor = form.cleaned_data, request.user
    calls = {
        "record": lambda: services.review_record(review=review, actor=actor, **data),
        "object": lambda: services.review_object(
            review=review, objection=data["objection"], actor=actor
        ),
        "answer": lambda: services.review_answer(review=review, actor=actor, **data),
    }
    run_service(request, calls[name], _("已办理"))


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    user = request.user
    review = get_object_or_404(
        ReversalReview.objects.in_scope(user).select_related(
            "case",
            "case__court",
            "case__division",
            "case__judge",
            "reviewer",
            "objected_by",
            "answered_by",
        ),
        pk=pk,
    )
    if request.method == "POST":
        _review_action(request, review)
        return redirect("supervision:review", pk=review.pk)
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="supervision.reversalreview",
        object_id=review.pk,
        detail={"case_number": review.case.case_number},
    )
    conduct = may(user, Action.REVIEW_CONDUCT)
    own = user.judge_id is not None and user.judge_id == review.case.judge_id
    return render(
        request,
        "supervision/review.html",
        {
            "review": review,
            "steps": TraceEntry.objects.filter(
                object_type="reversalreview", object_id=str(review.pk)
            ).order_by("at", "id"),
            "can": {
                "record": conduct and review.state in (ReviewState.PENDING, ReviewState.REVIEWED),
                "object": may(user, Action.REVIEW_OBJECT)
                and own
                and review.state == ReviewState.REVIEWED,
                "answer": conduct and review.state == ReviewState.OBJECTED,
            },
            "forms": {
                "record": forms.ReviewRecordForm(
                    initial={
                        "reason_class": review.reason_class or ReasonClass.FACT_FINDING,
                        "is_error": "1" if review.is_error else "0",
                        "severity": review.severity or Severity.NONE,
                        "opinion": review.opinion,
                    }
                ),
                "object": forms.ObjectionForm(),
                "answer": forms.ReviewAnswerForm(),
            },
        },
    )


@login_required
def review_report(request):
    user = request.user
    year, quarter = _quarter(request)
    by = _by(request)
    rows = selectors.review_report(user=user, year=year, quarter=quarter, by=by)
    columns = report_columns()
    for row in rows:
        row["cells"] = [row[key] for key, _label in columns]
    totals = [sum(row[key] for row in rows) for key, _label in columns]
    first, last = quarter_bounds(year, quarter)
    previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    following = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return render(
        request,
        "supervision/review_report.html",
        {
            "rows": rows,
            "columns": columns,
            "totals": totals,
            "year": year,
            "quarter": quarter,
            "first": first,
            "last": last,
            "by": by,
            "by_choices": BY.items(),
            "previous": previous,
            "following": following if quarter_bounds(*following)[0] <= today() else None,
        },
    )


@login_required
def review_report_export(request):
    user = request.user
    year, quarter = _quarter(request)
    by = _by(request)
    content = review_report_xlsx(user=user, year=year, quarter=quarter, by=by)
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        object_type="supervision.reversalreview",
        detail={"report": "quarterly", "year": year, "quarter": quarter, "by": by},
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="reversal-review-{year}-Q{quarter}-{by}.xlsx"'
    )
    return response
