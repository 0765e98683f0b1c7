"""Serializers of the reports API: the query parameters each endpoint takes, and the answers —
quarterly targets with their progress, projections, the daily dynamics, health-check findings,
kept monthly reviews. Every choice shows its value and its label."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from cases.dates import today
from metrics.choices import Direction, Scope
from metrics.definitions.indicators import INDICATORS
from reports.choices import DocumentKind, FindingKind, TargetStatus
from reports.models import Finding, MonthlyReport, QuarterlyTarget, ReportDocument

MAX_ID = 2**31 - 1
FIRST_YEAR, LAST_YEAR = 2000, 2100
PROJECTION_METHODS = ["seasonal", "pace", "final", "none"]
GAP_KINDS = ["reached", "needs", "limit", "reduce", "unreachable", "between", "unknown"]
DAILY_NUMBERS = ["filed", "closed", "pending", "filed_month", "closed_month"]


def _inline_enum(values: list[str], *, nullable: bool = False) -> dict:
    """An enum written into the field (no component): these choice sets share field names
    (status, kind, method) with others of the API."""
    schema = {"type": "string", "enum": list(values)}
    if nullable:
        schema["nullable"] = True
        schema["enum"] = [*values, None]
    return schema


# --- query parameters --------------------------------------------------------------------------


class UnitQuerySerializer(serializers.Serializer):
    """The unit asked about (the most specific one wins); none: the caller's own unit. A unit
    that does not exist or lies outside the caller's scope: 404."""

    court = serializers.CharField(required=False, max_length=20, help_text=_("法院代码"))
    division = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("部门 id")
    )
    judge = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("法官 id")
    )


class TargetQuarterQuerySerializer(UnitQuerySerializer):
    year = serializers.IntegerField(
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("年度；默认本年度"),
    )
    quarter = serializers.IntegerField(
        required=False, min_value=1, max_value=4, help_text=_("季度（1–4）；默认本季度")
    )


class ProjectionQuerySerializer(TargetQuarterQuerySerializer):
    indicator = serializers.ChoiceField(
        choices=INDICATORS.choices(), required=False, help_text=_("只看一项指标")
    )


class DailyQuerySerializer(UnitQuerySerializer):
    day = serializers.DateField(required=False, help_text=_("日期；默认今天，不能晚于今天"))

    def validate_day(self, value: datetime.date) -> datetime.date:
        if value > today():
            raise serializers.ValidationError(_("日期不能晚于今天"))
        if value.year < FIRST_YEAR:
            raise serializers.ValidationError(_("日期不能早于 %(year)d 年") % {"year": FIRST_YEAR})
        return value


class HealthQuerySerializer(UnitQuerySerializer):
    as_of = serializers.DateField(
        required=False, help_text=_("体检截止日：取该日或之前最近一次完成的体检；默认最近一次")
    )


class NotFoundSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- shared parts --------------------------------------------------------------------------


class UnitRefSerializer(serializers.Serializer):
    """A unit: its level, the ids of it and the levels above it, its names."""

    scope = serializers.ChoiceField(choices=Scope.choices, source="key.scope")
    court = serializers.IntegerField(source="key.court_id", allow_null=True)
    division = serializers.IntegerField(source="key.division_id", allow_null=True)
    judge = serializers.IntegerField(source="key.judge_id", allow_null=True)
    name = serializers.CharField()
    title = serializers.CharField(help_text=_("单位全称，如：某某法院 民一庭 某法官"))


# --- quarterly targets and projections -----------------------------------------------------


class QuarterTargetSerializer(serializers.ModelSerializer):
    """The office's target for the quarter (a band indicator: a lower and an upper bound)."""

    basis_label = serializers.CharField(source="get_basis_display", read_only=True)
    target = serializers.FloatField()
    upper_target = serializers.FloatField(allow_null=True, help_text=_("区间指标：目标区间上限"))

    class Meta:
        model = QuarterlyTarget
        fields = [
            "id",
            "year",
            "quarter",
            "basis",
            "basis_label",
            "target",
            "upper_target",
            "note",
            "set_at",
        ]
        read_only_fields = fields


class ProjectionSerializer(serializers.Serializer):
    """The indicator projected to the quarter's end (reports.projection): the value now, the
    projected value and its 95% band, the numerator and denominator now and projected."""

    as_of = serializers.DateField(help_text=_("所依据的最近计算日"))
    end = serializers.DateField(help_text=_("预测到的日期（季末）"))
    value_now = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True, help_text=_("季末预测值"))
    low = serializers.FloatField(allow_null=True, help_text=_("预测区间下限"))
    high = serializers.FloatField(allow_null=True, help_text=_("预测区间上限"))
    numerator_now = serializers.FloatField(allow_null=True)
    denominator_now = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    years = serializers.IntegerField(help_text=_("参考的往年年数"))
    method = serializers.SerializerMethodField(
        help_text=_("seasonal 本年进度×往年规律；pace 仅本年进度；final 本期已结束；none 无法预测")
    )

    @extend_schema_field(_inline_enum(PROJECTION_METHODS))
    def get_method(self, projection) -> str:
        return projection.method


class GapSerializer(serializers.Serializer):
    """What must happen by the quarter's end to reach the target (reports.gap)."""

    kind = serializers.SerializerMethodField()
    amount = serializers.FloatField(allow_null=True)
    per_week = serializers.FloatField(allow_null=True)
    share = serializers.FloatField(allow_null=True)
    upper_share = serializers.FloatField(allow_null=True)
    coming = serializers.FloatField(allow_null=True)
    weeks = serializers.FloatField(allow_null=True)
    text = serializers.CharField()

    @extend_schema_field(_inline_enum(GAP_KINDS))
    def get_kind(self, gap) -> str:
        return gap.kind


class TargetProgressSerializer(serializers.Serializer):
    """One indicator of one unit in a quarter: its target (if set), its current value, the
    projection to the quarter's end, where the target stands and what it takes — the numbers
    of the 季目标 page."""

    scope = serializers.ChoiceField(choices=Scope.choices, source="unit.scope")
    court = serializers.IntegerField(source="unit.court_id", allow_null=True)
    division = serializers.IntegerField(source="unit.division_id", allow_null=True)
    judge = serializers.IntegerField(source="unit.judge_id", allow_null=True)
    unit_name = serializers.CharField(source="name")
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    indicator = serializers.ChoiceField(choices=INDICATORS.choices(), source="row.indicator.slug")
    indicator_label = serializers.CharField(source="row.indicator.label")
    direction = serializers.ChoiceField(choices=Direction.choices, source="row.indicator.direction")
    as_of = serializers.DateField(
        source="row.as_of", allow_null=True, help_text=_("当前值所依据的最近计算日")
    )
    value = serializers.FloatField(source="row.value", allow_null=True, help_text=_("当前值"))
    target = QuarterTargetSerializer(source="row.target", allow_null=True)
    projection = ProjectionSerializer(source="row.projection", allow_null=True)
    gap = GapSerializer(source="row.gap", allow_null=True, help_text=_("未设目标时为 null"))
    status = serializers.SerializerMethodField(help_text=_("目标进度；未设目标时为 null"))
    status_label = serializers.SerializerMethodField()

    @extend_schema_field(_inline_enum(TargetStatus.values, nullable=True))
    def get_status(self, entry):
        return entry.row.status or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_status_label(self, entry):
        return entry.row.status_label or None


# --- daily dynamics ------------------------------------------------------------------------


class DailyNumberSerializer(serializers.Serializer):
    name = serializers.SerializerMethodField(
        help_text=_(
            "filed 当日收案；closed 当日结案；pending 当日未结；filed_month 本月收案；"
            "closed_month 本月结案（均为工作量案件）"
        )
    )
    now = serializers.IntegerField()
    then = serializers.IntegerField(help_text=_("去年同日"))
    change = serializers.IntegerField()
    percent = serializers.FloatField(
        allow_null=True, help_text=_("同比变化（%）；去年为 0 时为 null")
    )

    @extend_schema_field(_inline_enum(DAILY_NUMBERS))
    def get_name(self, number) -> str:
        return number["name"]


@extend_schema_serializer(many=False)
class DailyDynamicsSerializer(serializers.Serializer):
    """日动态 of a unit on a day: the counts against the same day last year, how many cases
    entered a warning band and became long-pending, how many letters are due (their lists:
    …/bands/, …/long-pending/, …/letters/), and the quarter's targets."""

    unit = UnitRefSerializer()
    day = serializers.DateField()
    last_year = serializers.DateField(help_text=_("去年同日"))
    numbers = DailyNumberSerializer(many=True)
    bands_count = serializers.IntegerField(
        help_text=_("当日进入审限预警（剩 15 天、5 天）或超审限的案件数")
    )
    long_pending_count = serializers.IntegerField(help_text=_("当日成为长期未结的案件数"))
    letters_count = serializers.IntegerField(
        help_text=_("截止日已到或已过而未答复的督办通知、函询数")
    )
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    targets = TargetProgressSerializer(many=True, help_text=_("本季度已设目标的指标"))


class LetterDueSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("督办通知或异常函询"))
    title = serializers.CharField()
    unit = serializers.CharField()
    deadline = serializers.DateField()
    overdue_days = serializers.IntegerField(help_text=_("已超过截止日的天数（当日到期为 0）"))
    state = serializers.CharField()


# --- health-check findings -----------------------------------------------------------------


class HealthFindingSerializer(serializers.ModelSerializer):
    """A problem the health check found at a judge, division or court, with the numbers that
    triggered it and how many cases it points at (their list: …/cases/)."""

    run_as_of = serializers.DateField(source="run.as_of", read_only=True)
    kind = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    scope_label = serializers.CharField(source="get_scope_display", read_only=True)
    court_code = serializers.CharField(source="court.code", read_only=True, allow_null=True)
    division_name = serializers.CharField(source="division.name", read_only=True, allow_null=True)
    judge_name = serializers.CharField(source="judge.name", read_only=True, allow_null=True)
    unit_title = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True, help_text=_("问题说明"))
    facts = serializers.DictField(read_only=True, help_text=_("规则所用的数据"))
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "run_as_of",
            "kind",
            "kind_label",
            "scope",
            "scope_label",
            "court",
            "court_code",
            "division",
            "division_name",
            "judge",
            "judge_name",
            "unit_title",
            "subject",
            "value",
            "reference",
            "case_count",
            "facts",
            "text",
            "page_url",
        ]
        read_only_fields = fields

    @extend_schema_field(_inline_enum(FindingKind.values))
    def get_kind(self, finding) -> str:
        return finding.kind

    def get_page_url(self, finding) -> str:
        return reverse("reports:finding", args=[finding.pk])


# --- monthly reviews -----------------------------------------------------------------------


class ReviewDocumentSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text=_("下载地址（API）"))

    class Meta:
        model = ReportDocument
        fields = ["kind", "size", "sha256", "created_at", "url"]
        read_only_fields = fields

    @extend_schema_field(_inline_enum(DocumentKind.values))
    def get_kind(self, document) -> str:
        return document.kind

    def get_url(self, document) -> str:
        return reverse(f"monthly-review-{document.kind}", args=[document.report_id])


class MonthlyReviewSerializer(serializers.ModelSerializer):
    """A kept 月讲评 of one unit for one month, and its stored files."""

    status = serializers.CharField(read_only=True, help_text=_("done 已生成；failed 生成失败"))
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    scope_label = serializers.CharField(source="get_scope_display", read_only=True)
    court_code = serializers.CharField(source="court.code", read_only=True, allow_null=True)
    documents = ReviewDocumentSerializer(many=True, read_only=True)
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "month",
            "as_of",
            "title",
            "status",
            "status_label",
            "scope",
            "scope_label",
            "court",
            "court_code",
            "division",
            "judge",
            "generated_at",
            "documents",
            "page_url",
        ]
        read_only_fields = fields

    def get_page_url(self, report) -> str:
        return reverse("reports:monthly", args=[report.pk])


class MonthlyReviewDetailSerializer(MonthlyReviewSerializer):
    content = serializers.JSONField(
        read_only=True, help_text=_("讲评全文（生成时保存的数字、名称与图表）")
    )

    class Meta(MonthlyReviewSerializer.Meta):
        fields = [*MonthlyReviewSerializer.Meta.fields, "content"]
        read_only_fields = fields
