"""Notices, inquiries, the inbox, notifications."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.api.serializers import ReadModelSerializer
from cases.models import Division, Judge
from metrics.definitions.indicators import INDICATORS
from supervision.api.serializers.common import (
    CaseBriefSerializer,
    PersonSerializer,
    ReachableCaseField,
    ReachableUnitField,
    label_field,
)
from supervision.models import (
    Inquiry,
    Notice,
    Notification,
)
from supervision.selectors import queue


class LetterFieldsMixin(serializers.Serializer):
    court_code = serializers.CharField(source="court.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)
    state_label = label_field("state")
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


class NoticeSerializer(LetterFieldsMixin, ReadModelSerializer):
    recipient_kind_label = label_field("recipient_kind")
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
    # 跟踪问效: the indicators the problem was seen in, followed at 30, 60 and 90 days.
    indicators = serializers.ListField(
        child=serializers.ChoiceField(choices=INDICATORS.choices()),
        required=False,
        default=list,
        label=_("相关指标"),
    )


class InquirySerializer(LetterFieldsMixin, ReadModelSerializer):
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
    """One item of 我的待办 (supervision.selectors.queue.QueueItem). The first fields are the
    inbox's since it listed letters only (`type`: notice or inquiry for a letter, else the
    kind); the rest came with the other kinds."""

    type = serializers.CharField(help_text=_("督办通知 notice、异常函询 inquiry，其余同 kind"))
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    deadline = serializers.DateField(source="due_on", allow_null=True)
    overdue = serializers.BooleanField()
    division_name = serializers.CharField()
    court_code = serializers.CharField()
    action = serializers.CharField(
        help_text=_(
            "answer 签收答复、close 办结或退回、send 审核发送、respond 回复措施、confirm 确认标注、"
            "decide 审批延长审限、record 评查、object 可提出异议、answer_objection 答复异议、"
            "clear 清理攻坚结案、conclude 审限将届满、handle 处理体检发现"
        )
    )
    issued_at = serializers.DateTimeField(source="since", allow_null=True)
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    unit = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    url = serializers.CharField()
    action_label = serializers.CharField()


class InboxPageSerializer(serializers.Serializer):
    """A page of 我的待办 (?page= or ?page_size=)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = InboxItemSerializer(many=True)


class InboxQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[], required=False, label=_("类型"))
    page = serializers.IntegerField(min_value=1, required=False, label=_("页码"))
    page_size = serializers.IntegerField(min_value=1, max_value=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds registered by now (reports adds its own from its AppConfig.ready).
        self.fields["kind"].choices = queue.kinds()


class NotificationSerializer(ReadModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "notice", "inquiry", "created_at", "read_at"]
        read_only_fields = fields
