"""Serializers of the metrics API: indicator definitions, stored values, rankings, and the query
parameters of the rankings and drill-down endpoints. Every choice shows its value and label."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from cases.api.serializers import ReadModelSerializer
from cases.units import top_unit_name
from metrics.choices import (
    Direction,
    IndicatorSet,
    PeriodKind,
    RangeStatus,
    RankingMode,
    Scope,
    ScoreBand,
    Unit,
)
from metrics.definitions.indicators import INDICATORS, LOCAL_INDICATORS
from metrics.models import IndicatorValue
from metrics.selectors import range_states, score_band

PARTS = [("numerator", _("分子")), ("denominator", _("分母"))]
# The SPC's rules of use (INDICATORS.md): its set has no score, no total and no ranking.
NOT_RANKED = _("该指标属于最高法院2024年指标体系，不排名")
SET_NOT_RANKED = _("最高法院2024年指标体系不排名")
NOT_ORDERED = _("最高法院2024年指标体系不按数值排序，按单位代码列出")


def set_field(**kwargs) -> serializers.ChoiceField:
    """The `set` query parameter: local or spc2024; anything else a 400 that says which."""
    return serializers.ChoiceField(
        choices=IndicatorSet.choices,
        required=False,
        error_messages={"invalid_choice": _("未知指标体系“{input}”：可选 local 或 spc2024")},
        **kwargs,
    )


@extend_schema_field(OpenApiTypes.NUMBER)
class PlainNumberField(serializers.Field):
    """A stored exact number as a plain JSON number (INDICATORS.md): integral counts and sums
    as integers, fractional money sums as decimals."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        return int(value) if value == int(value) else float(value)


# Indicators


class MonthlyTargetSerializer(serializers.Serializer):
    month = serializers.IntegerField(help_text=_("统计截止日所在月份"))
    target = serializers.FloatField()
    warning = serializers.FloatField()


class TargetSerializer(serializers.Serializer):
    """The target, warning and weight in force (edited by the office)."""

    weight = serializers.FloatField()
    target = serializers.FloatField(allow_null=True)
    warning = serializers.FloatField(allow_null=True)
    lower_target = serializers.FloatField(allow_null=True, help_text=_("区间指标：目标区间下限"))
    upper_target = serializers.FloatField(allow_null=True, help_text=_("区间指标：目标区间上限"))
    lower_warning = serializers.FloatField(allow_null=True, help_text=_("区间指标：预警下限"))
    upper_warning = serializers.FloatField(allow_null=True, help_text=_("区间指标：预警上限"))
    by_month = serializers.BooleanField(help_text=_("按月目标（仅年初至今计分）"))
    monthly = MonthlyTargetSerializer(many=True)
    updated_at = serializers.DateTimeField()


class TargetChangeSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    username = serializers.CharField()


# Inline enums: these choice sets are named IndicatorEnum and ScopeEnum where fields are called
# `indicator` and `scope`; a second name for them would be a schema warning.
@extend_schema_field({"type": "string", "enum": list(INDICATORS)})
class IndicatorSlugField(serializers.CharField):
    pass


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": list(Scope.values)}})
class ScopeListField(serializers.ListField):
    child = serializers.CharField()


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "enum": list(IndicatorSet.values)}}
)
class SetListField(serializers.ListField):
    child = serializers.CharField()


class IndicatorQuerySerializer(serializers.Serializer):
    """Which indicators: those of one set (INDICATORS.md), or every one."""

    set = set_field(help_text=_("指标体系：local 本地考核指标；spc2024 最高法院2024年指标"))


class IndicatorSerializer(serializers.Serializer):
    """An indicator of the registry (INDICATORS.md), the sets it belongs to and the version of
    its definition, its target, and who last changed it."""

    number = serializers.IntegerField(help_text=_("INDICATORS.md 中的序号"))
    slug = IndicatorSlugField()
    label = serializers.CharField()
    unit = serializers.ChoiceField(choices=Unit.choices)
    unit_label = serializers.CharField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    direction_label = serializers.CharField()
    scopes = ScopeListField(help_text=_("计算的层级"))
    sets = SetListField(help_text=_("所属指标体系：local 本地考核指标；spc2024 最高法院2024年指标"))
    labels = serializers.DictField(
        child=serializers.CharField(), help_text=_("各指标体系中的名称，键为指标体系")
    )
    version = serializers.IntegerField(help_text=_("现行定义的版本"))
    target = TargetSerializer(allow_null=True, help_text=_("现行目标；未设目标的指标不计分"))
    last_change = TargetChangeSerializer(allow_null=True, help_text=_("最近一次修改目标的人和时间"))


# Values


class RangeInForceSerializer(serializers.Serializer):
    """The reference range (区间参考值) a value is read against: in force on the value's own
    day for its court's level (the level's own range, else the all-levels one)."""

    lower = PlainNumberField(allow_null=True, help_text=_("下限；null 为不设下限"))
    upper = PlainNumberField(allow_null=True, help_text=_("上限；null 为不设上限"))
    effective_from = serializers.DateField(help_text=_("起用日期"))
    demo = serializers.BooleanField(help_text=_("演示数值（不是最高法院的区间）"))


class IndicatorValueSerializer(ReadModelSerializer):
    """One stored indicator of one unit: numerator and denominator exact, `value` unrounded
    (null for a zero denominator, or for "no data"), `score` null when left out of the total
    (always for an indicator of the SPC's set only). An indicator of the SPC's set carries its
    reference range and where the value stands against it: the view computes both for a page
    at once (context "ranges": row id → (range, status)); read alone, a row asks itself."""

    period_label = serializers.CharField(source="get_period_display", read_only=True)
    scope_label = serializers.CharField(source="get_scope_display", read_only=True)
    court_code = serializers.CharField(source="court.code", read_only=True, allow_null=True)
    court_name = serializers.CharField(source="court.name", read_only=True, allow_null=True)
    division_name = serializers.CharField(source="division.name", read_only=True, allow_null=True)
    judge_staff_id = serializers.CharField(source="judge.staff_id", read_only=True, allow_null=True)
    judge_name = serializers.CharField(source="judge.name", read_only=True, allow_null=True)
    indicator_label = serializers.CharField(source="get_indicator_display", read_only=True)
    unit = serializers.SerializerMethodField()
    numerator = PlainNumberField()
    denominator = PlainNumberField()
    score_band = serializers.SerializerMethodField(
        help_text=_("达标（满分）/ 预警区间 / 未达预警线；不计分时为 null")
    )
    no_data = serializers.BooleanField(
        read_only=True,
        help_text=_("无数据：该单位的数据源不导出该指标所需的字段（value 为 null，不是 0）"),
    )
    range = serializers.SerializerMethodField(
        help_text=_(
            "最高法院2024年指标：统计截止日适用于本院层级的区间参考值；未设或非该体系时为 null"
        )
    )
    range_status = serializers.SerializerMethodField(
        help_text=_(
            "最高法院2024年指标：inside 达标（含边界）/ below 低于区间 / above 高于区间 / "
            "no_range 未设区间 / no_value 无数值；非该体系的指标为 null"
        )
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "as_of",
            "period",
            "period_label",
            "scope",
            "scope_label",
            "court",
            "court_code",
            "court_name",
            "division",
            "division_name",
            "judge",
            "judge_staff_id",
            "judge_name",
            "indicator",
            "indicator_label",
            "version",
            "unit",
            "numerator",
            "denominator",
            "value",
            "no_data",
            "weight",
            "score",
            "score_band",
            "range",
            "range_status",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Unit.choices))
    def get_unit(self, row) -> str:
        return INDICATORS[row.indicator].unit

    @extend_schema_field(serializers.ChoiceField(choices=ScoreBand.choices, allow_null=True))
    def get_score_band(self, row):
        return score_band(score=row.score, weight=row.weight)

    def _range_state(self, row):
        """(range, status) of a row of the SPC's set; None for an indicator not of it."""
        indicator = INDICATORS.get(row.indicator)
        if indicator is None or IndicatorSet.SPC2024 not in indicator.sets:
            return None
        ranges = self.context.setdefault("ranges", {})
        if row.pk not in ranges:
            ranges.update(range_state_map([row]))
        return ranges[row.pk]

    @extend_schema_field(RangeInForceSerializer(allow_null=True))
    def get_range(self, row):
        state = self._range_state(row)
        if state is None or state[0] is None:
            return None
        return RangeInForceSerializer(state[0]).data

    @extend_schema_field(serializers.ChoiceField(choices=RangeStatus.choices, allow_null=True))
    def get_range_status(self, row):
        state = self._range_state(row)
        return None if state is None else str(state[1])


def range_state_map(rows) -> dict:
    """Row id → (range in force, RangeStatus) for the rows of the SPC's set among `rows` (their
    court selected), each against the range of its own day: one query per distinct as_of."""
    spc = [
        row
        for row in rows
        if row.indicator in INDICATORS and IndicatorSet.SPC2024 in INDICATORS[row.indicator].sets
    ]
    return {row.pk: (reference, status) for row, reference, status in range_states(spc)}


# Rankings


class RankingQuerySerializer(serializers.Serializer):
    """Which peers: the units of one level (`scope`) under one parent, as of a day."""

    scope = serializers.ChoiceField(
        choices=Scope.choices,
        help_text=_(
            "排名的层级：court 全市同级法院；division 一个法院的部门；judge 一个部门的法官"
        ),
    )
    period = serializers.ChoiceField(choices=PeriodKind.choices, default=PeriodKind.YTD)
    as_of = serializers.DateField(
        required=False, help_text=_("统计截止日；默认最近一次计算完成的日期")
    )
    court = serializers.CharField(required=False, help_text=_("法院代码（部门排名：该法院的部门）"))
    division = serializers.IntegerField(
        required=False, help_text=_("部门 id（部门排名：所在法院；法官排名：该部门的法官）")
    )
    judge = serializers.IntegerField(
        required=False, help_text=_("法官 id（法官排名：其所在部门的法官）")
    )
    indicator = serializers.ChoiceField(
        choices=INDICATORS.choices(),
        required=False,
        help_text=_(
            "可选：排名所依的指标须属本地考核指标（综合得分由本地指标计算；区间模式只列该指标）；"
            "最高法院2024年指标体系的指标不排名（400）"
        ),
    )
    set = set_field(help_text=_("指标体系：只有 local（本地考核指标）排名；spc2024 不排名（400）"))

    def validate_indicator(self, value):
        if value not in LOCAL_INDICATORS:
            raise serializers.ValidationError(NOT_RANKED)
        return value

    def validate_set(self, value):
        if value != IndicatorSet.LOCAL:
            raise serializers.ValidationError(SET_NOT_RANKED)
        return value

    def validate_scope(self, value):
        if value == Scope.CITY:
            raise serializers.ValidationError(
                _("%(top)s没有可比的同级单位") % {"top": top_unit_name()}
            )
        return value


class MoveSerializer(serializers.Serializer):
    rank_before = serializers.IntegerField(allow_null=True)
    total_before = serializers.FloatField(allow_null=True)
    rank_change = serializers.IntegerField(allow_null=True, help_text=_("名次变化：正数为上升"))
    total_change = serializers.FloatField(allow_null=True)


class RankingEntrySerializer(serializers.Serializer):
    """One peer. Ranks mode: total, rank, number of peers, and the move against the week and
    the month before. Bands mode (COURTDASH_RANKING_MODE=bands): none of those — only, per
    indicator, whether it is within target."""

    scope = serializers.ChoiceField(choices=Scope.choices)
    court = serializers.IntegerField(source="unit.court_id", allow_null=True)
    division = serializers.IntegerField(source="unit.division_id", allow_null=True)
    judge = serializers.IntegerField(source="unit.judge_id", allow_null=True)
    code = serializers.CharField(help_text=_("法院代码 / 部门名称 / 法官工号"))
    name = serializers.CharField()
    total = serializers.FloatField(required=False, allow_null=True, help_text=_("仅排名模式"))
    rank = serializers.IntegerField(required=False, allow_null=True, help_text=_("仅排名模式"))
    peers = serializers.IntegerField(required=False, allow_null=True, help_text=_("仅排名模式"))
    week = MoveSerializer(required=False, help_text=_("与一周前相比（仅排名模式）"))
    month = MoveSerializer(required=False, help_text=_("与一个月前相比（仅排名模式）"))
    bands = serializers.DictField(
        child=serializers.ChoiceField(choices=ScoreBand.choices, allow_null=True),
        required=False,
        help_text=_("仅区间模式：各指标是否达标，键为指标 slug"),
    )

    RANKS_ONLY = ("total", "rank", "peers", "week", "month")

    def to_representation(self, entry):
        data = super().to_representation(entry)
        bands_mode = "bands" in entry
        for name in self.RANKS_ONLY if bands_mode else ("bands",):
            data.pop(name, None)
        return data


@extend_schema_serializer(many=False)
class RankingSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=RankingMode.choices,
        help_text=_("COURTDASH_RANKING_MODE：bands 模式不公布名次"),
    )
    scope = serializers.ChoiceField(choices=Scope.choices)
    period = serializers.ChoiceField(choices=PeriodKind.choices)
    as_of = serializers.DateField(allow_null=True)
    results = RankingEntrySerializer(many=True)


# Drill-down


class IndicatorCaseQuerySerializer(serializers.Serializer):
    """The number whose cases are listed: an indicator's numerator or denominator, for a period
    as of a day, for a unit."""

    indicator = serializers.ChoiceField(choices=INDICATORS.choices())
    part = serializers.ChoiceField(choices=PARTS, default="numerator")
    period = serializers.ChoiceField(choices=PeriodKind.choices, default=PeriodKind.YTD)
    as_of = serializers.DateField(
        required=False,
        help_text=_("统计截止日；默认最近一次计算完成的日期（尚无计算时为昨天）"),
    )
    court = serializers.CharField(required=False, help_text=_("法院代码"))
    division = serializers.IntegerField(required=False, help_text=_("部门 id"))
    judge = serializers.IntegerField(required=False, help_text=_("法官 id"))
