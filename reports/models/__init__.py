"""Quarterly targets, kept monthly reviews (月讲评) and their files, case health-check findings."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.runs import RunStatus
from cases.units import UnitScopedModel
from metrics.choices import Scope
from metrics.definitions.indicators import LOCAL_INDICATORS
from metrics.models import SCOPE_SHAPE
from reports.choices import DocumentKind, FindingKind, PipelineStepKind, ReportStatus, TargetBasis
from reports.querysets import UnitRowQuerySet


def _unit(model_name: str, verbose_name):
    return models.ForeignKey(
        f"cases.{model_name}",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )


class UnitRow(UnitScopedModel):
    """A row about one scope unit: the codes of the levels above filled, below null (as the
    metrics app stores values, so cases.units.ScopeKey filters both)."""

    scope = models.CharField(_("层级"), max_length=8, choices=Scope.choices)
    court = _unit("Court", _("法院"))
    division = _unit("Division", _("部门"))
    judge = _unit("Judge", _("法官"))

    objects = UnitRowQuerySet.as_manager()

    class Meta:
        abstract = True


class QuarterlyTarget(UnitRow):
    """季目标: the office's target for one indicator of one unit in one quarter, held against the
    stored YTD (or QTD) value at the quarter's last day. A band indicator has a lower and an
    upper target."""

    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    indicator = models.CharField(_("指标"), max_length=40, choices=LOCAL_INDICATORS.choices())
    basis = models.CharField(
        _("口径"), max_length=3, choices=TargetBasis.choices, default=TargetBasis.YTD
    )
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=4)
    upper_target = models.DecimalField(
        _("目标区间上限"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    set_at = models.DateTimeField(_("设定时间"), auto_now=True)

    class Meta:
        ordering = ["year", "quarter", "indicator"]
        verbose_name = _("季度目标")
        verbose_name_plural = _("季度目标")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "indicator", "scope", "court", "division", "judge"],
                name="quarterly_target_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=SCOPE_SHAPE, name="quarterly_target_scope_shape"),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="quarterly_target_quarter",
            ),
        ]
        indexes = [
            models.Index(
                fields=["year", "quarter", "court", "division", "judge"],
                name="quarterly_target_unit_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} {self.indicator} {self.target}"


class MonthlyReport(UnitRow):
    """月讲评 of one unit for one month, kept as generated: `content` is the whole report (numbers,
    names, charts) as of the month's end, and the PDF and XLSX are stored beside it, so that the
    report reads the same whatever later imports, recomputations or renames change."""

    month = models.DateField(_("月份"))  # its first day
    as_of = models.DateField(_("统计截止日"))
    title = models.CharField(_("单位"), max_length=200)
    status = models.CharField(_("状态"), max_length=8, choices=ReportStatus.choices)
    content = models.JSONField(_("内容"), default=dict)
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    build_ms = models.PositiveIntegerField(_("汇总耗时（毫秒）"), default=0)

    class Meta:
        ordering = ["-month", "scope", "court__code"]
        verbose_name = _("月讲评")
        verbose_name_plural = _("月讲评")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "scope", "court", "division", "judge"],
                name="monthly_report_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=SCOPE_SHAPE, name="monthly_report_scope_shape"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="monthly_report_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.title}"


class ReportDocument(models.Model):
    """A generated file of a monthly review, kept byte for byte."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("月讲评"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("格式"), max_length=8, choices=DocumentKind.choices)
    content = models.BinaryField(_("文件"))
    size = models.PositiveIntegerField(_("字节数"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    render_ms = models.PositiveIntegerField(_("生成耗时（毫秒）"), default=0)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("月讲评文件")
        verbose_name_plural = _("月讲评文件")
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="report_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.kind}"


class HealthCheckRun(models.Model):
    """One case health check (办案体检) of the whole city as of a day."""

    as_of = models.DateField(_("体检截止日"), unique=True)
    window_start = models.DateField(_("考察期起始日"))
    status = models.CharField(_("状态"), max_length=8, choices=RunStatus.choices)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    findings = models.PositiveIntegerField(_("发现问题数"), default=0)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        ordering = ["-as_of"]
        verbose_name = _("办案体检")
        verbose_name_plural = _("办案体检")

    def __str__(self) -> str:
        return f"{self.as_of} {self.status}"


class PipelineStep(models.Model):
    """One step of one night's pipeline (courtdash.pipeline): indicators, abnormality detection,
    health check, … as of a day; the office sees them on the health check page."""

    as_of = models.DateField(_("数据截止日"))
    step = models.CharField(_("步骤"), max_length=20, choices=PipelineStepKind.choices)
    status = models.CharField(_("状态"), max_length=8, choices=RunStatus.choices)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        ordering = ["-as_of", "started_at"]
        verbose_name = _("夜间处理步骤")
        verbose_name_plural = _("夜间处理步骤")
        constraints = [
            models.UniqueConstraint(fields=["as_of", "step"], name="pipeline_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.step} {self.status}"


class Finding(UnitRow):
    """One problem the health check found at a judge, division or court, with the numbers that
    triggered it (`value` against `reference`, and the rule's own figures in `facts`) and the
    cases it points at (FindingCase)."""

    run = models.ForeignKey(
        HealthCheckRun, verbose_name=_("体检"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("问题类型"), max_length=32, choices=FindingKind.choices)
    subject = models.CharField(_("对象"), max_length=100, blank=True)  # e.g. the cause (案由)
    value = models.FloatField(_("本单位数值"), null=True, blank=True)
    reference = models.FloatField(_("参照值"), null=True, blank=True)
    case_count = models.PositiveIntegerField(_("涉及案件数"), default=0)
    facts = models.JSONField(_("数据"), default=dict)
    cases = models.ManyToManyField(
        "cases.Case", through="FindingCase", related_name="health_findings"
    )

    class Meta:
        ordering = ["kind", "court__code", "division__name", "judge__staff_id", "subject"]
        verbose_name = _("体检发现")
        verbose_name_plural = _("体检发现")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "kind", "scope", "court", "division", "judge", "subject"],
                name="finding_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=SCOPE_SHAPE, name="finding_scope_shape"),
        ]
        indexes = [models.Index(fields=["run", "kind"], name="finding_run_kind_idx")]

    def __str__(self) -> str:
        return f"{self.run.as_of} {self.kind} {self.scope}"


class FindingCase(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="links")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["finding", "case"], name="finding_case_unique")
        ]

    def __str__(self) -> str:
        return f"{self.finding_id} → {self.case_id}"


class HealthRuleSetting(models.Model):
    """The parameters of one health-check rule as the city's office set them, one row per change
    (append-only: the rows are the history of who changed what). The latest row of a kind
    holds; a parameter it does not name keeps its default (reports.healthcheck.DEFAULTS)."""

    kind = models.CharField(_("问题类型"), max_length=32, choices=FindingKind.choices)
    params = models.JSONField(_("参数"), default=dict)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("修改时间"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("体检规则参数")
        verbose_name_plural = _("体检规则参数")
        indexes = [models.Index(fields=["kind", "-changed_at"], name="health_rule_kind_idx")]

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.kind}"


# The data-review meeting's and the talks' models, in their own modules (they build on UnitRow
# above, so they are imported after it).
from reports.models.meetings import (  # noqa: E402, F401
    AgendaKind,
    Meeting,
    MeetingAction,
    MeetingActionState,
    MeetingDecision,
)
from reports.models.talks import Talk, TalkCommitment, TalkRuleSetting  # noqa: E402, F401
