"""The funnel plots' API (issue 12, item 7): for a unit, each indicator's funnel over the units
one level down — every unit's point (value, numerator, denominator, its control limits and its
flag), the curves of the limits, and the model that drew them (metrics.reading.funnel).

The ranking's readers' (Action.RANKINGS): the funnel is what they get where ranks are off. The
unit is named by ?court=<code>&division=<id>&judge=<id> or is the caller's own; outside the
caller's scope: 404, as everywhere. No order of units: points are by code.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from cases.api.permissions import allowed
from cases.permissions import Action
from cases.units import CHILD_SCOPE, ScopeKey, UnitNotFound, reaches, unit_resolve, user_unit
from metrics.choices import PeriodKind
from metrics.definitions.indicators import INDICATORS
from metrics.reading import funnel as funnels
from metrics.reading.funnel_chart import funnel_json
from metrics.selectors import latest_as_of, ranking_mode


class FunnelQuerySerializer(serializers.Serializer):
    indicator = serializers.ChoiceField(
        choices=INDICATORS.choices(), required=False, help_text=_("指标；不指定时返回全部适用指标")
    )
    period = serializers.ChoiceField(choices=PeriodKind.choices, default=PeriodKind.YTD)
    as_of = serializers.DateField(
        required=False, help_text=_("统计截止日；默认最近一次计算完成的日期")
    )
    adjusted = serializers.BooleanField(
        default=False, help_text=_("按案件构成（类别、程序、适用程序）间接标准化")
    )
    court = serializers.CharField(required=False, help_text=_("法院代码"))
    division = serializers.IntegerField(required=False, help_text=_("部门 id"))
    judge = serializers.IntegerField(required=False, help_text=_("法官 id"))


def _parent(user, data) -> ScopeKey:
    named = {name: data.get(name) for name in ("court", "division", "judge")}
    if any(value is not None for value in named.values()):
        try:
            unit = unit_resolve(**named)
        except UnitNotFound:
            unit = None
    else:
        unit = user_unit(user)
    if unit is None or not reaches(user, unit):
        raise NotFound(_("单位不存在或不在您的可见范围内"))
    if unit.scope not in CHILD_SCOPE:
        raise serializers.ValidationError({"judge": [_("法官没有下一级单位，无漏斗图")]})
    return unit


@extend_schema_view(
    list=extend_schema(
        summary=_("漏斗图"),
        description=_(
            "不排名的公平比较：某单位下一级各单位的指标值对照其分母（案件量），以上级整体值为"
            "中心的 95% 与 99.8% 控制限（率：二项分布精确控制限；天数：准泊松；结收比、案-件比："
            "泊松），只标出在不利方向上超出控制限的单位（alarm 报警：超出 99.8%；alert 提示："
            "超出 95%）。adjusted=true 时按案件构成间接标准化。各单位按代码排列。"
        ),
        parameters=[FunnelQuerySerializer],
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiResponse(description=_("参数错误")),
            404: OpenApiResponse(description=_("单位不存在或不在您的可见范围内")),
        },
    ),
)
@extend_schema(tags=["metrics"])
class FunnelViewSet(viewsets.GenericViewSet):
    permission_classes = [allowed(Action.RANKINGS)]
    pagination_class = None
    filter_backends: list = []

    def list(self, request):
        query = FunnelQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        parent = _parent(request.user, data)
        period = data["period"]
        as_of = data.get("as_of") or latest_as_of(period or None)
        indicators = [INDICATORS[data["indicator"]]] if data.get("indicator") else None
        if indicators and not funnels.applies(indicators[0], parent):
            raise serializers.ValidationError(
                {"indicator": [_("该指标在这一级不适用漏斗图（金额之比，或下一级不统计）")]}
            )
        found = (
            []
            if as_of is None
            else funnels.funnels(
                parent=parent,
                as_of=as_of,
                period=period,
                adjusted=data["adjusted"],
                indicators=indicators,
            )
        )
        results = []
        for item in found:
            item.points = [point for point in item.points if reaches(request.user, point.unit)]
            results.append(funnel_json(item))
        return Response(
            {
                "mode": ranking_mode().value,
                "scope": parent.scope.value,
                "court": parent.court_id,
                "division": parent.division_id,
                "judge": parent.judge_id,
                "period": period,
                "as_of": as_of.isoformat() if as_of else None,
                "adjusted": data["adjusted"],
                "results": results,
            }
        )
