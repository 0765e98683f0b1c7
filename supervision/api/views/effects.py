"""跟踪问效: tracked actions with their 30/60/90-day checks, and which kinds of action work."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.api.permissions import allowed
from cases.permissions import Action
from supervision.api.serializers import effects as s
from supervision.api.views.base import ReadViewSet
from supervision.selectors import effects as selectors

TAGS = ["supervision: did it work (跟踪问效)"]
KIND = OpenApiParameter(
    "kind",
    str,
    description=_("措施类型：notice、inquiry、talk、campaign、quality_review、meeting_action"),
)


@extend_schema_view(
    list=extend_schema(summary=_("跟踪问效"), parameters=[KIND], tags=TAGS),
    retrieve=extend_schema(summary=_("跟踪问效详情（含各时点检查）"), tags=TAGS),
)
class EffectTrackViewSet(ReadViewSet):
    serializer_class = s.EffectTrackSerializer
    permission_classes = [allowed(Action.EFFECTS_READ)]
    filter_backends = []

    def get_queryset(self):
        kind = ""
        if self.action == "list":
            kind = self.query(s.EffectQuerySerializer).get("kind", "")
        return selectors.effect_tracks(user=self.request.user, source=kind)

    @extend_schema(
        summary=_("哪类措施有效"),
        description=_(
            "按措施类型：跟踪数；第30、60、90天的检查数、好于同级的件数和比例、所涉案件已结数。"
        ),
        parameters=[KIND],
        responses=s.KindFiguresSerializer(many=True),
        tags=TAGS,
    )
    @action(detail=False, methods=["get"], pagination_class=None)  # one list, not pages
    def summary(self, request):
        kind = self.query(s.EffectQuerySerializer).get("kind", "")
        figures = selectors.effects_summary(user=request.user, source=kind)
        return Response(s.KindFiguresSerializer(figures, many=True).data)
