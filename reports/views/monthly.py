"""月讲评 pages: the kept reviews in scope, one review as kept, its PDF and XLSX."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.choices import AuditAction
from cases.dates import today
from cases.permissions import Action, may
from cases.services import audit_record
from metrics.choices import IndicatorSet
from metrics.views.common import requested_set, set_links
from reports.choices import DocumentKind
from reports.downloads import document_download
from reports.periods import previous_month
from reports.selectors.monthly import monthly_reviews
from reports.tasks import generate_monthly_reports_enqueue
from reports.views.common import PAGE_SIZE, tabs


def _reports(request):
    if not may(request.user, Action.MONTHLY_REVIEW_READ):
        raise PermissionDenied
    return monthly_reviews(request.user)


@login_required
def monthly_list(request):
    rows = _reports(request).defer("content")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/monthly_list.html",
        {
            "page_obj": page,
            "may_generate": may(request.user, Action.MONTHLY_REVIEW_GENERATE),
            "default_month": previous_month(today()).strftime("%Y-%m"),
            "report_tabs": tabs(request, "monthly_list"),
        },
    )


@login_required
def monthly(request, pk: int):
    report = get_object_or_404(_reports(request), pk=pk)
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="monthly_report",
        object_id=report.pk,
        detail={"month": report.content.get("month"), "unit": report.title},
    )
    content = report.content
    # Both views of a review that holds both sets (issue 14): the local eleven, or the SPC's set
    # against its ranges without the sections of scores, targets and ranks.
    both = bool(content.get("spc")) and content.get("local_shown") is not False
    indicator_set = requested_set(request) if content.get("spc") else IndicatorSet.LOCAL
    return render(
        request,
        "reports/monthly.html",
        {
            "report_row": report,
            "report": content,
            "report_tabs": tabs(request, "monthly_list"),
            "indicator_set": indicator_set,
            "set_links": set_links(request, indicator_set) if both else [],
            "spc_view": bool(content.get("spc")) and indicator_set == IndicatorSet.SPC2024,
        },
    )


def _download(request, pk: int, kind: str) -> HttpResponse:
    report = get_object_or_404(_reports(request).defer("content"), pk=pk)
    response = document_download(request=request, report=report, kind=kind)
    if response is None:
        raise Http404("no such file")
    return response


@login_required
def monthly_pdf(request, pk: int):
    return _download(request, pk, DocumentKind.PDF)


@login_required
def monthly_xlsx(request, pk: int):
    return _download(request, pk, DocumentKind.XLSX)


@login_required
@require_POST
def monthly_generate(request):
    """Ask the worker for the month's missing reviews (kept ones stay as they are)."""
    if not may(request.user, Action.MONTHLY_REVIEW_GENERATE):
        raise PermissionDenied
    try:
        month = datetime.date.fromisoformat(request.POST.get("month", "") + "-01")
    except ValueError:
        messages.error(request, _("月份格式应为 YYYY-MM"))
        return redirect("reports:monthly_list")
    if month >= today().replace(day=1):
        messages.error(request, _("只能生成已经结束的月份的讲评"))
        return redirect("reports:monthly_list")
    if not generate_monthly_reports_enqueue(month=month):
        messages.error(
            request,
            _("后台任务队列暂时无法连接，%(month)s 的月讲评未能提交生成，请稍后重试。")
            % {"month": f"{month:%Y-%m}"},
        )
        return redirect("reports:monthly_list")
    audit_record(
        action=AuditAction.CHANGE,
        request=request,
        object_type="monthly_report",
        detail={"requested": month.strftime("%Y-%m")},
    )
    messages.success(
        request,
        _("已提交生成 %(month)s 的月讲评，稍后刷新本页查看。") % {"month": f"{month:%Y-%m}"},
    )
    return redirect("reports:monthly_list")
