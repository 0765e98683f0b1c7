"""What every supervision resource shares: people, cases, fields that find ids only in the
requesting user's reach, the trail."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.api.serializers import ReadModelSerializer
from cases.choices import Role
from cases.models import Case, Court, User
from supervision.models import (
    TraceEntry,
)


class PersonSerializer(ReadModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name", "role"]
        read_only_fields = fields

    def get_name(self, user) -> str:
        return user.display_name


class CaseBriefSerializer(ReadModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)
    judge_name = serializers.CharField(source="judge.name", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "case_number",
            "court_code",
            "division",
            "division_name",
            "judge",
            "judge_name",
            "cause",
            "filed_on",
            "closed_on",
            "deadline",
        ]
        read_only_fields = fields


def label_field(source: str) -> serializers.CharField:
    return serializers.CharField(source=f"get_{source}_display", read_only=True)


@extend_schema_field(OpenApiTypes.INT)
class ReachableCaseField(serializers.PrimaryKeyRelatedField):
    """A case id, found only among the cases in the requesting user's supervision reach:
    an unknown case and one out of reach are the same 'invalid' error."""

    def get_queryset(self):
        user = self.context["request"].user
        return Case.objects.in_scope(user).select_related("court", "division", "judge")


@extend_schema_field(OpenApiTypes.INT)
class ReachableUnitField(serializers.PrimaryKeyRelatedField):
    """A court, division or judge id in the requesting user's reach."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.in_scope(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class CourtUserField(serializers.PrimaryKeyRelatedField):
    """A user of a court in the requesting user's reach (a leader, an approver, a participant)."""

    def get_queryset(self):
        courts = Court.objects.in_scope(self.context["request"].user).values("pk")
        return User.objects.filter(
            Q(court_id__in=courts)
            | Q(division__court_id__in=courts)
            | Q(judge__court_id__in=courts),
            is_active=True,
        )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("理由"))


class TraceEntrySerializer(ReadModelSerializer):
    kind_label = label_field("kind")
    actor_role_label = serializers.SerializerMethodField()
    case_number = serializers.CharField(source="case.case_number", read_only=True, default=None)

    class Meta:
        model = TraceEntry
        fields = [
            "id",
            "at",
            "kind",
            "kind_label",
            "actor",
            "actor_name",
            "actor_role",
            "actor_role_label",
            "case",
            "case_number",
            "notice",
            "inquiry",
            "object_type",
            "object_id",
            "note",
            "detail",
        ]
        read_only_fields = fields

    def get_actor_role_label(self, entry) -> str:
        return str(Role(entry.actor_role).label) if entry.actor_role in Role.values else ""


class TimelineSerializer(serializers.Serializer):
    case = CaseBriefSerializer(read_only=True)
    entries = TraceEntrySerializer(many=True, read_only=True)
