"""Serializers of the metrics API: indicator definitions, stored values, rankings, and the query
parameters of the rankings and drill-down endpoints. Every choice shows its value and label."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from cases.api.serializers import ReadModelSerializer
from metrics.choices import Direction, PeriodKind, RankingMode, Scope, ScoreBand, Unit
from metrics.definitions.indicators import INDICATORS
from metrics.models import IndicatorValue
from metrics.selectors import score_band

PARTS = [("numerator", _("分子")), ("denominator", _("分母"))]


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


class IndicatorSerializer(serializers.Serializer):
    """An indicator of the registry (INDICATORS.md), its target, and who last changed it."""

    number = serializers.IntegerField(help_text=_("INDICATORS.md 中的序号"))
    slug = IndicatorSlugField()
    label = serializers.CharField()
    unit = serializers.ChoiceField(choices=Unit.choices)
    unit_label = serializers.CharField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    direction_label = serializers.CharField()
    scopes = ScopeListField(help_text=_("计算的层级"))
    target = TargetSerializer(allow_null=True, help_text=_("现行目标；未设目标的指标不计分"))
    last_change = TargetChangeSerializer(allow_null=True, help_text=_("最近一次修改目标的人和时间"))


# Values


class IndicatorValueSerializer(ReadModelSerializer):
    """One stored indicator of one unit: numerator and denominator exact, `value` unrounded
    (null for a zero denominator), `score` null when left out of the total."""

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
            "unit",
            "numerator",
            "denominator",
            "value",
            "weight",
            "score",
            "score_band",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Unit.choices))
    def get_unit(self, row) -> str:
        return INDICATORS[row.indicator].unit

    @extend_schema_field(serializers.ChoiceField(choices=ScoreBand.choices, allow_null=True))
    def get_score_band(self, row):
        return score_band(score=row.score, weight=row.weight)


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

    def validate_scope(self, value):
        if value == Scope.CITY:
            raise serializers.ValidationError(_("全市没有可比的同级单位"))
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
