"""Reversal review: reviews, findings, objection, the quarterly report."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.api.serializers import ReadModelSerializer
from supervision.api.serializers.common import (
    CaseBriefSerializer,
    PersonSerializer,
    label_field,
)
from supervision.choices import (
    ReasonClass,
    Severity,
)
from supervision.models import (
    ReversalReview,
)


class ReversalReviewSerializer(ReadModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    trigger_label = label_field("trigger")
    outcome_label = label_field("outcome")
    state_label = label_field("state")
    reason_class_label = label_field("reason_class")
    severity_label = label_field("severity")
    reviewer = PersonSerializer(read_only=True)
    objected_by = PersonSerializer(read_only=True)
    answered_by = PersonSerializer(read_only=True)

    class Meta:
        model = ReversalReview
        fields = [
            "id",
            "case",
            "trigger",
            "trigger_label",
            "outcome",
            "outcome_label",
            "decided_on",
            "state",
            "state_label",
            "reason_class",
            "reason_class_label",
            "is_error",
            "severity",
            "severity_label",
            "opinion",
            "reviewer",
            "reviewed_at",
            "objection",
            "objected_by",
            "objected_at",
            "answer",
            "answered_by",
            "answered_at",
        ]
        read_only_fields = fields


class ReviewRecordSerializer(serializers.Serializer):
    reason_class = serializers.ChoiceField(choices=ReasonClass.choices, label=_("原因类别"))
    is_error = serializers.BooleanField(label=_("是否差错"))
    severity = serializers.ChoiceField(choices=Severity.choices, label=_("差错程度"))
    opinion = serializers.CharField(label=_("评查意见"))


class ObjectionSerializer(serializers.Serializer):
    objection = serializers.CharField(label=_("异议理由"))


class ReviewAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(label=_("答复"))
    is_error = serializers.BooleanField(required=False, allow_null=True, default=None)
    severity = serializers.ChoiceField(
        choices=Severity.choices, required=False, allow_null=True, default=None
    )


class OpenedSerializer(serializers.Serializer):
    opened = serializers.IntegerField(help_text=_("本次新立项的评查数"))


class QuarterQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    by = serializers.ChoiceField(
        choices=[("division", _("部门")), ("judge", _("承办法官"))], default="division"
    )


class ReviewReportRowSerializer(serializers.Serializer):
    court_code = serializers.CharField(source="case__court__code")
    division = serializers.IntegerField(source="case__division_id")
    division_name = serializers.CharField(source="case__division__name")
    judge = serializers.IntegerField(source="case__judge_id", required=False)
    judge_name = serializers.CharField(source="case__judge__name", required=False)
    total = serializers.IntegerField()
    modified = serializers.IntegerField()
    remanded = serializers.IntegerField()
    on_appeal = serializers.IntegerField()
    on_retrial = serializers.IntegerField()
    awaiting_review = serializers.IntegerField()
    reason_fact_finding = serializers.IntegerField()
    reason_application_of_law = serializers.IntegerField()
    reason_procedure = serializers.IntegerField()
    reason_new_evidence = serializers.IntegerField()
    reason_other = serializers.IntegerField()
    errors = serializers.IntegerField()
    severity_minor = serializers.IntegerField()
    severity_ordinary = serializers.IntegerField()
    severity_serious = serializers.IntegerField()
    objected = serializers.IntegerField()
    objection_answered = serializers.IntegerField()
