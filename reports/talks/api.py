"""约谈提醒 in the REST API: talks (list, detail, record), commitments (list, detail, the
owner's report, the office's or leadership's check), and the suggestions of a unit.

The same selectors and services as the pages: who sees which talk is `visible_talks`, who may
record or check is the permission table's (a refusal: 403 with its reason, recorded by the
service), a broken rule or a bad body is 400 with the reason in Chinese, a unit or record out
of reach is 404.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from cases.api.permissions import allowed
from cases.api.serializers import ReadModelSerializer
from cases.models import Court, Division, Judge
from cases.permissions import Action
from reports.models import Talk, TalkCommitment
from reports.talks import services
from reports.talks.rules import suggestion_for, suggestions
from reports.talks.selectors import visible_commitments, visible_talks
from supervision.api.serializers.common import (
    CourtUserField,
    PersonSerializer,
    ReachableUnitField,
    label_field,
)
from supervision.api.views.base import ReadViewSet, SupervisionViewSet

TAGS = ["reports: talks"]


class CommitmentSerializer(ReadModelSerializer):
    owner = PersonSerializer(read_only=True)
    closed_by = PersonSerializer(read_only=True)
    state_label = label_field("state")
    talk_held_on = serializers.DateField(source="talk.held_on", read_only=True)

    class Meta:
        model = TalkCommitment
        fields = [
            "id",
            "talk",
            "talk_held_on",
            "text",
            "owner",
            "due_on",
            "state",
            "state_label",
            "report",
            "reported_at",
            "closed_by",
            "closed_at",
            "close_note",
        ]
        read_only_fields = fields


class TalkSerializer(ReadModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True)
    court_name = serializers.CharField(source="court.name", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True, default=None)
    judge_name = serializers.CharField(source="judge.name", read_only=True, default=None)
    conducted_by = PersonSerializer(read_only=True)
    recorded_by = PersonSerializer(read_only=True)
    commitments = CommitmentSerializer(many=True, read_only=True)

    class Meta:
        model = Talk
        fields = [
            "id",
            "court",
            "court_code",
            "court_name",
            "division",
            "division_name",
            "judge",
            "judge_name",
            "held_on",
            "conducted_by",
            "attendees",
            "problems",
            "suggestion",
            "recorded_by",
            "recorded_at",
            "commitments",
        ]
        read_only_fields = fields


class CommitmentInputSerializer(serializers.Serializer):
    text = serializers.CharField(label=_("承诺事项"), max_length=2000)
    owner = CourtUserField(label=_("责任人"))
    due_on = serializers.DateField(label=_("完成期限"))


@extend_schema_field(OpenApiTypes.STR)
class ReachableCourtField(serializers.SlugRelatedField):
    """A court code, found only among the courts in the requesting user's reach."""

    def get_queryset(self):
        return Court.objects.in_scope(self.context["request"].user)


class TalkInputSerializer(serializers.Serializer):
    court = ReachableCourtField(label=_("被约谈法院（代码）"), slug_field="code")
    division = ReachableUnitField(Division, label=_("被约谈部门"), required=False, allow_null=True)
    judge = ReachableUnitField(Judge, label=_("被约谈法官"), required=False, allow_null=True)
    held_on = serializers.DateField(label=_("约谈日期"))
    conducted_by = CourtUserField(label=_("约谈人"))
    attendees = serializers.CharField(
        label=_("参加人员"), required=False, allow_blank=True, max_length=2000
    )
    problems = serializers.CharField(label=_("指出的问题"), max_length=5000)
    commitments = CommitmentInputSerializer(many=True, required=False)
    from_suggestion = serializers.BooleanField(
        label=_("据约谈提示登记（保存当时的提示及依据）"), required=False, default=False
    )

    def validate(self, data):
        court, division, judge = data["court"], data.get("division"), data.get("judge")
        if judge is not None:
            division = division or judge.division
            if judge.court_id != court.pk or judge.division_id != division.pk:
                raise serializers.ValidationError(_("所选法官不属于所选法院、部门"))
            data["division"] = division
        if division is not None and division.court_id != court.pk:
            raise serializers.ValidationError(_("所选部门不属于所选法院"))
        return data


class ReportSerializer(serializers.Serializer):
    report = serializers.CharField(label=_("落实情况"), max_length=5000)


class CommitmentCloseSerializer(serializers.Serializer):
    note = serializers.CharField(label=_("核销意见"), required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(summary=_("约谈记录"), tags=TAGS),
    retrieve=extend_schema(summary=_("约谈详情"), tags=TAGS),
)
class TalkViewSet(mixins.CreateModelMixin, ReadViewSet):
    serializer_class = TalkSerializer
    ordering_fields = ["held_on", "recorded_at"]
    ordering = ["-held_on", "-id"]

    def get_queryset(self):
        return (
            visible_talks(self.request.user)
            .select_related("court", "division", "judge", "conducted_by", "recorded_by")
            .prefetch_related("commitments__owner", "commitments__closed_by")
            .order_by("-held_on", "-id")
        )

    @extend_schema(
        summary=_("登记约谈"),
        description=_(
            "院领导、院党组或审管办登记约谈及整改承诺；"
            "from_suggestion 为真时保存该单位当时的约谈提示。"
        ),
        request=TalkInputSerializer,
        responses=TalkSerializer,
        tags=TAGS,
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(TalkInputSerializer)
        division, judge = data.get("division"), data.get("judge")
        suggestion = None
        if data.get("from_suggestion"):
            from cases.units import ScopeKey

            unit = ScopeKey.of(court=data["court"], division=division, judge=judge)
            found = suggestion_for(unit)
            if found is not None:
                suggestion = {**found.as_dict(), "case_ids": found.case_ids[:500]}
        talk = services.talk_record(
            actor=request.user,
            court_id=data["court"].pk,
            division_id=division.pk if division else None,
            judge_id=judge.pk if judge else None,
            held_on=data["held_on"],
            conducted_by=data["conducted_by"],
            attendees=data.get("attendees", ""),
            problems=data["problems"],
            commitments=[dict(item) for item in data.get("commitments", [])],
            suggestion=suggestion,
        )
        return self.answer(talk, created=True)


@extend_schema_view(
    list=extend_schema(summary=_("约谈整改承诺"), tags=TAGS),
    retrieve=extend_schema(summary=_("约谈整改承诺详情"), tags=TAGS),
)
class TalkCommitmentViewSet(ReadViewSet):
    serializer_class = CommitmentSerializer
    ordering_fields = ["due_on"]
    ordering = ["due_on", "id"]

    def get_queryset(self):
        return (
            visible_commitments(self.request.user)
            .select_related("talk", "owner", "closed_by")
            .order_by("due_on", "id")
        )

    @extend_schema(
        summary=_("报告落实情况"),
        request=ReportSerializer,
        responses=CommitmentSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        data = self.validated(ReportSerializer)
        commitment = services.commitment_report(
            commitment=self.get_object(), report=data["report"], actor=request.user
        )
        return self.answer(commitment)

    @extend_schema(
        summary=_("核销承诺"),
        request=CommitmentCloseSerializer,
        responses=CommitmentSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = self.validated(CommitmentCloseSerializer)
        commitment = services.commitment_close(
            commitment=self.get_object(), note=data.get("note", ""), actor=request.user
        )
        return self.answer(commitment)


class EvidenceSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()
    url = serializers.CharField()


class TalkReasonSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    text = serializers.CharField()
    indicator = serializers.CharField(required=False)
    evidence = EvidenceSerializer(many=True)


class TalkSuggestionSerializer(serializers.Serializer):
    scope = serializers.CharField(source="unit.scope")
    court = serializers.IntegerField(source="unit.court_id")
    division = serializers.IntegerField(source="unit.division_id", allow_null=True)
    judge = serializers.IntegerField(source="unit.judge_id", allow_null=True)
    title = serializers.CharField()
    reasons = TalkReasonSerializer(many=True)


class UnitQuerySerializer(serializers.Serializer):
    court = serializers.CharField(required=False, allow_blank=True)
    division = serializers.IntegerField(required=False, min_value=1)
    judge = serializers.IntegerField(required=False, min_value=1)


@extend_schema_view(
    list=extend_schema(
        summary=_("约谈提示"),
        description=_("按约谈提示规则，本单位及以下建议约谈的单位、原因和依据。"),
        parameters=[UnitQuerySerializer],
        tags=TAGS,
    )
)
class TalkSuggestionViewSet(SupervisionViewSet):
    permission_classes = [allowed(Action.TALK_MANAGE)]
    serializer_class = TalkSuggestionSerializer
    filter_backends: list = []

    def list(self, request):
        from reports.api.views import requested_unit

        info = requested_unit(request.user, self.query(UnitQuerySerializer))
        rows = suggestions(unit=info.key)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(TalkSuggestionSerializer(page, many=True).data)


ROUTES = [
    ("talks", TalkViewSet, "talk"),
    ("talk-commitments", TalkCommitmentViewSet, "talk-commitment"),
    ("talk-suggestions", TalkSuggestionViewSet, "talk-suggestion"),
]
