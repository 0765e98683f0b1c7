"""Time limits: the designated approver, extension requests."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.api.serializers import ReadModelSerializer
from cases.models import Court
from supervision.api.serializers.common import (
    CaseBriefSerializer,
    CourtUserField,
    PersonSerializer,
    ReachableCaseField,
    ReachableUnitField,
    label_field,
)
from supervision.models import (
    ExtensionApprover,
    ExtensionRequest,
)


class ExtensionApproverSerializer(ReadModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True)
    user = PersonSerializer(read_only=True)
    designated_by = PersonSerializer(read_only=True)

    class Meta:
        model = ExtensionApprover
        fields = ["id", "court", "court_code", "user", "designated_by", "designated_at"]
        read_only_fields = fields


class ExtensionApproverDesignateSerializer(serializers.Serializer):
    court = ReachableUnitField(Court, label=_("法院"))
    user = CourtUserField(label=_("审批人"))


class ExtensionRequestSerializer(ReadModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    state_label = label_field("state")
    requested_by = PersonSerializer(read_only=True)
    decided_by = PersonSerializer(read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "case",
            "days",
            "reason",
            "requested_by",
            "requested_at",
            "deadline_at_request",
            "state",
            "state_label",
            "decided_by",
            "decided_at",
            "decision_note",
            "old_deadline",
            "new_deadline",
        ]
        read_only_fields = fields


class ExtensionRequestCreateSerializer(serializers.Serializer):
    case = ReachableCaseField(label=_("案件"))
    days = serializers.IntegerField(min_value=1, max_value=366, label=_("延长天数"))
    reason = serializers.CharField(label=_("申请理由"))


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(label=_("审批意见"), required=False, allow_blank=True, default="")
