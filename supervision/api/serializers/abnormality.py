"""Abnormality detection (研判): what each nightly run found, and the office's decision."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.api.serializers import ReadModelSerializer
from cases.models import Division
from supervision.api.serializers.common import PersonSerializer, ReachableUnitField
from supervision.models import Abnormality


class AbnormalitySerializer(ReadModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True, default=None)
    indicator_label = serializers.CharField(source="get_indicator_display", read_only=True)
    inquiry_state = serializers.CharField(source="inquiry.state", read_only=True, default=None)
    discarded_by = PersonSerializer(read_only=True)

    class Meta:
        model = Abnormality
        fields = [
            "id",
            "as_of",
            "period",
            "scope",
            "court",
            "court_code",
            "division",
            "division_name",
            "indicator",
            "indicator_label",
            "value",
            "numerator",
            "denominator",
            "warning_low",
            "warning_high",
            "crossed_warning",
            "last_week_as_of",
            "last_week_value",
            "worsened_by",
            "fell_sharply",
            "recipient_note",
            "inquiry",
            "inquiry_state",
            "found_at",
            "discarded_by",
            "discarded_at",
            "discard_reason",
        ]
        read_only_fields = fields


class DraftSendSerializer(serializers.Serializer):
    deadline = serializers.DateField(required=False, allow_null=True, label=_("答复期限"))
    division = ReachableUnitField(
        Division, required=False, allow_null=True, label=_("改发本院其他部门")
    )


class DraftDiscardSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("不予函询的理由"))
