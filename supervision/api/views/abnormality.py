"""Abnormality detection (研判 → 异常函询): what the nightly runs found, for the office; its
drafts are inquiries (supervision/inquiries, state draft), sent or discarded here."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.permissions import Action, may
from supervision import selectors, services
from supervision.api import serializers as s
from supervision.api.views.base import ReadViewSet
from supervision.models import Abnormality, Inquiry

TAGS = ["supervision: abnormality detection"]
STATES = {
    "draft": {"inquiry__state": "draft"},
    "sent": {"inquiry__isnull": False, "discarded_at__isnull": True},
    "discarded": {"discarded_at__isnull": False},
}


@extend_schema_view(
    list=extend_schema(
        summary=_("异常研判结果"),
        description=_(
            "每晚指标计算后发现的异常：法院、部门的指标值触及预警线或较上周明显变差，"
            "附证据和所在的函询草稿。仅审管办可见；state=draft|sent|discarded 筛选。"
        ),
        parameters=[
            OpenApiParameter("state", str, enum=list(STATES)),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description=_("统计截止日 YYYY-MM-DD")),
        ],
        tags=TAGS,
    ),
    retrieve=extend_schema(summary=_("异常研判结果详情"), tags=TAGS),
)
class AbnormalityViewSet(ReadViewSet):
    serializer_class = s.AbnormalitySerializer
    filter_backends = []

    def get_queryset(self):
        user = self.request.user
        if not may(user, Action.LETTER_ISSUE):
            return Abnormality.objects.none()
        rows = Abnormality.objects.in_scope(user).select_related(
            "court", "division", "inquiry", "discarded_by"
        )
        state = self.request.query_params.get("state", "")
        if state in STATES:
            rows = rows.filter(**STATES[state])
        if self.request.query_params.get("as_of"):
            rows = rows.filter(as_of=self.request.query_params["as_of"])
        return rows.order_by("-as_of", "court__code", "division__name", "indicator", "id")


@extend_schema_view(
    list=extend_schema(
        summary=_("待审核的研判草稿"),
        description=_("研判起草、尚未发送的异常函询（审管办审核后发送或不予函询）。"),
        tags=TAGS,
    ),
    retrieve=extend_schema(summary=_("研判草稿详情"), tags=TAGS),
)
class AbnormalityDraftViewSet(ReadViewSet):
    serializer_class = s.InquirySerializer
    filter_backends = []

    def get_queryset(self):
        user = self.request.user
        if not may(user, Action.LETTER_ISSUE):
            return Inquiry.objects.none()
        return selectors.abnormality_drafts(user=user)

    @extend_schema(
        summary=_("审核发送"),
        description=_("发送研判草稿，可改答复期限，可改发本院其他部门。"),
        request=s.DraftSendSerializer,
        responses=s.InquirySerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        data = self.validated(s.DraftSendSerializer)
        inquiry = services.abnormality_send(
            inquiry=self.get_object(),
            actor=request.user,
            deadline=data.get("deadline"),
            division=data.get("division"),
        )
        return Response(s.InquirySerializer(inquiry).data)

    @extend_schema(
        summary=_("不予函询"),
        description=_("草稿作废，研判结果保留并注明理由；同一单位同一指标近期不再起草。"),
        request=s.DraftDiscardSerializer,
        responses={204: None},
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        data = self.validated(s.DraftDiscardSerializer)
        services.abnormality_discard(
            inquiry=self.get_object(), reason=data["reason"], actor=request.user
        )
        return Response(status=204)
