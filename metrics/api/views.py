"""Read-only REST API of the metrics app: indicator definitions, stored values, rankings, and
the cases behind any number.

Who may call each ViewSet is the permission table's answer (`allowed(Action.…)`: values and
drill-downs are the dashboards', rankings the ranking's); stored rows are `in_scope(user)`
(cases.units: a judge sees their own judge rows, a division head their division and its
judges, the office and leaders their court — the city for the intermediate court — and below);
a unit outside a user's scope is simply not found (404). Drill-down lists are audited like every
case list.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, Value, When
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from cases.api.permissions import allowed
from cases.api.serializers import CaseSerializer
from cases.api.views import FILTER_BACKENDS, ID, StableOrderingFilter
from cases.choices import AuditAction
from cases.dates import today
from cases.models import Case
from cases.permissions import Action
from cases.services import audit_record
from cases.units import ScopeKey, UnitNotFound, reaches, unit_resolve, user_unit
from metrics.api.filters import IndicatorValueFilterSet
from metrics.api.serializers import (
    NOT_ORDERED,
    IndicatorCaseQuerySerializer,
    IndicatorQuerySerializer,
    IndicatorSerializer,
    IndicatorValueSerializer,
    RankingQuerySerializer,
    RankingSerializer,
    range_state_map,
)
from metrics.choices import IndicatorSet, PeriodKind, Scope
from metrics.computation.nightly import nightly_as_of
from metrics.definitions.indicators import INDICATORS, LOCAL_INDICATORS
from metrics.definitions.periods import Period
from metrics.definitions.registry import Indicator
from metrics.models import IndicatorValue
from metrics.reading.queries import (
    indicator_catalogue,
    rankings_with_moves,
)
from metrics.selectors import indicator_cases, latest_as_of, ranking_mode


def _rank_of(field: str, values) -> CaseWhen:
    """An integer sort key that follows the order of `values` (scopes top down, the registry)."""
    return CaseWhen(
        *[When(**{field: value}, then=Value(index)) for index, value in enumerate(values)],
        output_field=IntegerField(),
    )


def _unit_of_request(user, *, court=None, division=None, judge=None) -> ScopeKey:
    """The unit a request names (or the user's own unit), if the user may see it; else 404."""
    if court is None and division is None and judge is None:
        unit = user_unit(user)
    else:
        try:
            unit = unit_resolve(court=court, division=division, judge=judge)
        except UnitNotFound:
            unit = None
    if unit is None or not reaches(user, unit):
        raise NotFound(_("单位不存在或不在您的可见范围内"))
    return unit


# Indicators


def _catalogue(indicator_set: str | None = None) -> list[dict]:
    """The catalogue's entries with the sets each indicator belongs to (in choice order), its
    name in each, and the version of its definition; only those of `indicator_set` if given."""
    entries = []
    for entry in indicator_catalogue():
        indicator = INDICATORS[entry["slug"]]
        if indicator_set is not None and indicator_set not in indicator.sets:
            continue
        sets = [s for s in IndicatorSet if s in indicator.sets]
        entries.append(
            {
                **entry,
                "sets": [s.value for s in sets],
                "labels": {s.value: indicator.label_in(s) for s in sets},
                "version": indicator.version,
            }
        )
    return entries


@extend_schema_view(
    list=extend_schema(
        summary=_("指标列表"),
        description=_(
            "全部指标的定义：本地考核的十一项（现行目标值、预警值与权重，以及最近修改人）与"
            "最高法院2024年审判质量管理指标（区间参考值，不计分、不排名），各注明所属指标体系"
            "与定义版本；set 只列一个指标体系的指标。"
        ),
        parameters=[IndicatorQuerySerializer],
    ),
    retrieve=extend_schema(
        summary=_("指标"),
        parameters=[
            OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(INDICATORS))
        ],
    ),
)
@extend_schema(tags=["metrics"])
class IndicatorViewSet(viewsets.GenericViewSet):
    serializer_class = IndicatorSerializer
    pagination_class = None
    filter_backends: list = []
    lookup_field = "slug"
    lookup_value_regex = "[a-z_]+"

    def list(self, request):
        query = IndicatorQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        entries = _catalogue(query.validated_data.get("set"))
        return Response(self.get_serializer(entries, many=True).data)

    def retrieve(self, request, slug=None):
        entry = next((entry for entry in _catalogue() if entry["slug"] == slug), None)
        if entry is None:
            raise NotFound(_("没有这个指标"))
        return Response(self.get_serializer(entry).data)


# Values


@extend_schema_view(
    list=extend_schema(
        summary=_("指标值"),
        description=_(
            "已计算并存储的指标值（分子、分母、指标值、得分），仅限您可见范围内的单位："
            "法官只见本人，庭长见本部门及其法官，审管办与院领导见本院（中院：全市）及以下。"
            "不指定统计截止日时取最近一次计算完成的日期。"
            "每行注明计算所用的定义版本和是否无数据（数据源不导出所需字段）；"
            "最高法院2024年指标另给出统计截止日适用于本院层级的区间参考值及是否达标"
            "（不计分，score 为 null）。set 只列一个指标体系的指标。"
            "按层级、法院、部门、法官、指标排序；分页。"
            "只列最高法院2024年指标时不得按数值排序（不排名，400）。"
        ),
    ),
    retrieve=extend_schema(summary=_("指标值详情")),
)
@extend_schema(tags=["metrics"])
class IndicatorValueViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [allowed(Action.DASHBOARDS)]
    serializer_class = IndicatorValueSerializer
    filter_backends = FILTER_BACKENDS
    filterset_class = IndicatorValueFilterSet
    VALUE_ORDERINGS = ("value", "score", "numerator", "denominator")
    ordering_fields = ["as_of", *VALUE_ORDERINGS]
    lookup_value_regex = ID

    def get_queryset(self):
        rows = IndicatorValue.objects.in_scope(self.request.user)
        rows = rows.select_related("court", "division", "judge")
        return rows.annotate(
            period_rank=_rank_of("period", PeriodKind.values),
            scope_rank=_rank_of("scope", Scope.values),
            indicator_rank=_rank_of("indicator", list(INDICATORS)),
        ).order_by(
            "-as_of",
            "period_rank",
            "scope_rank",
            "court__code",
            "division__name",
            "judge__staff_id",
            "indicator_rank",
            "id",
        )

    def filter_queryset(self, queryset):
        # A value read by its id is found whatever its day: the filters are for lists.
        if self.action == "retrieve":
            return queryset
        self._refuse_an_order_of_merit()
        return super().filter_queryset(queryset)

    def _refuse_an_order_of_merit(self) -> None:
        """The SPC's rules of use (INDICATORS.md): its set is listed in unit-code order, never
        sorted by value. A list of that set only (set=spc2024, or indicators none of which is
        local) ordered by a number is refused; the local set's lists sort as before."""
        params = self.request.query_params
        keys = {key.strip().lstrip("-") for key in params.get("ordering", "").split(",")}
        if not keys & set(self.VALUE_ORDERINGS):
            return
        slugs = params.getlist("indicator")
        spc_only = params.get("set") == IndicatorSet.SPC2024 or (
            bool(slugs) and all(s in INDICATORS and s not in LOCAL_INDICATORS for s in slugs)
        )
        if spc_only:
            raise serializers.ValidationError({"ordering": [NOT_ORDERED]})

    def list(self, request, *args, **kwargs):
        # The reference ranges of a page's rows of the SPC's set are read together, one query
        # per distinct as_of (metrics.selectors.range_states), not one per row.
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(queryset) if page is None else page
        context = {**self.get_serializer_context(), "ranges": range_state_map(rows)}
        data = self.get_serializer(rows, many=True, context=context).data
        return Response(data) if page is None else self.get_paginated_response(data)


# Rankings


def _ranking_parent(user, data) -> ScopeKey:
    """The parent whose children are ranked: the city for courts, a court for divisions, a
    division for judges — named by the request, or the user's own."""
    scope = Scope(data["scope"])
    if scope is Scope.COURT:
        return ScopeKey.city()
    named = {name: data.get(name) for name in ("court", "division", "judge")}
    if any(value is not None for value in named.values()):
        try:
            unit = unit_resolve(**named)
        except UnitNotFound:
            raise NotFound(_("单位不存在")) from None
    else:
        unit = user_unit(user)
        if unit is None:
            raise NotFound(_("单位不存在或不在您的可见范围内"))
    if scope is Scope.DIVISION:
        if unit.court_id is None:
            raise serializers.ValidationError({"court": [_("部门排名须指定法院")]})
        return ScopeKey(Scope.COURT, unit.court_id)
    if unit.division_id is None:
        raise serializers.ValidationError({"division": [_("法官排名须指定部门")]})
    return ScopeKey(Scope.DIVISION, unit.court_id, unit.division_id)


@extend_schema_view(
    list=extend_schema(
        summary=_("排名"),
        description=_(
            "同级单位的综合得分排名：全市同级法院、一个法院的各部门、一个部门的法官。"
            "排名模式（ranks）给出总分、名次及与一周前、一个月前相比的变化；"
            "区间模式（bands，COURTDASH_RANKING_MODE）不公布名次，只给出各本地指标是否达标。"
            "只列出您可见范围内的单位（法官只见本人所在行）。"
            "只有本地考核指标排名：最高法院2024年指标体系（set=spc2024 或其指标）"
            "不排名，答 400。"
        ),
        parameters=[RankingQuerySerializer],
        responses={
            200: RankingSerializer,
            400: OpenApiResponse(description=_("该指标属于最高法院2024年指标体系，不排名")),
            404: OpenApiResponse(description=_("单位不存在或不在您的可见范围内")),
        },
    ),
)
@extend_schema(tags=["metrics"])
class RankingViewSet(viewsets.GenericViewSet):
    permission_classes = [allowed(Action.RANKINGS)]
    serializer_class = RankingSerializer
    pagination_class = None
    filter_backends: list = []

    def list(self, request):
        query = RankingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        parent = _ranking_parent(request.user, data)
        own = user_unit(request.user)
        if own is None or not (own.contains(parent) or parent.contains(own)):
            # A ranking off the user's own path (another court's divisions, another division's
            # judges) is outside their scope: not found, as a unit outside it is.
            raise NotFound(_("单位不存在或不在您的可见范围内"))
        period = data["period"]
        as_of = data.get("as_of") or latest_as_of(period or None)
        entries = (
            [] if as_of is None else rankings_with_moves(parent=parent, as_of=as_of, period=period)
        )
        visible = [entry for entry in entries if reaches(request.user, entry["unit"])]
        # Bands name the local indicators only (the SPC's set is not compared between peers);
        # of one indicator when the request names it.
        shown = {data["indicator"]} if data.get("indicator") else set(LOCAL_INDICATORS)
        for entry in visible:
            if "bands" in entry:
                entry["bands"] = {s: band for s, band in entry["bands"].items() if s in shown}
        envelope = {
            "mode": ranking_mode(),
            "scope": data["scope"],
            "period": period,
            "as_of": as_of,
            "results": visible,
        }
        return Response(RankingSerializer(envelope).data)


# Drill-down


@dataclass(frozen=True)
class Drill:
    indicator: Indicator
    part: str
    period: Period
    unit: ScopeKey


@extend_schema_view(
    list=extend_schema(
        summary=_("指标穿透案件"),
        description=_(
            "一个指标值背后的案件：某单位、某统计期间的分子（part=numerator）或分母"
            "（part=denominator）所计的案件（求和型指标：参与求和的案件），与计算用的"
            "同一条件。再按您的可见范围筛选；单位不在可见范围内时返回 404。"
            "分页；每次请求写入审计记录。"
        ),
        parameters=[IndicatorCaseQuerySerializer],
    ),
)
@extend_schema(tags=["metrics"])
class IndicatorCaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [allowed(Action.DASHBOARDS)]
    serializer_class = CaseSerializer
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["case_number", "filed_on", "closed_on", "deadline", "days_left"]

    def _drill(self) -> Drill:
        query = IndicatorCaseQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        unit = _unit_of_request(
            self.request.user,
            court=data.get("court"),
            division=data.get("division"),
            judge=data.get("judge"),
        )
        kind = data["period"]
        as_of = data.get("as_of") or latest_as_of(kind or None) or nightly_as_of()
        return Drill(INDICATORS[data["indicator"]], data["part"], Period.of(kind, as_of), unit)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Case.objects.none()
        drill = self.drill
        cases = indicator_cases(drill.indicator, drill.period, drill.unit, drill.part)
        return (
            cases.in_scope(self.request.user)
            .with_band(today())
            .select_related("court", "division", "judge")
        )

    def list(self, request, *args, **kwargs):
        self.drill = self._drill()
        response = super().list(request, *args, **kwargs)
        drill = self.drill
        audit_record(
            action=AuditAction.CASE_LIST,
            request=request,
            object_type="case",
            detail={
                "indicator": drill.indicator.slug,
                "part": drill.part,
                "period": drill.period.kind,
                "as_of": drill.period.end.isoformat(),
                "scope": str(drill.unit.scope),
                "court": drill.unit.court_id,
                "division": drill.unit.division_id,
                "judge": drill.unit.judge_id,
                "ordering": request.query_params.get("ordering", ""),
                "page": request.query_params.get("page", "1"),
                "count": response.data["count"],
            },
        )
        return response
