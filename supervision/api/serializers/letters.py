"""Notices, inquiries, the inbox, notifications."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.models import Division, Judge
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


class NoticeSerializer(LetterFieldsMixin, serializers.ModelSerializer):
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
