"""拟发改再事先沟通: consultations, the intention, the answer, the outcome, quarterly figures."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.api.serializers import ReadModelSerializer
from supervision.api.serializers.common import (
    CaseBriefSerializer,
    PersonSerializer,
    ReachableCaseField,
    label_field,
)
from supervision.choices import ConsultAnswer, ConsultIntention, ConsultOutcome, ReasonClass
from supervision.models import Consultation
from supervision.selectors.consultations import SIDES


class ConsultationSerializer(ReadModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    original_case = CaseBriefSerializer(read_only=True)
    trigger_label = label_field("trigger")
    intention_label = label_field("intention")
    reason_labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    state_label = label_field("state")
    answer_label = label_field("answer")
    outcome_label = label_field("outcome")
    answered_in_time = serializers.BooleanField(read_only=True, allow_null=True)
    opened_by = PersonSerializer(read_only=True)
    answered_by = PersonSerializer(read_only=True)
    concluded_by = PersonSerializer(read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "case",
            "original_case",
            "trigger",
            "trigger_label",
            "intention",
            "intention_label",
            "reasons",
            "reason_labels",
            "reasoning",
            "opened_by",
            "opened_on",
            "answer_due",
            "state",
            "state_label",
            "answer",
            "answer_label",
            "answer_text",
            "answered_by",
            "answered_on",
            "answered_in_time",
            "outcome",
            "outcome_label",
            "outcome_note",
            "concluded_by",
            "concluded_at",
        ]
        read_only_fields = fields


class ConsultationCreateSerializer(serializers.Serializer):
    case = ReachableCaseField(label=_("二审、再审案件"))
    intention = serializers.ChoiceField(choices=ConsultIntention.choices, label=_("拟处理意见"))
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=ReasonClass.choices),
        allow_empty=False,
        label=_("理由类别"),
    )
    reasoning = serializers.CharField(max_length=4000, label=_("理由"))


class ConsultationAnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=ConsultAnswer.choices, label=_("原审意见"))
    answer_text = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default="", label=_("意见和理由")
    )


class ConsultationOutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ConsultOutcome.choices, label=_("沟通结果"))
    outcome_note = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default="", label=_("说明")
    )


class ConsultationQuarterSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    side = serializers.ChoiceField(
        choices=[(key, key) for key in SIDES], default="original", label=_("统计口径")
    )


class ConsultationFiguresRowSerializer(serializers.Serializer):
    court_code = serializers.CharField()
    court_name = serializers.CharField()
    division = serializers.IntegerField(source="division_id")
    division_name = serializers.CharField()
    consulted = serializers.IntegerField()
    answered = serializers.IntegerField()
    answered_in_time = serializers.IntegerField()
    agreed = serializers.IntegerField()
    concluded = serializers.IntegerField()
    as_intended = serializers.IntegerField()
    outcome_changed = serializers.IntegerField()
    committee = serializers.IntegerField()
