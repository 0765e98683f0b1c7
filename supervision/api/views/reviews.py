"""Reversal review (发改再评查): reviews, objection and answer, the quarterly report."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.choices import AuditAction
from cases.services import audit_record
from supervision import selectors, services
from supervision.api import serializers as s
from supervision.api.filters import ReviewFilterSet
from supervision.api.views.base import ReadViewSet
from supervision.exports import review_report_xlsx
from supervision.models import ReversalReview

TAGS = ["supervision: reversal review"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@extend_schema_view(
    list=extend_schema(summary=_("发改再评查"), tags=TAGS),
    retrieve=extend_schema(summary=_("发改再评查详情"), tags=TAGS),
)
class ReversalReviewViewSet(ReadViewSet):
    serializer_class = s.ReversalReviewSerializer
    filterset_class = ReviewFilterSet
    ordering_fields = ["decided_on", "created_at"]

    def get_queryset(self):
        return ReversalReview.objects.in_scope(self.request.user).select_related(
            "case",
            "case__court",
            "case__division",
            "case__judge",
            "reviewer",
            "objected_by",
            "answered_by",
        )

    @extend_schema(
        summary=_("为发改再案件立项"),
        description=_("审管办为本院（中院：全市）尚无评查的改判、发回案件立项；可重复运行。"),
        request=None,
        responses=s.OpenedSerializer,
        tags=TAGS,
    )
    @action(detail=False, methods=["post"], url_path="open-missing")
    def open_missing(self, request):
        return Response({"opened": services.reviews_open_missing(actor=request.user)})

    @extend_schema(
        summary=_("登记评查意见"),
        request=s.ReviewRecordSerializer,
        responses=s.ReversalReviewSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        data = self.validated(s.ReviewRecordSerializer)
        review = services.review_record(review=self.get_object(), actor=request.user, **data)
        return self.answer(review)

    @extend_schema(
        summary=_("原审法官提出异议"),
        request=s.ObjectionSerializer,
        responses=s.ReversalReviewSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"], url_path="object")
    def object_to(self, request, pk=None):
        data = self.validated(s.ObjectionSerializer)
        review = services.review_object(
            review=self.get_object(), objection=data["objection"], actor=request.user
        )
        return self.answer(review)

    @extend_schema(
        summary=_("答复异议"),
        request=s.ReviewAnswerSerializer,
        responses=s.ReversalReviewSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"], url_path="answer")
    def answer_objection(self, request, pk=None):
        data = self.validated(s.ReviewAnswerSerializer)
        review = services.review_answer(review=self.get_object(), actor=request.user, **data)
        return self.answer(review)

    @extend_schema(
        summary=_("季度评查情况"),
        description=_("按原审部门（by=judge：按承办法官）统计该季度改判、发回的评查情况。"),
        parameters=[s.QuarterQuerySerializer],
        responses=s.ReviewReportRowSerializer(many=True),
        tags=TAGS,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def report(self, request):
        query = self.query(s.QuarterQuerySerializer)
        rows = selectors.review_report(user=request.user, **query)
        return Response(s.ReviewReportRowSerializer(rows, many=True).data)

    @extend_schema(
        summary=_("导出季度评查情况（XLSX）"),
        parameters=[s.QuarterQuerySerializer],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY)},
        tags=TAGS,
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="report-xlsx",
        filter_backends=[],
        pagination_class=None,
    )
    def report_xlsx(self, request):
        query = self.query(s.QuarterQuerySerializer)
        content = review_report_xlsx(user=request.user, **query)
        audit_record(
            action=AuditAction.EXPORT,
            request=request,
            object_type="supervision.reversalreview",
            detail={"report": "quarterly", **query},
        )
        response = HttpResponse(content, content_type=XLSX)
        filename = f"reversal-review-{query['year']}-Q{query['quarter']}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
