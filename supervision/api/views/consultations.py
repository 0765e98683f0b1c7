"""拟发改再事先沟通: consultations (list, detail, create), answer, outcome, quarterly figures."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from supervision.api.filters import CaseUnitFilterSet
from supervision.api.serializers import consultations as s
from supervision.api.views.base import ReadViewSet
from supervision.choices import ConsultIntention, ConsultOutcome, ConsultState
from supervision.models import Consultation
from supervision.selectors import consultations as selectors
from supervision.services import consultations as services

TAGS = ["supervision: consultation before a reversal"]


class ConsultationFilterSet(CaseUnitFilterSet):
    state = django_filters.MultipleChoiceFilter(label=_("状态"), choices=ConsultState.choices)
    intention = django_filters.ChoiceFilter(label=_("拟处理意见"), choices=ConsultIntention.choices)
    outcome = django_filters.ChoiceFilter(label=_("沟通结果"), choices=ConsultOutcome.choices)
    opened_from = django_filters.DateFilter(
        label=_("提起日期起"), field_name="opened_on", lookup_expr="gte"
    )
    opened_to = django_filters.DateFilter(
        label=_("提起日期止"), field_name="opened_on", lookup_expr="lte"
    )
    original_court = django_filters.NumberFilter(
        label=_("原审法院"), field_name="original_case__court_id"
    )
    original_division = django_filters.NumberFilter(
        label=_("原审部门"), field_name="original_case__division_id"
    )
    figure = django_filters.ChoiceFilter(
        label=_("季度情况的数字（下钻）"),
        choices=[(key, label) for key, (label, _q) in selectors.FIGURES.items()],
        method="filter_figure",
    )

    def filter_figure(self, queryset, name, value):
        return queryset.filter(selectors.figure_q(value))

    class Meta:
        model = Consultation
        fields = [
            "case",
            "court",
            "division",
            "judge",
            "state",
            "intention",
            "outcome",
            "opened_from",
            "opened_to",
            "original_court",
            "original_division",
            "figure",
        ]


@extend_schema_view(
    list=extend_schema(summary=_("拟发改再事先沟通"), tags=TAGS),
    retrieve=extend_schema(summary=_("事先沟通详情"), tags=TAGS),
)
class ConsultationViewSet(ReadViewSet):
    serializer_class = s.ConsultationSerializer
    filterset_class = ConsultationFilterSet
    ordering_fields = ["opened_on", "answer_due"]

    def get_queryset(self):
        return selectors.consultation_rows(self.request.user).select_related(
            "opened_by", "answered_by", "concluded_by"
        )

    @extend_schema(
        summary=_("登记拟改判、发回意见"),
        description=_(
            "二审、再审承办法官（庭长：本庭案件）对未结案件登记拟改判或发回重审的意见和理由；"
            "原审承办法官及其庭长收到通知，在期限内答复。"
        ),
        request=s.ConsultationCreateSerializer,
        responses={201: s.ConsultationSerializer},
        tags=TAGS,
    )
    def create(self, request):
        data = self.validated(s.ConsultationCreateSerializer)
        consultation = services.consultation_open(actor=request.user, **data)
        return self.answer(consultation, created=True)

    @extend_schema(
        summary=_("原审答复"),
        description=_("只有原审承办法官或其庭长可以答复（同意；不同意须说明理由）。"),
        request=s.ConsultationAnswerSerializer,
        responses=s.ConsultationSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"], url_path="answer")
    def answer_it(self, request, pk=None):
        data = self.validated(s.ConsultationAnswerSerializer)
        consultation = services.consultation_answer(
            consultation=self.get_object(), actor=request.user, **data
        )
        return self.answer(consultation)

    @extend_schema(
        summary=_("登记沟通结果"),
        description=_("按拟意见改判、发回；沟通后改变意见；提交审判委员会讨论。"),
        request=s.ConsultationOutcomeSerializer,
        responses=s.ConsultationSerializer,
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        data = self.validated(s.ConsultationOutcomeSerializer)
        consultation = services.consultation_conclude(
            consultation=self.get_object(), actor=request.user, **data
        )
        return self.answer(consultation)

    @extend_schema(
        summary=_("事先沟通季度情况"),
        description=_(
            "按原审（side=deciding：二审、再审）法院和部门统计本季度提起的事先沟通、"
            "答复、按期答复和沟通结果；各数字的案件见列表（opened_from/opened_to 与单位筛选）。"
        ),
        parameters=[s.ConsultationQuarterSerializer],
        responses=s.ConsultationFiguresRowSerializer(many=True),
        tags=TAGS,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def figures(self, request):
        query = self.query(s.ConsultationQuarterSerializer)
        rows = selectors.quarterly_figures(user=request.user, **query)
        return Response(s.ConsultationFiguresRowSerializer(rows, many=True).data)
