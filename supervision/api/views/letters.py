"""Notices (督办通知) and inquiries (异常函询), the inbox, in-app notifications."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from supervision import selectors, services
from supervision.api import serializers as s
from supervision.api.filters import InquiryFilterSet, NoticeFilterSet
from supervision.api.views.base import ReadViewSet, SupervisionViewSet
from supervision.models import Inquiry, Notice, Notification
from supervision.selectors.queue import QueueList

TAGS = ["supervision: notices and inquiries"]
LETTER_RELATED = (
    "court",
    "division",
    "issued_by",
    "acknowledged_by",
    "answered_by",
    "closed_by",
)


class LetterActionsMixin:
    """acknowledge, answer, close, return, trail: the same for notices and inquiries."""

    @extend_schema(summary=_("签收"), request=None, tags=TAGS)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self.answer(
            services.letter_acknowledge(letter=self.get_object(), actor=request.user)
        )

    @extend_schema(summary=_("答复"), request=s.AnswerSerializer, tags=TAGS)
    @action(detail=True, methods=["post"], url_path="answer")
    def answer_letter(self, request, pk=None):
        data = self.validated(s.AnswerSerializer)
        letter = services.letter_answer(
            letter=self.get_object(), answer=data["answer"], actor=request.user
        )
        return self.answer(letter)

    @extend_schema(summary=_("办结"), request=s.CloseSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = self.validated(s.CloseSerializer)
        letter = services.letter_close(
            letter=self.get_object(), note=data["note"], actor=request.user
        )
        return self.answer(letter)

    @extend_schema(summary=_("退回重答"), request=s.ReturnSerializer, tags=TAGS)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        data = self.validated(s.ReturnSerializer)
        letter = services.letter_return(letter=self.get_object(), actor=request.user, **data)
        return self.answer(letter)

    @extend_schema(summary=_("办理留痕"), responses=s.TraceEntrySerializer(many=True), tags=TAGS)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def trail(self, request, pk=None):
        entries = selectors.letter_trail(letter=self.get_object())
        return Response(s.TraceEntrySerializer(entries, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary=_("督办通知"),
        description=_("法官：发给本人的；庭长、分析员：本部门的；审管办、院领导、督察：本院的。"),
        tags=TAGS,
    ),
    retrieve=extend_schema(summary=_("督办通知详情"), tags=TAGS),
)
class NoticeViewSet(LetterActionsMixin, ReadViewSet):
    serializer_class = s.NoticeSerializer
    filterset_class = NoticeFilterSet
    ordering_fields = ["created_at", "deadline"]

    def get_queryset(self):
        return (
            Notice.objects.in_scope(self.request.user)
            .select_related(*LETTER_RELATED, "judge")
            .prefetch_related("cases__court", "cases__division", "cases__judge")
        )

    @extend_schema(
        summary=_("发出督办通知"),
        description=_("审管办就一个或多个案件向承办法官或部门发出督办通知，附答复期限。"),
        request=s.NoticeCreateSerializer,
        responses={201: s.NoticeSerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = self.validated(s.NoticeCreateSerializer)
        notice = services.notice_issue(actor=request.user, **data)
        return self.answer(notice, created=True)


@extend_schema_view(
    list=extend_schema(
        summary=_("异常函询"),
        description=_("庭长、分析员：本部门的；审管办、院领导、督察：本院的。"),
        tags=TAGS,
    ),
    retrieve=extend_schema(summary=_("异常函询详情"), tags=TAGS),
)
class InquiryViewSet(LetterActionsMixin, ReadViewSet):
    serializer_class = s.InquirySerializer
    filterset_class = InquiryFilterSet
    ordering_fields = ["created_at", "deadline"]

    def get_queryset(self):
        return Inquiry.objects.in_scope(self.request.user).select_related(*LETTER_RELATED)

    @extend_schema(
        summary=_("发出异常函询"),
        description=_("审管办就部门的指标值发出函询（send=false 存为草稿）。"),
        request=s.InquiryCreateSerializer,
        responses={201: s.InquirySerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = self.validated(s.InquiryCreateSerializer)
        inquiry = services.inquiry_create(actor=request.user, **data)
        return self.answer(inquiry, created=True)

    @extend_schema(summary=_("发送草稿函询"), request=s.InquirySendSerializer, tags=TAGS)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        data = self.validated(s.InquirySendSerializer)
        inquiry = services.inquiry_send(
            inquiry=self.get_object(), deadline=data.get("deadline"), actor=request.user
        )
        return self.answer(inquiry)


class InboxViewSet(SupervisionViewSet):
    serializer_class = s.InboxItemSerializer
    filter_backends = []  # the default pagination, when ?page= or ?page_size= is asked

    @extend_schema(
        summary=_("我的待办"),
        description=_(
            "等待您处理的一切，按到期日先后（已逾期的在前，无期限的在后）：待签收、答复的督办通知"
            "和异常函询，待办结或退回的、待审核发送的函询草稿（审管办），待回复的监督管理措施，"
            "待确认的四类案件标注，待审批的延长审限申请（审批人），发改再评查（待评查、待答复异议；"
            "原审法官：可提出异议的），清理攻坚案件（包案领导、承办法官），审限将届满（15日内）"
            "或已超审限的本人案件，最近一次办案体检的发现（审管办）。?kind= 只列一类；"
            "不带 page 时返回全部（与旧版一致），带 page 或 page_size 时分页。"
        ),
        parameters=[s.InboxQuerySerializer],
        # Without page / page_size the whole list; with either, a page of it.
        responses=PolymorphicProxySerializer(
            component_name="InboxAnswer",
            serializers=[s.InboxItemSerializer(many=True), s.InboxPageSerializer],
            resource_type_field_name=None,
            many=False,
        ),
        tags=TAGS,
    )
    def list(self, request):
        query = s.InboxQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        items = QueueList(request.user, kind=query.validated_data.get("kind"))
        if "page" in request.query_params or "page_size" in request.query_params:
            page = self.paginate_queryset(items)
            return self.get_paginated_response(s.InboxItemSerializer(page, many=True).data)
        return Response(s.InboxItemSerializer(items[: len(items)], many=True).data)


@extend_schema_view(
    list=extend_schema(summary=_("站内消息"), description=_("发给您本人的消息。"), tags=TAGS),
    retrieve=extend_schema(summary=_("站内消息详情"), tags=TAGS),
)
class NotificationViewSet(ReadViewSet):
    serializer_class = s.NotificationSerializer
    filter_backends = []

    def get_queryset(self):
        return Notification.objects.in_scope(self.request.user)

    @extend_schema(summary=_("标为已读"), request=None, tags=TAGS)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.notification_mark_read(
            notification=self.get_object(), actor=request.user
        )
        return self.answer(notification)
