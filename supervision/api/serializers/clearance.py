"""Long-pending clearance campaigns and joint inspections."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.api.serializers import ReadModelSerializer
from cases.models import Case, Court, Division
from cases.units import OWN_COLUMNS, unit_q
from supervision.api.serializers.common import (
    CaseBriefSerializer,
    CourtUserField,
    PersonSerializer,
    ReachableCaseField,
    ReachableUnitField,
    label_field,
)
from supervision.models import (
    CampaignCase,
    ClearanceCampaign,
    JointInspection,
)


class CampaignSerializer(ReadModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True, default=None)
    created_by = PersonSerializer(read_only=True)

    class Meta:
        model = ClearanceCampaign
        fields = [
            "id",
            "name",
            "court",
            "court_code",
            "division",
            "division_name",
            "min_months",
            "started_on",
            "target_on",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class CampaignCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, label=_("名称"))
    court = ReachableUnitField(Court, label=_("法院"))
    division = ReachableUnitField(Division, required=False, allow_null=True, label=_("部门"))
    min_months = serializers.IntegerField(min_value=12, default=12, label=_("未结超过（月）"))
    target_on = serializers.DateField(label=_("目标日期"))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class BucketProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    closed = serializers.IntegerField()


class CampaignProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=_("开始时清单中的案件数（您可见的部分）"))
    closed = serializers.IntegerField()
    remaining = serializers.IntegerField()
    unassigned = serializers.IntegerField(help_text=_("未结且尚未落实包案领导"))
    past_target = serializers.IntegerField(help_text=_("未结且已过本案目标日期"))
    past_campaign_target = serializers.BooleanField()
    by_bucket = serializers.DictField(child=BucketProgressSerializer())


class CampaignCaseSerializer(ReadModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    bucket_at_start_label = label_field("bucket_at_start")
    leader = PersonSerializer(read_only=True)

    class Meta:
        model = CampaignCase
        fields = [
            "id",
            "campaign",
            "case",
            "bucket_at_start",
            "bucket_at_start_label",
            "leader",
            "target_on",
            "assigned_at",
        ]
        read_only_fields = fields


class CampaignAssignSerializer(serializers.Serializer):
    leader = CourtUserField(label=_("包案领导"))
    target_on = serializers.DateField(label=_("目标结案日期"))


class JointInspectionSerializer(ReadModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True)
    state_label = label_field("state")
    # How many cases the inspection names; the cases themselves only as far as the requesting
    # user may open them (an inspector: those joined to them, so none of a pending request —
    # an id tried in a request must not tell its case number or judge).
    case_count = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()
    participants = PersonSerializer(many=True, read_only=True)
    recorded_by = PersonSerializer(read_only=True)
    decided_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = JointInspection
        fields = [
            "id",
            "court",
            "court_code",
            "title",
            "inspected_on",
            "findings",
            "case_count",
            "cases",
            "participants",
            "other_participants",
            "recorded_by",
            "recorded_at",
            "state",
            "state_label",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields

    def get_case_count(self, inspection) -> int:
        named = getattr(inspection, "_prefetched_objects_cache", {}).get("cases")
        return len(named) if named is not None else inspection.cases.count()

    @extend_schema_field(CaseBriefSerializer(many=True))
    def get_cases(self, inspection) -> list:
        cases = getattr(inspection, "cases_in_reach", None)  # prefetched by the ViewSet
        if cases is None:
            user = self.context["request"].user
            cases = inspection.cases.in_scope(user).select_related("court", "division", "judge")
        return CaseBriefSerializer(cases, many=True, context=self.context).data


class InspectedCaseField(ReachableCaseField):
    """A case of a court in the requesting user's reach — for an inspector, not only the cases
    joined to them: naming cases is how they ask to be joined (the office approves). As the
    page's form finds them (supervision.forms.cases_by_number)."""

    def get_queryset(self):
        user = self.context["request"].user
        return Case.objects.filter(unit_q(user, OWN_COLUMNS)).select_related(
            "court", "division", "judge"
        )


class JointInspectionCreateSerializer(serializers.Serializer):
    court = ReachableUnitField(Court, label=_("法院"))
    title = serializers.CharField(max_length=200, label=_("名称"))
    inspected_on = serializers.DateField(label=_("督查日期"))
    findings = serializers.CharField(label=_("督查发现"))
    cases = serializers.ListField(child=InspectedCaseField(), required=False, default=list)
    participants = serializers.ListField(child=CourtUserField(), required=False, default=list)
    other_participants = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
