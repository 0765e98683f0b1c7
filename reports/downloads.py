"""A kept monthly review's file as an HTTP answer: the stored bytes, their content type and a
file name in Chinese, the download written to the audit trail. The monthly page's download
links and the API's file endpoints both answer with it."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _

from cases.choices import AuditAction
from cases.services import audit_record
from reports.choices import DocumentKind
from reports.models import MonthlyReport
from reports.monthly.documents import XLSX_TYPE
from reports.selectors.monthly import review_document

CONTENT_TYPES = {DocumentKind.PDF: "application/pdf", DocumentKind.XLSX: XLSX_TYPE}


def document_download(*, request, report: MonthlyReport, kind: str) -> HttpResponse | None:
    """The stored `kind` file of a review the requester may read (None: not kept)."""
    document = review_document(report, kind)
    if document is None:
        return None
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
