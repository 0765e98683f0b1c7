"""Joint inspections (联合督查)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view

from supervision import services
from supervision.api import serializers as s
from supervision.api.views.base import ReadViewSet
from supervision.models import JointInspection

TAGS = ["supervision: inspection"]


@extend_schema_view(
    list=extend_schema(summary=_("联合督查"), description=_("本院的联合督查记录。"), tags=TAGS),
    retrieve=extend_schema(summary=_("联合督查详情"), tags=TAGS),
)
class JointInspectionViewSet(ReadViewSet):
    serializer_class = s.JointInspectionSerializer
    filter_backends = []

    def get_queryset(self):
        return (
            JointInspection.objects.in_scope(self.request.user)
            .select_related("court", "recorded_by")
            .prefetch_related("cases__court", "cases__division", "cases__judge", "participants")
        )

    @extend_schema(
        summary=_("登记联合督查"),
        description=_("督察、审管办登记；参加的督察人员由此加入所涉案件。"),
        request=s.JointInspectionCreateSerializer,
        responses={201: s.JointInspectionSerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = self.validated(s.JointInspectionCreateSerializer)
        inspection = services.joint_inspection_record(actor=request.user, **data)
        return self.answer(inspection, created=True)
