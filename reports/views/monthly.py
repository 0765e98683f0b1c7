"""月讲评 pages: the kept reviews in scope, one review as kept, its PDF and XLSX."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.choices import AuditAction
from cases.dates import today
from cases.permissions import Action, may
from cases.services import audit_record
from reports.choices import DocumentKind
from reports.models import MonthlyReport, ReportDocument
from reports.monthly.documents import XLSX_TYPE
from reports.periods import previous_month
from reports.tasks import generate_monthly_reports_enqueue
from reports.views.common import PAGE_SIZE, tabs

CONTENT_TYPES = {DocumentKind.PDF: "application/pdf", DocumentKind.XLSX: XLSX_TYPE}


def _reports(request):
    if not may(request.user, Action.MONTHLY_REVIEW_READ):
        raise PermissionDenied
    return MonthlyReport.objects.in_scope(request.user).select_related("court")


@login_required
def monthly_list(request):
    rows = _reports(request).defer("content").order_by("-month", "scope", "court__code")
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
    return render(
        request,
        "reports/monthly.html",
        {
            "report_row": report,
            "report": report.content,
            "report_tabs": tabs(request, "monthly_list"),
        },
    )


def _download(request, pk: int, kind: str) -> HttpResponse:
    report = get_object_or_404(_reports(request).defer("content"), pk=pk)
    document = get_object_or_404(ReportDocument, report=report, kind=kind)
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        object_type="monthly_report",
        object_id=report.pk,
        detail={"format": kind, "sha256": document.sha256},
    )
    name = f"{report.month:%Y-%m}-{report.title}-{_('月讲评')}.{kind}".replace(" ", "-")
    response = HttpResponse(bytes(document.content), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = (
        f"attachment; filename=\"report.{kind}\"; filename*=UTF-8''{quote(name)}"
    )
    response["Content-Length"] = str(document.size)
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
    generate_monthly_reports_enqueue(month=month)
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
