"""Four-type cases: marks, rules, measures, referrals; the supervision trail and timelines."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from cases.choices import AuditAction
from cases.models import Case
from cases.services import audit_record
from cases.units import case_reached
from supervision import selectors, services
from supervision.api import serializers as s
from supervision.api.filters import (
    FourTypeMarkFilterSet,
    MeasureFilterSet,
    ReferralFilterSet,
    TraceEntryFilterSet,
)
from supervision.api.views.base import ReadViewSet, SupervisionViewSet
from supervision.models import FourTypeMark, FourTypeRule, Measure, Referral, TraceEntry

CASE_RELATED = ("case", "case__court", "case__division", "case__judge")
TAGS = ["supervision: four-type cases"]


@extend_schema_view(
    list=extend_schema(summary=_("四类案件标注"), tags=TAGS),
    retrieve=extend_schema(summary=_("四类案件标注详情"), tags=TAGS),
)
class FourTypeMarkViewSet(ReadViewSet):
    serializer_class = s.FourTypeMarkSerializer
    filterset_class = FourTypeMarkFilterSet
    ordering_fields = ["marked_at", "category"]

    def get_queryset(self):
        return FourTypeMark.objects.in_scope(self.request.user).select_related(
            *CASE_RELATED, "marked_by", "decided_by", "rule"
        )

    @extend_schema(
        summary=_("标注四类案件"),
        description=_("承办法官（本人案件）、庭长、院领导、审管办可标注；标注后待确认。"),
        request=s.FourTypeMarkCreateSerializer,
        responses={201: s.FourTypeMarkSerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = self.validated(s.FourTypeMarkCreateSerializer)
        mark = services.four_type_mark(
            case=data["case"], category=data["category"], reason=data["reason"], actor=request.user
        )
        return self.answer(mark, created=True)

    @extend_schema(
        summary=_("确认四类案件"),
        description=_("庭长、院领导、审管办确认；承办法官不能确认。"),
        request=s.ReasonSerializer,
        responses=s.FourTypeMarkSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        data = self.validated(s.ReasonSerializer)
        mark = services.four_type_mark_confirm(
            mark=self.get_object(), reason=data["reason"], actor=request.user
        )
        return self.answer(mark)

    @extend_schema(
        summary=_("撤销四类案件标注"),
        request=s.ReasonSerializer,
        responses=s.FourTypeMarkSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        data = self.validated(s.ReasonSerializer)
        mark = services.four_type_mark_remove(
            mark=self.get_object(), reason=data["reason"], actor=request.user
        )
        return self.answer(mark)


@extend_schema_view(
    list=extend_schema(summary=_("四类案件提示规则"), tags=TAGS),
    retrieve=extend_schema(summary=_("四类案件提示规则详情"), tags=TAGS),
)
class FourTypeRuleViewSet(ReadViewSet):
    """The rules are data; the office edits them in the admin and runs them here."""

    serializer_class = s.FourTypeRuleSerializer
    filter_backends = []

    def get_queryset(self):
        return FourTypeRule.objects.in_scope(self.request.user).order_by("slug")

    @extend_schema(
        summary=_("运行提示规则"),
        description=_("审管办对本院（中院：全市）未结案件运行启用的规则，已提示过的不再提示。"),
        request=None,
        responses=s.SuggestResultSerializer,
        tags=TAGS,
    )
    @action(detail=False, methods=["post"])
    def suggest(self, request):
        return Response({"created": services.four_type_suggest(actor=request.user)})


@extend_schema_view(
    list=extend_schema(summary=_("监督管理措施"), tags=TAGS),
    retrieve=extend_schema(summary=_("监督管理措施详情"), tags=TAGS),
)
class MeasureViewSet(ReadViewSet):
    serializer_class = s.MeasureSerializer
    filterset_class = MeasureFilterSet
    ordering_fields = ["taken_at", "deadline"]

    def get_queryset(self):
        return Measure.objects.in_scope(self.request.user).select_related(
            *CASE_RELATED, "taken_by", "responded_by"
        )

    @extend_schema(
        summary=_("采取监督管理措施"),
        description=_("院领导、庭长对已标注的四类案件采取措施，附要求与回复期限。"),
        request=s.MeasureCreateSerializer,
        responses={201: s.MeasureSerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = self.validated(s.MeasureCreateSerializer)
        measure = services.measure_take(actor=request.user, **data)
        return self.answer(measure, created=True)

    @extend_schema(
        summary=_("承办法官回复"),
        request=s.ResponseSerializer,
        responses=s.MeasureSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        data = self.validated(s.ResponseSerializer)
        measure = services.measure_respond(
            measure=self.get_object(), response=data["response"], actor=request.user
        )
        return self.answer(measure)


@extend_schema_view(
    list=extend_schema(summary=_("提交专业法官会议、审判委员会"), tags=TAGS),
    retrieve=extend_schema(summary=_("提交讨论详情"), tags=TAGS),
)
class ReferralViewSet(ReadViewSet):
    serializer_class = s.ReferralSerializer
    filterset_class = ReferralFilterSet
    ordering_fields = ["referred_at"]

    def get_queryset(self):
        return Referral.objects.in_scope(self.request.user).select_related(
            *CASE_RELATED, "referred_by", "result_by"
        )

    @extend_schema(
        summary=_("提交讨论"),
        request=s.ReferralCreateSerializer,
        responses={201: s.ReferralSerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = self.validated(s.ReferralCreateSerializer)
        referral = services.referral_create(actor=request.user, **data)
        return self.answer(referral, created=True)

    @extend_schema(
        summary=_("登记讨论结果"),
        request=s.ReferralResultSerializer,
        responses=s.ReferralSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        data = self.validated(s.ReferralResultSerializer)
        referral = services.referral_result_record(
            referral=self.get_object(), actor=request.user, **data
        )
        return self.answer(referral)


TRAIL_TAGS = ["supervision: trail"]


@extend_schema_view(
    list=extend_schema(
        summary=_("监督留痕"),
        description=_("您可见范围内的监督留痕（只增不改），可按案件、通知、函询、事项筛选。"),
        tags=TRAIL_TAGS,
    ),
    retrieve=extend_schema(summary=_("监督留痕详情"), tags=TRAIL_TAGS),
)
class TraceEntryViewSet(ReadViewSet):
    serializer_class = s.TraceEntrySerializer
    filterset_class = TraceEntryFilterSet
    ordering_fields = ["at"]

    def get_queryset(self):
        return TraceEntry.objects.in_scope(self.request.user).select_related("case")


class CaseTimelineViewSet(SupervisionViewSet):
    """A case's supervision timeline, by case id."""

    serializer_class = s.TimelineSerializer

    def get_queryset(self):
        return Case.objects.select_related("court", "division", "judge")

    @extend_schema(
        summary=_("案件监督时间线"),
        description=_(
            "一个案件的全部监督留痕（含涉及本案的督办通知），按时间先后。"
            "不在您监督可见范围内的案件返回 404。每次查看写入审计记录。"
        ),
        responses=s.TimelineSerializer,
        tags=TRAIL_TAGS,
    )
    def retrieve(self, request, pk=None):
        case = self.get_queryset().filter(pk=pk).first()
        if case is None or not case_reached(request.user, case):
            raise NotFound(_("案件不存在或不在您的可见范围内"))
        entries = selectors.case_timeline(user=request.user, case=case).select_related("case")
        audit_record(
            action=AuditAction.VIEW,
            request=request,
            object_type="case",
            object_id=case.pk,
            detail={"case_number": case.case_number, "view": "supervision_timeline"},
        )
        return Response(
            s.TimelineSerializer(
                {"case": case, "entries": entries}, context={"request": request}
            ).data
        )
