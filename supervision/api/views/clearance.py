"""Long-pending clearance campaigns and the cases on their lists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from supervision import selectors, services
from supervision.api import serializers as s
from supervision.api.filters import CampaignCaseFilterSet
from supervision.api.views.base import ReadViewSet
from supervision.models import CampaignCase, ClearanceCampaign

TAGS = ["supervision: long-pending clearance"]


@extend_schema_view(
    list=extend_schema(summary=_("清理攻坚"), tags=TAGS),
    retrieve=extend_schema(summary=_("清理攻坚详情"), tags=TAGS),
)
class CampaignViewSet(ReadViewSet):
    serializer_class = s.CampaignSerializer
    filter_backends = []

    def get_queryset(self):
        return ClearanceCampaign.objects.in_scope(self.request.user).select_related(
            "court", "division", "created_by"
        )

    @extend_schema(
        summary=_("开始清理攻坚"),
        description=_("审管办、院领导开始一次清理：开始时未结超过规定月数的案件冻结为清单。"),
        request=s.CampaignCreateSerializer,
        responses={201: s.CampaignSerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = self.validated(s.CampaignCreateSerializer)
        campaign = services.campaign_start(actor=request.user, **data)
        return self.answer(campaign, created=True)

    @extend_schema(
        summary=_("清理进度"),
        description=_("清单案件数、已结、剩余（您可见的部分），按开始时的未结时长。"),
        responses=s.CampaignProgressSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def progress(self, request, pk=None):
        progress = selectors.campaign_progress(user=request.user, campaign=self.get_object())
        return Response(s.CampaignProgressSerializer(progress).data)


@extend_schema_view(
    list=extend_schema(summary=_("清理攻坚案件"), description=_("可按 campaign 筛选。"), tags=TAGS),
    retrieve=extend_schema(summary=_("清理攻坚案件详情"), tags=TAGS),
)
class CampaignCaseViewSet(ReadViewSet):
    serializer_class = s.CampaignCaseSerializer
    filterset_class = CampaignCaseFilterSet
    ordering_fields = ["case__filed_on", "target_on"]

    def get_queryset(self):
        return CampaignCase.objects.in_scope(self.request.user).select_related(
            "case", "case__court", "case__division", "case__judge", "leader"
        )

    @extend_schema(
        summary=_("落实包案领导和目标日期"),
        request=s.CampaignAssignSerializer,
        responses=s.CampaignCaseSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        data = self.validated(s.CampaignAssignSerializer)
        entry = services.campaign_case_assign(entry=self.get_object(), actor=request.user, **data)
        return self.answer(entry)
