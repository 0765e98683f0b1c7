"""Four-type cases: rules, marks, measures, referrals."""

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
from supervision.choices import (
    FourTypeCategory,
    MeasureKind,
    ReferralBody,
)
from supervision.models import (
    FourTypeMark,
    FourTypeRule,
    Measure,
    Referral,
)


class FourTypeRuleSerializer(ReadModelSerializer):
    kind_label = label_field("kind")
    category_label = label_field("category")

    class Meta:
        model = FourTypeRule
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "kind_label",
            "category",
            "category_label",
            "params",
            "court",
            "auto_confirm",
            "active",
        ]
        read_only_fields = fields


class SuggestResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text=_("本次新提示的标注数"))


class FourTypeMarkSerializer(ReadModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    category_label = label_field("category")
    source_label = label_field("source")
    state_label = label_field("state")
    marked_by = PersonSerializer(read_only=True)
    decided_by = PersonSerializer(read_only=True)
    rule_slug = serializers.CharField(source="rule.slug", read_only=True, default=None)

    class Meta:
        model = FourTypeMark
        fields = [
            "id",
            "case",
            "category",
            "category_label",
            "reason",
            "source",
            "source_label",
            "rule_slug",
            "state",
            "state_label",
            "marked_by",
            "marked_at",
            "decided_by",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields


class FourTypeMarkCreateSerializer(serializers.Serializer):
    case = ReachableCaseField(label=_("案件"))
    category = serializers.ChoiceField(choices=FourTypeCategory.choices, label=_("类别"))
    reason = serializers.CharField(label=_("标注理由"))


class MeasureSerializer(ReadModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    kind_label = label_field("kind")
    taken_by = PersonSerializer(read_only=True)
    responded_by = PersonSerializer(read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "case",
            "mark",
            "kind",
            "kind_label",
            "instruction",
            "deadline",
            "taken_by",
            "taken_at",
            "response",
            "responded_by",
            "responded_at",
        ]
        read_only_fields = fields


class MeasureCreateSerializer(serializers.Serializer):
    case = ReachableCaseField(label=_("案件"))
    kind = serializers.ChoiceField(choices=MeasureKind.choices, label=_("措施"))
    instruction = serializers.CharField(label=_("要求"))
    deadline = serializers.DateField(label=_("回复期限"))


class ResponseSerializer(serializers.Serializer):
    response = serializers.CharField(label=_("回复"))


class ReferralSerializer(ReadModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    body_label = label_field("body")
    referred_by = PersonSerializer(read_only=True)
    result_by = PersonSerializer(read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "body",
            "body_label",
            "question",
            "referred_by",
            "referred_at",
            "result",
            "discussed_on",
            "result_by",
            "result_at",
        ]
        read_only_fields = fields


class ReferralCreateSerializer(serializers.Serializer):
    case = ReachableCaseField(label=_("案件"))
    body = serializers.ChoiceField(choices=ReferralBody.choices, label=_("提交至"))
    question = serializers.CharField(label=_("提交讨论的问题"))


class ReferralResultSerializer(serializers.Serializer):
    result = serializers.CharField(label=_("讨论结果"))
    discussed_on = serializers.DateField(label=_("讨论日期"))
