"""Time-limit control: the designated approver of each court, extension requests."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from supervision import services
from supervision.api import serializers as s
from supervision.api.filters import ExtensionRequestFilterSet
from supervision.api.views.base import ReadViewSet
from supervision.models import ExtensionApprover, ExtensionRequest

TAGS = ["supervision: time limits"]


@extend_schema_view(
    list=extend_schema(
        summary=_("审限变更审批人"), description=_("每院一名（审限变更一支笔）。"), tags=TAGS
    ),
    retrieve=extend_schema(summary=_("审限变更审批人详情"), tags=TAGS),
)
class ExtensionApproverViewSet(ReadViewSet):
    serializer_class = s.ExtensionApproverSerializer
    filter_backends = []

    def get_queryset(self):
        return ExtensionApprover.objects.in_scope(self.request.user).select_related(
            "court", "user", "designated_by"
        )

    @extend_schema(
        summary=_("指定审限变更审批人"),
        description=_("院领导指定本院唯一的审批人，替换原审批人；审批人须能查看全院案件。"),
        request=s.ExtensionApproverDesignateSerializer,
        responses={201: s.ExtensionApproverSerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = self.validated(s.ExtensionApproverDesignateSerializer)
        approver = services.approver_designate(actor=request.user, **data)
        return self.answer(approver, created=True)


@extend_schema_view(
    list=extend_schema(summary=_("延长审限申请"), tags=TAGS),
    retrieve=extend_schema(summary=_("延长审限申请详情"), tags=TAGS),
)
class ExtensionRequestViewSet(ReadViewSet):
    serializer_class = s.ExtensionRequestSerializer
    filterset_class = ExtensionRequestFilterSet
    ordering_fields = ["requested_at"]

    def get_queryset(self):
        return ExtensionRequest.objects.in_scope(self.request.user).select_related(
            "case", "case__court", "case__division", "case__judge", "requested_by", "decided_by"
        )

    @extend_schema(
        summary=_("申请延长审限"),
        description=_("承办法官对本人未结案件申请；民事案件应在审限届满15日前申请。"),
        request=s.ExtensionRequestCreateSerializer,
        responses={201: s.ExtensionRequestSerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = self.validated(s.ExtensionRequestCreateSerializer)
        extension = services.extension_request(actor=request.user, **data)
        return self.answer(extension, created=True)

    def _decide(self, request, approve: bool):
        data = self.validated(s.DecisionSerializer)
        extension = services.extension_decide(
            extension=self.get_object(), approve=approve, note=data["note"], actor=request.user
        )
        return self.answer(extension)

    @extend_schema(
        summary=_("批准延长审限"),
        description=_(
            "只有本院指定的审批人可以批准；其他人一律拒绝（403）并留痕。"
            "批准后审限届满日顺延，原、新届满日记入留痕。"
        ),
        request=s.DecisionSerializer,
        responses=s.ExtensionRequestSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, approve=True)

    @extend_schema(
        summary=_("不批准延长审限"),
        description=_("只有本院指定的审批人可以审批；须写明理由。"),
        request=s.DecisionSerializer,
        responses=s.ExtensionRequestSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, approve=False)
