"""月讲评 reads: the kept reviews a user may read, a review's stored file. The monthly pages and
the API answer from these."""

from __future__ import annotations

from django.db.models import QuerySet

from reports.models import MonthlyReport, ReportDocument


def monthly_reviews(user) -> QuerySet:
    """The kept reviews in `user`'s scope (whether they may read reviews at all is the
    permission table's: Action.MONTHLY_REVIEW_READ), newest month first."""
    return (
        MonthlyReport.objects.in_scope(user)
        .select_related("court", "division", "judge")
        .order_by("-month", "scope", "court__code", "pk")
    )


def review_document(report: MonthlyReport, kind: str) -> ReportDocument | None:
    return ReportDocument.objects.filter(report=report, kind=kind).first()
