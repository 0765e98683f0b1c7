"""Joint inspections (联合督查)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from cases.models import Case
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
        user = self.request.user
        reached = Case.objects.in_scope(user).select_related("court", "division", "judge")
        return (
            JointInspection.objects.in_scope(user)
            .select_related("court", "recorded_by", "decided_by")
            .prefetch_related(
                "cases",
                Prefetch("cases", queryset=reached, to_attr="cases_in_reach"),
                "participants",
            )
        )

    @extend_schema(
        summary=_("登记联合督查"),
        description=_(
            "审管办登记的即时生效，参加的督察人员加入所涉案件；督察人员登记的为申请"
            "（state=requested），须经本院审管办批准后方加入。所涉案件不超过"
            "COURTDASH_INSPECTION_MAX_CASES件。"
        ),
        request=s.JointInspectionCreateSerializer,
        responses={201: s.JointInspectionSerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = self.validated(s.JointInspectionCreateSerializer)
        inspection = services.joint_inspection_record(actor=request.user, **data)
        return self.answer(inspection, created=True)

    def _decide(self, request, approve: bool):
        data = self.validated(s.DecisionSerializer)
        inspection = services.joint_inspection_decide(
            inspection=self.get_object(), approve=approve, note=data["note"], actor=request.user
        )
        return self.answer(inspection)

    @extend_schema(
        summary=_("批准联合督查"),
        description=_(
            "本院审管办批准督察人员登记的联合督查；参加的督察人员由此加入所涉案件。"
            "其他人一律拒绝（403）并留痕。"
        ),
        request=s.DecisionSerializer,
        responses=s.JointInspectionSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, approve=True)

    @extend_schema(
        summary=_("不批准联合督查"),
        description=_("本院审管办不批准，须写明理由（note）；不加入任何案件。"),
        request=s.DecisionSerializer,
        responses=s.JointInspectionSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, approve=False)
