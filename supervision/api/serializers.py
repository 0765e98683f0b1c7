"""Serializers of the supervision API: read shapes of the records, and the inputs of each
action. A choice is shown as its value and its label; people as id and name."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import Role
from cases.models import Case, Court, Division, Judge, User
from supervision.choices import (
    FourTypeCategory,
    MeasureKind,
    ReasonClass,
    ReferralBody,
    Severity,
)
from supervision.models import (
    CampaignCase,
    ClearanceCampaign,
    ExtensionApprover,
    ExtensionRequest,
    FourTypeMark,
    FourTypeRule,
    Inquiry,
    JointInspection,
    Measure,
    Notice,
    Notification,
    Referral,
    ReversalReview,
    TraceEntry,
)
from supervision.querysets import reach_q

# Shapes shared by several records


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name", "role"]
        read_only_fields = fields

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class CaseBriefSerializer(serializers.ModelSerializer):
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


def _label(source: str) -> serializers.CharField:
    return serializers.CharField(source=f"get_{source}_display", read_only=True)


@extend_schema_field(OpenApiTypes.INT)
class ReachableCaseField(serializers.PrimaryKeyRelatedField):
    """A case id, found only among the cases in the requesting user's supervision reach:
    an unknown case and one out of reach are the same 'invalid' error."""

    def get_queryset(self):
        user = self.context["request"].user
        return Case.objects.filter(
            reach_q(user, court="court_id", division="division_id", judge="judge_id")
        ).select_related("court", "division", "judge")


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


class TextSerializer(serializers.Serializer):
    text = serializers.CharField(label=_("内容"))


# Trail


class TraceEntrySerializer(serializers.ModelSerializer):
    kind_label = _label("kind")
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


# Four-type cases


class FourTypeRuleSerializer(serializers.ModelSerializer):
    kind_label = _label("kind")
    category_label = _label("category")

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


class FourTypeMarkSerializer(serializers.ModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    category_label = _label("category")
    source_label = _label("source")
    state_label = _label("state")
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


class MeasureSerializer(serializers.ModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    kind_label = _label("kind")
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


class ReferralSerializer(serializers.ModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    body_label = _label("body")
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


# Time limits


class ExtensionApproverSerializer(serializers.ModelSerializer):
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


class ExtensionRequestSerializer(serializers.ModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    state_label = _label("state")
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


# Letters


class LetterFieldsMixin(serializers.Serializer):
    court_code = serializers.CharField(source="court.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)
    state_label = _label("state")
    issued_by = PersonSerializer(read_only=True)
    acknowledged_by = PersonSerializer(read_only=True)
    answered_by = PersonSerializer(read_only=True)
    closed_by = PersonSerializer(read_only=True)

    LETTER_FIELDS = [
        "id",
        "court",
        "court_code",
        "division",
        "division_name",
        "title",
        "body",
        "deadline",
        "state",
        "state_label",
        "issued_by",
        "issued_at",
        "acknowledged_by",
        "acknowledged_at",
        "answer",
        "answered_by",
        "answered_at",
        "returned_count",
        "closed_by",
        "closed_at",
        "close_note",
    ]


class NoticeSerializer(LetterFieldsMixin, serializers.ModelSerializer):
    recipient_kind_label = _label("recipient_kind")
    judge_name = serializers.CharField(source="judge.name", read_only=True, default=None)
    cases = CaseBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Notice
        fields = [
            *LetterFieldsMixin.LETTER_FIELDS,
            "recipient_kind",
            "recipient_kind_label",
            "judge",
            "judge_name",
            "cases",
        ]
        read_only_fields = fields


class NoticeCreateSerializer(serializers.Serializer):
    cases = serializers.ListField(child=ReachableCaseField(), min_length=1, label=_("案件"))
    judge = ReachableUnitField(Judge, required=False, allow_null=True, label=_("收件法官"))
    division = ReachableUnitField(Division, required=False, allow_null=True, label=_("收件部门"))
    title = serializers.CharField(max_length=200, label=_("标题"))
    body = serializers.CharField(label=_("内容"))
    deadline = serializers.DateField(label=_("答复期限"))


class InquirySerializer(LetterFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Inquiry
        fields = [
            *LetterFieldsMixin.LETTER_FIELDS,
            "indicator_slug",
            "indicator_label",
            "period",
            "as_of",
            "value",
            "reference",
        ]
        read_only_fields = fields


class InquiryCreateSerializer(serializers.Serializer):
    division = ReachableUnitField(Division, label=_("收件部门"))
    indicator_slug = serializers.CharField(max_length=64, label=_("指标"))
    indicator_label = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    period = serializers.CharField(max_length=32, label=_("期间"))
    as_of = serializers.DateField(label=_("统计截至"))
    value = serializers.DecimalField(
        max_digits=20, decimal_places=6, allow_null=True, label=_("指标值")
    )
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200, label=_("标题"))
    body = serializers.CharField(label=_("内容"))
    deadline = serializers.DateField(label=_("答复期限"))
    send = serializers.BooleanField(default=True, label=_("立即发送（否则存为草稿）"))


class InquirySendSerializer(serializers.Serializer):
    deadline = serializers.DateField(required=False, allow_null=True, label=_("答复期限"))


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(label=_("答复"))


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_("办结意见"))


class ReturnSerializer(serializers.Serializer):
    note = serializers.CharField(label=_("退回理由"))
    deadline = serializers.DateField(required=False, allow_null=True, label=_("新的答复期限"))


class InboxItemSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=[("notice", _("督办通知")), ("inquiry", _("异常函询"))])
    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    deadline = serializers.DateField()
    overdue = serializers.BooleanField()
    division_name = serializers.CharField()
    court_code = serializers.CharField()
    action = serializers.ChoiceField(
        choices=[("answer", _("签收答复")), ("close", _("办结或退回")), ("send", _("审核发送"))]
    )
    issued_at = serializers.DateTimeField(allow_null=True)


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "notice", "inquiry", "created_at", "read_at"]
        read_only_fields = fields


# Reversal review


class ReversalReviewSerializer(serializers.ModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    trigger_label = _label("trigger")
    outcome_label = _label("outcome")
    state_label = _label("state")
    reason_class_label = _label("reason_class")
    severity_label = _label("severity")
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


# Long-pending clearance


class CampaignSerializer(serializers.ModelSerializer):
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


class CampaignCaseSerializer(serializers.ModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    bucket_at_start_label = _label("bucket_at_start")
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


# Joint inspections


class JointInspectionSerializer(serializers.ModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True)
    cases = CaseBriefSerializer(many=True, read_only=True)
    participants = PersonSerializer(many=True, read_only=True)
    recorded_by = PersonSerializer(read_only=True)

    class Meta:
        model = JointInspection
        fields = [
            "id",
            "court",
            "court_code",
            "title",
            "inspected_on",
            "findings",
            "cases",
            "participants",
            "other_participants",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class JointInspectionCreateSerializer(serializers.Serializer):
    court = ReachableUnitField(Court, label=_("法院"))
    title = serializers.CharField(max_length=200, label=_("名称"))
    inspected_on = serializers.DateField(label=_("督查日期"))
    findings = serializers.CharField(label=_("督查发现"))
    cases = serializers.ListField(child=ReachableCaseField(), required=False, default=list)
    participants = serializers.ListField(child=CourtUserField(), required=False, default=list)
    other_participants = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )


# Reports


class BucketCountsSerializer(serializers.Serializer):
    court = serializers.IntegerField(source="court_id", required=False)
    court_code = serializers.CharField(source="court__code", required=False)
    court_name = serializers.CharField(source="court__name", required=False)
    division = serializers.IntegerField(source="division_id", required=False)
    division_name = serializers.CharField(source="division__name", required=False)
    judge = serializers.IntegerField(source="judge_id", required=False)
    judge_name = serializers.CharField(source="judge__name", required=False)
    m12_18 = serializers.IntegerField(source="12_18")
    m18_24 = serializers.IntegerField(source="18_24")
    m24_36 = serializers.IntegerField(source="24_36")
    m36_plus = serializers.IntegerField(source="36_plus")
    total = serializers.IntegerField()


class OutlookRowSerializer(serializers.Serializer):
    threshold_months = serializers.IntegerField()
    within_30_days = serializers.IntegerField()
    within_60_days = serializers.IntegerField()
    within_90_days = serializers.IntegerField()


class LedgerRowSerializer(serializers.Serializer):
    court = serializers.IntegerField(source="court_id")
    court_code = serializers.CharField()
    court_name = serializers.CharField()
    division = serializers.IntegerField(source="division_id")
    division_name = serializers.CharField()
    category = serializers.IntegerField(allow_null=True)
    category_label = serializers.CharField()
    open_marks = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    awaiting_confirmation = serializers.IntegerField()
    awaiting_response = serializers.IntegerField()
    overdue_responses = serializers.IntegerField()
