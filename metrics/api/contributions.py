"""The API of 比贡献 and 第一方阵 (metrics.reading.dashboard.contribution): each child unit's part
in a parent's value and gap to target, and the value that places a unit in the first third of its
peers. Read-only, from the stored results; the dashboards' readers (`allowed(DASHBOARDS)`), for a
unit in the caller's reach (else 404), as the drill-down page shows the same numbers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from cases.api.permissions import allowed
from cases.permissions import Action
from metrics.api.serializers import PlainNumberField
from metrics.api.views import _unit_of_request
from metrics.choices import Direction, PeriodKind, RankingMode, Scope, ScoreBand
from metrics.definitions.indicators import INDICATORS
from metrics.reading.dashboard.contribution import contributions, contributions_sorted
from metrics.reading.dashboard.first_group import unit_suggestions
from metrics.selectors import latest_as_of, ranking_mode

MAX_ID = 2**31 - 1


class UnitQuerySerializer(serializers.Serializer):
    """The unit asked about (the most specific one wins); none: the caller's own unit."""

    period = serializers.ChoiceField(choices=PeriodKind.choices, default=PeriodKind.YTD)
    as_of = serializers.DateField(
        required=False, help_text=_("统计截止日；默认最近一次计算完成的日期")
    )
    court = serializers.CharField(required=False, max_length=20, help_text=_("法院代码"))
    division = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("部门 id")
    )
    judge = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("法官 id")
    )


class ContributionQuerySerializer(UnitQuerySerializer):
    indicator = serializers.ChoiceField(choices=INDICATORS.choices(), help_text=_("指标"))


class ChildContributionSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=Scope.choices, source="unit.scope")
    court = serializers.IntegerField(source="unit.court_id", allow_null=True)
    division = serializers.IntegerField(source="unit.division_id", allow_null=True)
    judge = serializers.IntegerField(source="unit.judge_id", allow_null=True)
    code = serializers.CharField(help_text=_("法院代码 / 部门名称 / 法官工号"))
    name = serializers.CharField()
    numerator = PlainNumberField()
    denominator = PlainNumberField()
    value = serializers.FloatField(allow_null=True)
    score_band = serializers.ChoiceField(
        choices=ScoreBand.choices, allow_null=True, source="band", help_text=_("是否达标")
    )
    weight = serializers.FloatField(allow_null=True, help_text=_("分母占上级分母的比例"))
    part = serializers.FloatField(
        allow_null=True,
        help_text=_("对上级数值的贡献：系数 × 本单位分子 ÷ 上级分母，之和为上级数值"),
    )
    pull = serializers.FloatField(
        allow_null=True,
        help_text=_("对上级数值的拉动：分母占比 × （本单位数值 − 上级数值），之和为 0"),
    )
    gap = PlainNumberField(
        allow_null=True,
        help_text=_("对上级差距的贡献（分子单位：件、天、元），之和恰为上级差距；负数为优于目标"),
    )
    gap_points = serializers.FloatField(allow_null=True, help_text=_("同上，折算为指标值单位"))
    gap_share = serializers.FloatField(allow_null=True, help_text=_("占上级差距的百分比"))


@extend_schema_serializer(many=False)  # one answer, not a list
class ContributionSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=RankingMode.choices)
    # The labelled choice set, as every `indicator` of the schema (one IndicatorEnum).
    indicator = serializers.ChoiceField(choices=INDICATORS.choices())
    period = serializers.ChoiceField(choices=PeriodKind.choices)
    as_of = serializers.DateField(allow_null=True)
    scope = serializers.ChoiceField(choices=Scope.choices, help_text=_("上级单位的层级"))
    court = serializers.IntegerField(allow_null=True)
    division = serializers.IntegerField(allow_null=True)
    judge = serializers.IntegerField(allow_null=True)
    applies = serializers.BooleanField(help_text=_("该指标是否统计到下一级"))
    numerator = PlainNumberField(allow_null=True)
    denominator = PlainNumberField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True, help_text=_("差距所对照的目标值（满分边界）"))
    gap_kind = serializers.ChoiceField(
        choices=[("shortfall", _("差额")), ("excess", _("超出")), ("none", _("无差距"))],
        help_text=_("shortfall：分子还差；excess：分子多出；none：无目标或已在目标区间内"),
    )
    gap = PlainNumberField(
        allow_null=True, help_text=_("上级的差距（分子单位），为各下级贡献之和；负数为超出目标")
    )
    gap_points = serializers.FloatField(allow_null=True)
    measure = serializers.CharField(help_text=_("差距的计量单位：件、天、元"))
    results = ChildContributionSerializer(many=True)


def _envelope(result: dict, mode: RankingMode) -> dict:
    own, parent = result["own"], result["parent"]
    return {
        "mode": mode,
        "indicator": result["indicator"].slug,
        "period": result["period"],
        "as_of": result["as_of"],
        "scope": parent.scope,
        "court": parent.court_id,
        "division": parent.division_id,
        "judge": parent.judge_id,
        "applies": result["applies"],
        "numerator": own.numerator if own else None,
        "denominator": own.denominator if own else None,
        "value": own.value if own else None,
        "target": result["basis"].bound,
        "gap_kind": result["basis"].kind,
        "gap": result["gap"],
        "gap_points": result["gap_points"],
        "measure": result["measure"],
        "results": contributions_sorted(result, ranks=mode is RankingMode.RANKS),
    }


@extend_schema_view(
    list=extend_schema(
        summary=_("对差距的贡献（比贡献）"),
        description=_(
            "一个单位（默认本人单位）一项指标的数值与距目标的差距，以及下一级各单位对数值和"
            "差距的贡献：对差距的贡献之和恰为上级差距（分子单位）。排名模式按贡献从大到小，"
            "区间模式按单位代码排列、不排序。单位不存在或不在您的可见范围内时返回 404。"
        ),
        parameters=[ContributionQuerySerializer],
        responses={
            200: ContributionSerializer,
            404: OpenApiResponse(description=_("单位不存在或不在您的可见范围内")),
        },
    ),
)
@extend_schema(tags=["metrics"])
class ContributionViewSet(viewsets.GenericViewSet):
    permission_classes = [allowed(Action.DASHBOARDS)]
    serializer_class = ContributionSerializer
    pagination_class = None
    filter_backends: list = []

    def list(self, request):
        query = ContributionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        parent = _unit_of_request(
            request.user,
            court=data.get("court"),
            division=data.get("division"),
            judge=data.get("judge"),
        )
        period = data["period"]
        as_of = data.get("as_of") or latest_as_of(period or None)
        result = contributions(
            parent=parent, indicator=INDICATORS[data["indicator"]], as_of=as_of, period=period
        )
        return Response(ContributionSerializer(_envelope(result, ranking_mode())).data)


class TargetSuggestionSerializer(serializers.Serializer):
    indicator = serializers.ChoiceField(choices=INDICATORS.choices(), source="indicator.slug")
    indicator_label = serializers.CharField(source="indicator.label")
    direction = serializers.ChoiceField(choices=Direction.choices, source="indicator.direction")
    value = serializers.FloatField(allow_null=True, help_text=_("本单位数值"))
    target = serializers.FloatField(
        allow_null=True, source="target.target", help_text=_("现行目标（满分边界）")
    )
    peers = serializers.IntegerField(help_text=_("同级有数值的单位数（含本单位）"))
    size = serializers.IntegerField(help_text=_("前三分之一的单位数（向上取整）"))
    needed = serializers.FloatField(
        allow_null=True,
        help_text=_("进入第一方阵需达到的数值；同级不足 3 个或区间指标时为 null"),
    )
    inside = serializers.BooleanField(allow_null=True, help_text=_("本单位是否已达到"))


@extend_schema_serializer(many=False)  # one answer, not a list
class SuggestionsSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=PeriodKind.choices)
    as_of = serializers.DateField(allow_null=True)
    scope = serializers.ChoiceField(choices=Scope.choices)
    court = serializers.IntegerField(allow_null=True)
    division = serializers.IntegerField(allow_null=True)
    judge = serializers.IntegerField(allow_null=True)
    results = TargetSuggestionSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        summary=_("第一方阵目标建议"),
        description=_(
            "一个单位（默认本人单位）每项指标进入同级单位前三分之一（第一方阵）需达到的数值，"
            "由同级单位该日的数值得出（同级：同一上级下同层级的单位，法院只比同层级法院），"
            "与现行目标并列。同级有数值的单位不足 3 个、区间指标：不给出。全市没有同级单位。"
            "单位不存在或不在您的可见范围内时返回 404。"
        ),
        parameters=[UnitQuerySerializer],
        responses={
            200: SuggestionsSerializer,
            404: OpenApiResponse(description=_("单位不存在或不在您的可见范围内")),
        },
    ),
)
@extend_schema(tags=["metrics"])
class TargetSuggestionViewSet(viewsets.GenericViewSet):
    permission_classes = [allowed(Action.DASHBOARDS)]
    serializer_class = SuggestionsSerializer
    pagination_class = None
    filter_backends: list = []

    def list(self, request):
        query = UnitQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        unit = _unit_of_request(
            request.user,
            court=data.get("court"),
            division=data.get("division"),
            judge=data.get("judge"),
        )
        period = data["period"]
        as_of = data.get("as_of") or latest_as_of(period or None)
        rows = [] if as_of is None else unit_suggestions(unit=unit, as_of=as_of, period=period)
        envelope = {
            "period": period,
            "as_of": as_of,
            "scope": unit.scope,
            "court": unit.court_id,
            "division": unit.division_id,
            "judge": unit.judge_id,
            "results": rows,
        }
        return Response(SuggestionsSerializer(envelope).data)
