"""数据会商 API: meetings (list, detail, hold one, record a decision), the proposed agenda of a
unit and month, and the actions (the owner reports done, the office closes). The same selectors
and services as the pages; a unit or record outside the caller's reach: 404; a rule broken: 400
with the reason; a refusal: 403 (recorded by the service)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from cases.api.permissions import allowed
from cases.models import User
from cases.permissions import Action, may
from cases.units import (
    ScopeKey,
    UnitNotFound,
    reaches,
    top_unit_name,
    unit_resolve,
    user_unit,
)
from reports.models import Meeting, MeetingAction, MeetingDecision
from reports.selectors.meetings import (
    MEETING_SCOPES,
    agenda_build,
    visible_actions,
    visible_meetings,
)
from reports.services.meetings import (
    meeting_action_close,
    meeting_action_done,
    meeting_create,
    meeting_decide,
)
from supervision.api.views.base import ReadViewSet, SupervisionViewSet

TAGS = ["reports: data-review meetings"]


# --- serializers ------------------------------------------------------------------------------


class MeetingUnitQuerySerializer(serializers.Serializer):
    court = serializers.CharField(required=False, allow_blank=True, max_length=20)
    division = serializers.IntegerField(required=False, min_value=1)

    def unit(self, user) -> ScopeKey:
        data = self.validated_data
        try:
            unit = unit_resolve(court=data.get("court") or None, division=data.get("division"))
        except UnitNotFound:
            raise NotFound(_("单位不存在")) from None
        if not data.get("court") and data.get("division") is None:
            unit = user_unit(user) or unit
        if unit.scope not in MEETING_SCOPES:
            raise serializers.ValidationError(
                _("数据会商的单位须为%(top)s、法院或部门") % {"top": top_unit_name()}
            )
        if not reaches(user, unit):
            raise NotFound(_("单位不在您的可见范围内"))
        return unit


class MonthField(serializers.CharField):
    """YYYY-MM, as the first day of the month."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if len(value) > 7:
            raise serializers.ValidationError(_("月份格式应为 YYYY-MM"))
        try:
            return datetime.date.fromisoformat(f"{value}-01")
        except ValueError:
            raise serializers.ValidationError(_("月份格式应为 YYYY-MM")) from None


class MeetingAgendaQuerySerializer(MeetingUnitQuerySerializer):
    month = MonthField()


class MeetingCreateSerializer(MeetingUnitQuerySerializer):
    month = MonthField()
    held_on = serializers.DateField()
    attendees = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class MeetingDecisionInputSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=2000)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    due_on = serializers.DateField()
    task = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class MeetingNoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class MeetingCloseInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class MeetingActionSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.display_name", read_only=True)
    owner_id = serializers.IntegerField(read_only=True)
    meeting_title = serializers.CharField(source="meeting.title", read_only=True)
    item = serializers.CharField(source="decision.item_key", read_only=True)
    decision = serializers.CharField(source="decision.text", read_only=True)

    class Meta:
        model = MeetingAction
        fields = [
            "id", "meeting", "meeting_title", "item", "decision", "scope", "court", "division",
            "judge", "task", "owner", "owner_id", "due_on", "state", "done_note", "done_at",
            "closed_at", "close_note", "created_at",
        ]  # fmt: skip


class MeetingDecisionSerializer(serializers.ModelSerializer):
    actions = MeetingActionSerializer(many=True, read_only=True)

    class Meta:
        model = MeetingDecision
        fields = ["id", "item_key", "text", "decided_at", "actions"]


class MeetingSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id", "scope", "court", "division", "title", "month", "held_on", "attendees",
            "agenda_as_of", "items", "created_at",
        ]  # fmt: skip

    def get_items(self, meeting) -> int:
        return len(meeting.agenda)


class MeetingDetailSerializer(MeetingSerializer):
    decisions = MeetingDecisionSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "agenda", "notes", "decisions"]


class MeetingAgendaItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    unit = serializers.DictField()
    title = serializers.CharField()
    evidence = serializers.ListField(child=serializers.CharField())
    links = serializers.ListField(child=serializers.DictField())
    indicators = serializers.ListField(child=serializers.CharField())
    case_ids = serializers.ListField(child=serializers.IntegerField())
    facts = serializers.DictField()


class MeetingAgendaSerializer(serializers.Serializer):
    title = serializers.CharField()
    month = serializers.DateField()
    as_of = serializers.DateField(allow_null=True)
    items = MeetingAgendaItemSerializer(many=True)


# --- views ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("数据会商"), tags=TAGS),
    retrieve=extend_schema(summary=_("数据会商纪要"), tags=TAGS),
)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SupervisionViewSet):
    permission_classes = [allowed(Action.MEETING_READ)]
    filter_backends = []

    def get_queryset(self):
        meetings = visible_meetings(self.request.user).order_by("-held_on", "-pk")
        if self.action == "retrieve":
            return meetings.prefetch_related("decisions__actions__owner")
        return meetings

    def get_serializer_class(self):
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer

    @extend_schema(
        summary=_("组织数据会商"),
        description=_("按单位和月份生成议题并固定，建立会商（审管办）。"),
        request=MeetingCreateSerializer,
        responses=MeetingDetailSerializer,
        tags=TAGS,
    )
    def create(self, request):
        if not may(request.user, Action.MEETING_MANAGE):
            raise PermissionDenied(_("只有审管办可以组织数据会商"))
        serializer = MeetingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unit = serializer.unit(request.user)
        data = serializer.validated_data
        meeting = meeting_create(
            actor=request.user,
            unit=unit,
            month=data["month"],
            held_on=data["held_on"],
            attendees=data.get("attendees", ""),
        )
        return Response(MeetingDetailSerializer(meeting).data, status=201)

    @extend_schema(
        summary=_("议题预览"),
        description=_("系统为该单位、该月份提出的议题（不保存）。"),
        parameters=[MeetingAgendaQuerySerializer],
        responses=MeetingAgendaSerializer,
        tags=TAGS,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def agenda(self, request):
        serializer = MeetingAgendaQuerySerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        unit = serializer.unit(request.user)
        built = agenda_build(user=request.user, unit=unit, month=serializer.validated_data["month"])
        return Response(MeetingAgendaSerializer(built).data)

    @extend_schema(
        summary=_("记录决定并交办"),
        request=MeetingDecisionInputSerializer,
        responses=MeetingDecisionSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = self.validated(MeetingDecisionInputSerializer)
        decision = meeting_decide(
            meeting=self.get_object(),
            actor=request.user,
            item_key=data["item"],
            text=data["text"],
            owner=data["owner"],
            due_on=data["due_on"],
            task=data.get("task", ""),
        )
        return Response(MeetingDecisionSerializer(decision).data, status=201)


@extend_schema_view(
    list=extend_schema(summary=_("会商交办事项"), tags=TAGS),
    retrieve=extend_schema(summary=_("会商交办事项详情"), tags=TAGS),
)
class MeetingActionViewSet(ReadViewSet):
    serializer_class = MeetingActionSerializer
    filter_backends = []

    def get_queryset(self):
        return visible_actions(self.request.user)

    @extend_schema(
        summary=_("报告办结"),
        description=_("责任人报告办理情况。"),
        request=MeetingNoteInputSerializer,
        responses=MeetingActionSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        data = self.validated(MeetingNoteInputSerializer)
        found = meeting_action_done(action=self.get_object(), actor=request.user, note=data["note"])
        return self.answer(found)

    @extend_schema(
        summary=_("销号"),
        description=_("审管办对已报办结的事项核实销号。"),
        request=MeetingCloseInputSerializer,
        responses=MeetingActionSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = self.validated(MeetingCloseInputSerializer)
        found = meeting_action_close(
            action=self.get_object(), actor=request.user, note=data.get("note", "")
        )
        return self.answer(found)


ROUTES = [
    ("meetings", MeetingViewSet, "meeting"),
    ("meeting-actions", MeetingActionViewSet, "meeting-action"),
]
