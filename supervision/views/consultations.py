"""拟发改再事先沟通: the list (with the drill-down behind the quarterly figures), the intention
recorded from a case's supervision page, a consultation with its answer and outcome forms and
its trail, the quarterly figures per unit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.choices import AuditAction, Procedure
from cases.dates import today
from cases.models import Case
from cases.permissions import Action, may
from cases.services import audit_record
from cases.units import case_reached
from metrics.definitions.periods import quarter_bounds, quarter_of
from supervision import consultation_forms as forms
from supervision.choices import ConsultIntention, ConsultOutcome, ConsultState
from supervision.models import Consultation, ReversalReview, TraceEntry
from supervision.selectors import consultations as selectors
from supervision.services import consultations as services
from supervision.views.common import form_errors, paginate, run_service


def _int(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    if value == "":
        return None
    if not value.isdigit():
        raise Http404("not a number")
    return int(value)


def _quarter(request, *, default: bool) -> tuple[int, int] | None:
    year, quarter = _int(request, "year"), _int(request, "quarter")
    if year is None and quarter is None and not default:
        return None
    day = today()
    year = year if year is not None else day.year
    quarter = quarter if quarter is not None else quarter_of(day)[1]
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise Http404("not a quarter")
    return year, quarter


def _side(request) -> str:
    side = request.GET.get("side") or "original"
    if side not in selectors.SIDES:
        raise Http404("no such side")
    return side


@login_required
def consultations(request):
    """Every consultation in reach; filtered, or the drill-down behind a quarterly figure
    (?year=&quarter=&figure=&side=&court=&division=)."""
    rows = selectors.consultation_rows(request.user)
    filters = {
        "state": request.GET.get("state", ""),
        "intention": request.GET.get("intention", ""),
        "outcome": request.GET.get("outcome", ""),
        "figure": request.GET.get("figure", ""),
    }
    if filters["state"] in ConsultState.values:
        rows = rows.filter(state=filters["state"])
    if filters["intention"] in ConsultIntention.values:
        rows = rows.filter(intention=filters["intention"])
    if filters["outcome"] in ConsultOutcome.values:
        rows = rows.filter(outcome=filters["outcome"])
    if filters["figure"]:
        if filters["figure"] not in selectors.FIGURES:
            raise Http404("no such figure")
        rows = rows.filter(selectors.figure_q(filters["figure"]))
    quarter = _quarter(request, default=False)
    if quarter is not None:
        rows = rows.filter(selectors.quarter_q(*quarter))
    side = _side(request)
    court_field, division_field = selectors.SIDES[side]
    court, division = request.GET.get("court", ""), _int(request, "division")
    if court:
        rows = rows.filter(**{f"{court_field}__code": court})
    if division is not None:
        rows = rows.filter(**{f"{division_field}_id": division})
    page = paginate(request, rows.order_by("-opened_on", "-id"))
    return render(
        request,
        "supervision/consultations.html",
        {
            "page_obj": page,
            "filters": filters,
            "states": ConsultState.choices,
            "intentions": ConsultIntention.choices,
            "outcomes": ConsultOutcome.choices,
            "figure_label": dict(selectors.figure_columns()).get(filters["figure"], ""),
            "quarter": quarter,
            "drill": bool(filters["figure"] or quarter or court or division is not None),
        },
    )


def _consult_case(request, case_id: int) -> Case:
    case = get_object_or_404(
        Case.objects.select_related("court", "division", "judge", "origin"), pk=case_id
    )
    if not case_reached(request.user, case):
        raise Http404
    if not may(request.user, Action.CONSULT_OPEN):
        raise PermissionDenied(_("您无权登记拟发改再事先沟通"))
    return case


@login_required
@require_http_methods(["GET", "POST"])
def consultation_new(request, case_id: int):
    """The intention to reverse or remand, from the case's supervision page."""
    case = _consult_case(request, case_id)
    form = forms.ConsultationOpenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            created: list[Consultation] = []

            def open_it():
                created.append(
                    services.consultation_open(
                        case=case,
                        intention=data["intention"],
                        reasons=data["reasons"],
                        reasoning=data["reasoning"],
                        actor=request.user,
                    )
                )

            if run_service(request, open_it, _("已登记，原审法官和庭长已收到通知")):
                return redirect("supervision:consultation", pk=created[0].pk)
        else:
            form_errors(request, form)
    eligible = case.procedure in (Procedure.SECOND_INSTANCE, Procedure.RETRIAL)
    return render(
        request,
        "supervision/consultation_new.html",
        {
            "case": case,
            "form": form,
            "eligible": eligible and case.closed_on is None and case.origin_id is not None,
            "open_one": case.consultations.exclude(state=ConsultState.CONCLUDED).first(),
        },
    )


ACTIONS = {"answer": forms.ConsultationAnswerForm, "outcome": forms.ConsultationOutcomeForm}


def _action(request, consultation: Consultation) -> None:
    name = request.POST.get("action", "")
    if name not in ACTIONS:
        raise Http404("no such action")
    form = ACTIONS[name](request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return
    data, actor = form.cleaned_data, request.user
    if name == "answer":
        run_service(
            request,
            lambda: services.consultation_answer(consultation=consultation, actor=actor, **data),
            _("已答复"),
        )
    else:
        run_service(
            request,
            lambda: services.consultation_conclude(consultation=consultation, actor=actor, **data),
            _("沟通结果已登记"),
        )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_detail(request, pk: int):
    user = request.user
    consultation = get_object_or_404(
        selectors.consultation_rows(user).select_related(
            "opened_by", "answered_by", "concluded_by"
        ),
        pk=pk,
    )
    if request.method == "POST":
        _action(request, consultation)
        return redirect("supervision:consultation", pk=consultation.pk)
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="supervision.consultation",
        object_id=consultation.pk,
        detail={"case_number": consultation.case.case_number},
    )
    day = today()
    awaiting = consultation.state == ConsultState.AWAITING
    review = services.consultation_review(consultation)
    return render(
        request,
        "supervision/consultation.html",
        {
            "consultation": consultation,
            "review": review if review is not None and _review_seen(user, review) else None,
            "review_exists": review is not None,
            "steps": TraceEntry.objects.filter(
                object_type="consultation", object_id=str(consultation.pk)
            ).order_by("at", "id"),
            "overdue": awaiting and consultation.answer_due < day,
            "can": {
                "answer": awaiting
                and may(user, Action.CONSULT_ANSWER)
                and services.may_answer(user, consultation),
                "outcome": consultation.state != ConsultState.CONCLUDED
                and (not awaiting or consultation.answer_due < day)
                and may(user, Action.CONSULT_OPEN)
                and services.may_conclude(user, consultation),
            },
            "forms": {
                "answer": forms.ConsultationAnswerForm(),
                "outcome": forms.ConsultationOutcomeForm(),
            },
        },
    )


def _review_seen(user, review: ReversalReview) -> bool:
    return ReversalReview.objects.in_scope(user).filter(pk=review.pk).exists()


@login_required
def consultation_figures(request):
    """The quarterly figures per unit: consulted, answered, answered in time, outcomes; each
    number opens the consultations behind it."""
    user = request.user
    year, quarter = _quarter(request, default=True)
    side = _side(request)
    rows = selectors.quarterly_figures(user=user, year=year, quarter=quarter, side=side)
    columns = selectors.figure_columns()
    for row in rows:
        row["cells"] = [(key, row[key]) for key, _label in columns]
    totals = [(key, sum(row[key] for row in rows)) for key, _label in columns]
    first, last = quarter_bounds(year, quarter)
    previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    following = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return render(
        request,
        "supervision/consultation_figures.html",
        {
            "rows": rows,
            "columns": columns,
            "totals": totals,
            "year": year,
            "quarter": quarter,
            "first": first,
            "last": last,
            "side": side,
            "sides": [(key, str(label)) for key, label in selectors.SIDE_LABELS.items()],
            "previous": previous,
            "following": following if quarter_bounds(*following)[0] <= today() else None,
        },
    )
