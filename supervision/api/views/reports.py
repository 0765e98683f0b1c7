"""Supervision reports: the four-type ledger (台账), long-pending cases by age bucket, the
outlook (可能发生的动向), overdue cases. Each count and the case list behind it come from the
same selector condition; case lists are paginated and audited like the cases API's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.api.serializers import CaseSerializer
from cases.choices import AuditAction
from cases.dates import today
from cases.services import audit_record
from supervision import selectors
from supervision.api import serializers as s
from supervision.api.views.base import SupervisionViewSet
from supervision.choices import OUTLOOK_HORIZONS, OUTLOOK_THRESHOLDS, AgeBucket

TAGS = ["supervision: reports"]


class DayQuerySerializer(serializers.Serializer):
    day = serializers.DateField(required=False, help_text=_("统计日，默认今天（1900—2999 年）"))

    def validate_day(self, value):
        # Ages count months back from the day: a day near year 1 has no such months.
        if value is not None and not 1900 <= value.year <= 2999:
            raise serializers.ValidationError(_("统计日须在 1900 年至 2999 年之间"))
        return value


class BucketQuerySerializer(DayQuerySerializer):
    by = serializers.ChoiceField(
        choices=[("court", _("法院")), ("division", _("部门")), ("judge", _("承办法官"))],
        required=False,
        help_text=_("分组；不填则为您可见范围的合计"),
    )


class BucketCasesQuerySerializer(DayQuerySerializer):
    bucket = serializers.ChoiceField(choices=AgeBucket.choices, required=False)


class OutlookCasesQuerySerializer(serializers.Serializer):
    threshold = serializers.ChoiceField(choices=[(m, f"{m}") for m in OUTLOOK_THRESHOLDS])
    horizon = serializers.ChoiceField(choices=[(d, f"{d}") for d in OUTLOOK_HORIZONS])


class LongPendingCaseSerializer(CaseSerializer):
    age_bucket = serializers.ChoiceField(choices=AgeBucket.choices, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "age_bucket"]
        read_only_fields = fields


class OutlookCaseSerializer(CaseSerializer):
    threshold_on = serializers.DateField(
        read_only=True, help_text=_("立案日加上月数；此日之后即超过该月数")
    )

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "threshold_on"]
        read_only_fields = fields


class SupervisionReportViewSet(SupervisionViewSet):
    """No objects of its own: each action is one selector, scoped to the requesting user."""

    filter_backends = []
    serializer_class = s.LedgerRowSerializer

    def _cases(self, request, cases, serializer_class, detail: dict):
        cases = cases.with_band(today())
        page = self.paginate_queryset(cases)
        response = self.get_paginated_response(serializer_class(page, many=True).data)
        audit_record(
            action=AuditAction.CASE_LIST,
            request=request,
            object_type="case",
            detail={
                **detail,
                "count": response.data["count"],
                "page": request.GET.get("page", "1"),
            },
        )
        return response

    @extend_schema(
        summary=_("四类案件台账"),
        description=_(
            "按法院、部门、类别：未结案件的有效标注、已确认、待确认、待回复与逾期未回复的措施。"
        ),
        responses=s.LedgerRowSerializer(many=True),
        tags=TAGS,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def ledger(self, request):
        return Response(
            s.LedgerRowSerializer(selectors.ledger_rows(user=request.user), many=True).data
        )

    @extend_schema(
        summary=_("长期未结案件分布"),
        description=_("未结超过12个月的案件按时长（自立案起的日历月）分段计数。"),
        parameters=[BucketQuerySerializer],
        responses=s.BucketCountsSerializer(many=True),
        tags=TAGS,
    )
    @action(detail=False, methods=["get"], url_path="long-pending", pagination_class=None)
    def long_pending(self, request):
        query = self.query(BucketQuerySerializer)
        rows = selectors.long_pending_counts(
            user=request.user, day=query.get("day"), by=query.get("by")
        )
        return Response(s.BucketCountsSerializer(rows, many=True).data)

    @extend_schema(
        summary=_("长期未结案件清单"),
        parameters=[BucketCasesQuerySerializer],
        responses=LongPendingCaseSerializer(many=True),
        tags=TAGS,
    )
    @action(detail=False, methods=["get"], url_path="long-pending/cases")
    def long_pending_cases(self, request):
        query = self.query(BucketCasesQuerySerializer)
        cases = selectors.long_pending_cases(
            user=request.user, day=query.get("day"), bucket=query.get("bucket")
        )
        return self._cases(
            request,
            cases,
            LongPendingCaseSerializer,
            {"report": "long_pending", "bucket": query.get("bucket", "")},
        )

    @extend_schema(
        summary=_("可能发生的动向"),
        description=_(
            "今日未结的案件中，30、60、90日内将超过12、24、36个月的案件数（不采取措施时）。"
        ),
        responses=s.OutlookRowSerializer(many=True),
        tags=TAGS,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def outlook(self, request):
        outlook = selectors.long_pending_outlook(user=request.user)
        rows = [
            {
                "threshold_months": threshold,
                **{f"within_{horizon}_days": counts[horizon] for horizon in OUTLOOK_HORIZONS},
            }
            for threshold, counts in outlook.items()
        ]
        return Response(s.OutlookRowSerializer(rows, many=True).data)

    @extend_schema(
        summary=_("可能发生的动向：案件清单"),
        parameters=[OutlookCasesQuerySerializer],
        responses=OutlookCaseSerializer(many=True),
        tags=TAGS,
    )
    @action(detail=False, methods=["get"], url_path="outlook/cases")
    def outlook_cases(self, request):
        query = self.query(OutlookCasesQuerySerializer)
        cases = selectors.long_pending_outlook_cases(
            user=request.user, threshold=int(query["threshold"]), horizon=int(query["horizon"])
        )
        return self._cases(request, cases, OutlookCaseSerializer, {"report": "outlook", **query})

    @extend_schema(
        summary=_("超审限案件"),
        description=_("您可见范围内已超过审限的未结案件，超期最久的在前。"),
        responses=CaseSerializer(many=True),
        tags=TAGS,
    )
    @action(detail=False, methods=["get"])
    def overdue(self, request):
        return self._cases(
            request,
            selectors.overdue_cases(user=request.user),
            CaseSerializer,
            {"report": "overdue"},
        )
