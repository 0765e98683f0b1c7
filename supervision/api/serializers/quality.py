"""评查 (case quality review campaigns): campaigns, reviews with their deductions,
rectifications, and the inputs of each action."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.api.serializers import ReadModelSerializer
from cases.models import Court, User
from supervision.api.serializers.common import (
    CaseBriefSerializer,
    PersonSerializer,
    ReachableCaseField,
    ReachableUnitField,
    label_field,
)
from supervision.choices import QualitySource
from supervision.models import (
    QualityCampaign,
    QualityDeduction,
    QualityReview,
    Rectification,
    ScoringSheet,
)


class QualityCampaignSerializer(ReadModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True, default=None)
    sheet_name = serializers.CharField(source="sheet.__str__", read_only=True)
    created_by = PersonSerializer(read_only=True)

    class Meta:
        model = QualityCampaign
        fields = [
            "id",
            "name",
            "court",
            "court_code",
            "closed_from",
            "closed_to",
            "sheet",
            "sheet_name",
            "sources",
            "share_percent",
            "seed",
            "min_pending_days",
            "score_due_on",
            "rectify_days",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class QualityCampaignCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, label=_("名称"))
    court = ReachableUnitField(Court, required=False, allow_null=True, label=_("法院（空：全市）"))
    closed_from = serializers.DateField(label=_("结案日期自"))
    closed_to = serializers.DateField(label=_("结案日期至"))
    sheet = serializers.PrimaryKeyRelatedField(queryset=ScoringSheet.objects.none())
    sources = serializers.ListField(
        child=serializers.ChoiceField(choices=QualitySource.choices),
        default=[QualitySource.ROUTINE],
    )
    share_percent = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal("100"),
        required=False,
        default=Decimal("5"),
    )
    seed = serializers.IntegerField(
        min_value=1, max_value=2**62 - 1, required=False, allow_null=True
    )
    min_pending_days = serializers.IntegerField(
        min_value=1, max_value=3650, required=False, allow_null=True
    )
    case_ids = serializers.ListField(
        child=ReachableCaseField(), required=False, default=list, max_length=500
    )
    score_due_on = serializers.DateField(required=False, allow_null=True)
    rectify_days = serializers.IntegerField(min_value=1, max_value=90, default=15)
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # none when the schema is generated
        sheets = ScoringSheet.objects.filter(current=True)
        self.fields["sheet"].queryset = (
            sheets.in_scope(request.user) if request is not None else sheets.none()
        )

    def validate_case_ids(self, cases):
        return [case.pk for case in cases]


class PoolSerializer(serializers.Serializer):
    reviewers = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=200
    )


class DeductionSerializer(ReadModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)

    class Meta:
        model = QualityDeduction
        fields = ["item", "item_name", "points", "note"]
        read_only_fields = fields


class QualityReviewSerializer(ReadModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    campaign_name = serializers.CharField(source="campaign.name", read_only=True)
    source_label = label_field("source")
    state_label = label_field("state")
    grade_label = label_field("grade")
    deductions = DeductionSerializer(many=True, read_only=True)

    class Meta:
        model = QualityReview
        fields = [
            "id",
            "campaign",
            "campaign_name",
            "case",
            "source",
            "source_label",
            "state",
            "state_label",
            "deduction",
            "score",
            "grade",
            "grade_label",
            "opinion",
            "scored_at",
            "deductions",
        ]
        read_only_fields = fields


class ScoreItemSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1)
    points = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ScoreSerializer(serializers.Serializer):
    deductions = ScoreItemSerializer(many=True, required=False, default=list)
    opinion = serializers.CharField(label=_("评查意见"))


class RectificationSerializer(ReadModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    state_label = label_field("state")
    grade = serializers.CharField(source="review.grade", read_only=True)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "review",
            "case",
            "grade",
            "state",
            "state_label",
            "request",
            "due_on",
            "requested_at",
            "answer",
            "answered_at",
            "decision_note",
            "decided_at",
            "returned",
        ]
        read_only_fields = fields


class RectifyAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(label=_("整改情况"))


class RectifyDecideSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True)


def reviewer_users(ids) -> list[User]:
    return list(User.objects.filter(pk__in=ids))
