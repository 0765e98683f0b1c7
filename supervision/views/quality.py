"""评查 (case quality review campaigns): the campaigns and one's tasks, a new campaign (from a
health-check finding's cases too), a campaign's sample, reviewers and progress, the review
form, rectifications, the scoring sheets with their history, and the results with their XLSX.

Who sees what: the campaigns and results — whoever may read them (QUALITY_REVIEW_READ) or run
them, within their reach (404 outside it, 403 for a role that may not); a review — also its
assigned reviewer (of another court: the case is not otherwise in their reach) and the case's
judge; a rectification — the case's judge and the readers in reach.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cases.choices import AuditAction
from cases.dates import today
from cases.permissions import Action, may
from cases.services import audit_record
from supervision import quality_exports
from supervision import quality_forms as forms
from supervision.choices import QualityGrade, QualitySource
from supervision.models import QualityCampaign, QualityReview, Rectification, ScoringSheet
from supervision.selectors import quality as selectors
from supervision.services import quality as services
from supervision.views.common import crumbs, form_errors, paginate, requested_unit, run_service
from supervision.views.prefill import prefill_from

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOW = {
    "": gettext_lazy("全部"),
    "pending": gettext_lazy("待评查"),
    "unassigned": gettext_lazy("未指定评查人"),
    **{grade: label for grade, label in QualityGrade.choices},
}


def _reader(user) -> bool:
    return may(user, Action.QUALITY_REVIEW_READ) or may(user, Action.QUALITY_REVIEW_MANAGE)


def _require_reader(user) -> None:
    if not _reader(user):
        raise PermissionDenied(_("您的角色不能查看案件评查"))


@login_required
def quality_campaigns(request):
    user = request.user
    reader = _reader(user)
    page = paginate(request, selectors.campaigns_in_scope(user) if reader else [], size=20)
    page.object_list = selectors.campaign_rows(user, page.object_list) if reader else []
    tasks = selectors.my_reviews(user)[:50]
    rectifications = selectors.rectifications_for(user).exclude(state="accepted")[:50]
    return render(
        request,
        "supervision/quality_campaigns.html",
        {
            "page_obj": page,
            "reader": reader,
            "tasks": tasks,
            "rectifications": rectifications if (reader or user.judge_id) else [],
            "can_manage": may(user, Action.QUALITY_REVIEW_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def quality_campaign_new(request):
    user = request.user
    if not may(user, Action.QUALITY_REVIEW_MANAGE):
        raise PermissionDenied(_("只有审管办可以开展案件评查"))
    prefill = prefill_from(request)
    day = today()
    initial = {
        "closed_from": day.replace(month=1, day=1)
        if day.month > 1
        else day.replace(year=day.year - 1, month=1, day=1),
        "closed_to": day,
        "name": _("%(year)s年案件质量评查") % {"year": day.year},
    }
    if prefill.cases:
        initial["case_numbers"] = "\n".join(case.case_number for case in prefill.cases)
        initial["sources"] = [QualitySource.CHOSEN]
        initial["name"] = (prefill.title or _("体检发现案件专项评查"))[:100]
    form = forms.CampaignForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        created: list[QualityCampaign] = []

        def open_campaign():
            created.append(services.quality_campaign_open(actor=user, **form.service_kwargs()))
            return created[0]

        if run_service(
            request,
            open_campaign,
            lambda campaign: _("已开展评查，抽取案件%(n)s件") % {"n": campaign.reviews.count()},
        ):
            return redirect("supervision:quality_campaign", pk=created[0].pk)
    elif request.method == "POST":
        form_errors(request, form)
    return render(
        request,
        "supervision/quality_campaign_new.html",
        {"form": form, "prefill": prefill, "has_sheet": form.fields["sheet"].queryset.exists()},
    )


def _campaign_post(request, campaign: QualityCampaign) -> None:
    user = request.user
    candidates = services.reviewer_candidates(user)
    if request.POST.get("action") == "reviewer":
        form = forms.ReviewerForm(request.POST, candidates=candidates)
        if not form.is_valid():
            form_errors(request, form)
            return
        reviews = QualityReview.objects.in_scope(user).filter(campaign=campaign)
        review = get_object_or_404(reviews, pk=form.cleaned_data["review"])
        run_service(
            request,
            lambda: services.quality_reviewer_set(
                review=review, reviewer=form.cleaned_data["reviewer"], actor=user
            ),
            _("已指定评查人"),
        )
        return
    form = forms.PoolForm(request.POST, candidates=candidates)
    if not form.is_valid():
        form_errors(request, form)
        return
    run_service(
        request,
        lambda: services.quality_reviewers_assign(
            campaign=campaign, pool=list(form.cleaned_data["reviewers"]), actor=user
        ),
        lambda count: _("已轮流指定评查人：%(n)s件") % {"n": count},
    )


@login_required
@require_http_methods(["GET", "POST"])
def quality_campaign(request, pk: int):
    user = request.user
    campaign = get_object_or_404(selectors.campaigns_in_scope(user), pk=pk)
    _require_reader(user)
    if request.method == "POST":
        _campaign_post(request, campaign)
        return redirect(request.get_full_path())
    show = request.GET.get("show", "")
    if show not in SHOW:
        show = ""
    reviews = selectors.campaign_reviews(user, campaign)
    progress = selectors.progress_of(reviews)
    page = paginate(request, selectors.campaign_reviews(user, campaign, show=show))
    can_manage = may(user, Action.QUALITY_REVIEW_MANAGE)
    candidates = services.reviewer_candidates(user) if can_manage else []
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="supervision.qualitycampaign",
        object_id=campaign.pk,
        detail={"name": campaign.name, "show": show, "count": page.paginator.count},
    )
    return render(
        request,
        "supervision/quality_campaign.html",
        {
            "campaign": campaign,
            "progress": progress,
            "grades": [
                {"value": grade, "label": label, "count": progress[grade]}
                for grade, label in QualityGrade.choices
            ],
            "percent": round(100 * progress["scored"] / progress["total"])
            if progress["total"]
            else 0,
            "show": show,
            "show_choices": SHOW.items(),
            "page_obj": page,
            "can_manage": can_manage,
            "pool_form": forms.PoolForm(candidates=candidates) if can_manage else None,
            "candidates": candidates,
        },
    )


def _review_or_404(user, pk: int) -> QualityReview:
    review = get_object_or_404(
        QualityReview.objects.select_related(
            "campaign__sheet", "case__court", "case__division", "case__judge", "reviewer"
        ),
        pk=pk,
    )
    if review.reviewer_id == user.pk:
        return review
    if not QualityReview.objects.in_scope(user).filter(pk=pk).exists():
        raise Http404("outside your scope")
    own_case = user.judge_id is not None and user.judge_id == review.case.judge_id
    if not (_reader(user) or own_case):
        raise PermissionDenied(_("您的角色不能查看案件评查"))
    return review


@login_required
@require_http_methods(["GET", "POST"])
def quality_review(request, pk: int):
    user = request.user
    review = _review_or_404(user, pk)
    sheet = review.campaign.sheet
    form = forms.ScoreForm(request.POST or None, sheet=sheet)
    if request.method == "POST":
        if form.is_valid():
            if run_service(
                request,
                lambda: services.quality_review_score(
                    review=review,
                    deductions=form.deductions(),
                    opinion=form.cleaned_data["opinion"],
                    actor=user,
                ),
                _("评查结果已提交"),
            ):
                return redirect("supervision:quality_review", pk=review.pk)
        else:
            form_errors(request, form)
    is_reviewer = review.reviewer_id == user.pk
    rectification = Rectification.objects.filter(review=review).first()
    return render(
        request,
        "supervision/quality_review.html",
        {
            "review": review,
            "case": review.case,
            "sheet": sheet,
            "form": form,
            "deductions": review.deductions.select_related("item"),
            "can_score": is_reviewer and review.state == "pending",
            "is_reviewer": is_reviewer,
            "rectification": rectification,
            "show_reviewer": _reader(user) or is_reviewer,
        },
    )


@login_required
def rectifications(request):
    user = request.user
    rows = selectors.rectifications_for(user)
    state = request.GET.get("state", "")
    if state in ("open", "answered", "accepted"):
        rows = rows.filter(state=state)
    else:
        state = ""
    return render(
        request,
        "supervision/quality_rectifications.html",
        {"page_obj": paginate(request, rows), "state": state, "today": today()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rectification(request, pk: int):
    user = request.user
    item = get_object_or_404(
        Rectification.objects.in_scope(user).select_related(
            "case__court", "case__division", "case__judge", "review__campaign", "answered_by"
        ),
        pk=pk,
    )
    own_case = user.judge_id is not None and user.judge_id == item.case.judge_id
    if not (_reader(user) or own_case):
        raise PermissionDenied(_("您的角色不能查看评查整改"))
    answer_form = forms.AnswerForm(request.POST if request.POST.get("action") == "answer" else None)
    decide_form = forms.DecideForm(request.POST if request.POST.get("action") == "decide" else None)
    if request.method == "POST":
        if request.POST.get("action") == "answer" and answer_form.is_valid():
            run_service(
                request,
                lambda: services.rectification_answer(
                    rectification=item, answer=answer_form.cleaned_data["answer"], actor=user
                ),
                _("整改情况已答复"),
            )
        elif request.POST.get("action") == "decide" and decide_form.is_valid():
            data = decide_form.cleaned_data
            run_service(
                request,
                lambda: services.rectification_decide(
                    rectification=item,
                    accept=data["decision"] == "accept",
                    note=data["note"],
                    due_on=data["due_on"],
                    actor=user,
                ),
                _("已审核整改答复"),
            )
        else:
            form_errors(
                request, answer_form if request.POST.get("action") == "answer" else decide_form
            )
            if request.POST.get("action") not in ("answer", "decide"):
                messages.error(request, _("未知的操作"))
        return redirect("supervision:rectification", pk=item.pk)
    return render(
        request,
        "supervision/quality_rectification.html",
        {
            "item": item,
            "review": item.review,
            "answer_form": answer_form,
            "decide_form": decide_form,
            "can_answer": own_case and item.state == "open" and may(user, Action.RECTIFY_ANSWER),
            "can_decide": item.state == "answered" and may(user, Action.QUALITY_REVIEW_MANAGE),
            "today": today(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def quality_sheets(request):
    user = request.user
    _require_reader(user)
    form = forms.SheetForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            created: list[ScoringSheet] = []

            def create():
                created.append(services.quality_sheet_create(actor=user, **data))

            if run_service(request, create, _("评查表已建立")):
                return redirect("supervision:quality_sheet", pk=created[0].pk)
        else:
            form_errors(request, form)
    sheets = ScoringSheet.objects.in_scope(user).select_related("court", "created_by")
    return render(
        request,
        "supervision/quality_sheets.html",
        {
            "page_obj": paginate(request, sheets.prefetch_related("items")),
            "form": form,
            "can_manage": may(user, Action.QUALITY_REVIEW_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def quality_sheet(request, pk: int):
    user = request.user
    sheet = get_object_or_404(
        ScoringSheet.objects.in_scope(user).select_related("court", "created_by"), pk=pk
    )
    _require_reader(user)
    initial = {
        "name": sheet.name,
        "excellent_from": sheet.excellent_from,
        "pass_from": sheet.pass_from,
        "flaw_from": sheet.flaw_from,
        "items": services.items_text(sheet),
    }
    form = forms.SheetForm(request.POST or None, user=user, revising=True, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            created: list[ScoringSheet] = []

            def revise():
                created.append(
                    services.quality_sheet_revise(sheet=sheet, actor=user, **form.cleaned_data)
                )

            if run_service(request, revise, _("评查表已修改（新版本）")):
                return redirect("supervision:quality_sheet", pk=created[0].pk)
        else:
            form_errors(request, form)
    history = []
    version = sheet
    while version is not None and len(history) < 50:
        history.append(version)
        version = version.previous
    following = ScoringSheet.objects.filter(previous=sheet).first()
    return render(
        request,
        "supervision/quality_sheet.html",
        {
            "sheet": sheet,
            "items": sheet.items.all(),
            "form": form,
            "history": history,
            "following": following,
            "can_manage": may(user, Action.QUALITY_REVIEW_MANAGE) and sheet.current,
        },
    )


def _results(request):
    user = request.user
    _require_reader(user)
    unit = requested_unit(request)
    campaign = None
    value = request.GET.get("campaign", "")
    if value:
        if not value.isdigit():
            raise Http404("not a campaign")
        campaign = get_object_or_404(selectors.campaigns_in_scope(user), pk=int(value))
    grade = request.GET.get("grade", "")
    if grade not in selectors.GRADES:
        grade = ""
    item = request.GET.get("item", "")[:100]
    reviews = selectors.results_reviews(user, unit=unit.key, campaign=campaign)
    return {
        "unit": unit,
        "campaign": campaign,
        "grade": grade,
        "item": item,
        "by_unit": selectors.results_by_unit(reviews, unit.key),
        "by_item": selectors.results_by_item(reviews),
        "progress": selectors.progress_of(reviews),
        "cases": selectors.results_reviews(
            user, unit=unit.key, campaign=campaign, grade=grade, item=item
        ),
    }


@login_required
def quality_results(request):
    data = _results(request)
    user = request.user
    page = paginate(request, data.pop("cases"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/quality_results.html",
        {
            **data,
            "page_obj": page,
            "campaigns": selectors.campaigns_in_scope(user)[:100],
            "grade_choices": QualityGrade.choices,
            "crumbs": crumbs(user, data["unit"]),
            "query": query.urlencode(),
        },
    )


@login_required
def quality_results_xlsx(request):
    data = _results(request)
    title = _("案件评查结果：%(unit)s%(campaign)s") % {
        "unit": data["unit"].title,
        "campaign": f"（{data['campaign'].name}）" if data["campaign"] else "",
    }
    content = quality_exports.quality_results_xlsx(
        title=title, by_unit=data["by_unit"], by_item=data["by_item"], reviews=data["cases"][:5000]
    )
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        object_type="supervision.qualityreview",
        detail={
            "report": "quality_results",
            "campaign": data["campaign"].pk if data["campaign"] else None,
            "unit": data["unit"].title,
        },
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="quality-review-results.xlsx"'
    return response
