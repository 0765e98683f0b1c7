"""Abnormality detection (研判 → 异常函询): the rules, and what each nightly run found.

After the nightly computation, a court's or division's indicator value that reaches its warning
line (metrics.IndicatorTarget, the line where it scores 0) or worsens sharply against the week
before becomes an `Abnormality`, attached to a draft inquiry (异常函询) for the office to review
and send, or discard. One row per day, period, unit and indicator: running the detection twice
for a day finds the rows already there and drafts nothing twice. An abnormality that persists
night after night joins the draft or inquiry (or the decision not to ask) of the same unit and
indicator within its rule's `repeat_days`, instead of drafting again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.units import UnitPaths, UnitScopedModel
from metrics.choices import PeriodKind, Scope
from metrics.definitions.indicators import INDICATORS, LOCAL_INDICATORS


class DetectionRule(models.Model):
    """How one indicator is watched, kept as data: the city office edits it on
    /supervision/settings/detection/, with its history.

    `fall_threshold` is in the indicator's own unit — percentage points, days, or the ratio —
    and counts a change for the worse: down for a higher-is-better indicator, up for a
    lower-is-better one, further outside the target band for a band indicator. Blank: no
    week-on-week check. `min_denominator` keeps small units out (their values swing on a case
    or two): cases, or yuan for 执行到位率.
    """

    indicator = models.CharField(
        _("指标"), max_length=40, choices=LOCAL_INDICATORS.choices(), unique=True
    )
    enabled = models.BooleanField(_("启用"), default=True)
    check_warning = models.BooleanField(_("检查预警线"), default=True)
    fall_threshold = models.DecimalField(
        _("较上周变差超过"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("按指标本身的单位（百分点、天或比值）；留空则不检查周环比"),
    )
    min_denominator = models.DecimalField(
        _("分母至少"),
        max_digits=20,
        decimal_places=2,
        default=20,
        help_text=_("分母（案件数；执行到位率为申请执行标的额）小于此数的单位不研判"),
    )
    repeat_days = models.PositiveSmallIntegerField(
        _("不重复起草天数"),
        default=28,
        help_text=_(
            "同一单位、同一指标在此天数内已起草、已函询或已决定不予函询的，"
            "新的研判结果并入原函询（或原决定），不再另起草稿"
        ),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["indicator"]
        verbose_name = _("异常研判规则")
        verbose_name_plural = _("异常研判规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(fall_threshold__isnull=True) | Q(fall_threshold__gt=0),
                name="detection_fall_threshold_positive",
            )
        ]

    def __str__(self) -> str:
        indicator = INDICATORS.get(self.indicator)
        return str(indicator.label) if indicator else self.indicator


class Abnormality(UnitScopedModel):
    """One abnormal value found by the nightly detection, with its evidence as plain numbers
    (they stand as found, whatever the metrics later recompute)."""

    as_of = models.DateField(_("统计截止日"))
    period = models.CharField(_("统计期间"), max_length=3, choices=PeriodKind.choices)
    scope = models.CharField(_("层级"), max_length=8, choices=Scope.choices)
    court = models.ForeignKey(
        "cases.Court", verbose_name=_("法院"), on_delete=models.CASCADE, related_name="+"
    )
    division = models.ForeignKey(
        "cases.Division",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    indicator = models.CharField(_("指标"), max_length=40, choices=LOCAL_INDICATORS.choices())
    value = models.FloatField(_("指标值"))
    numerator = models.DecimalField(_("分子"), max_digits=20, decimal_places=2)
    denominator = models.DecimalField(_("分母"), max_digits=20, decimal_places=2)
    # The warning line(s) in force that day (a band indicator has both), and last week's value.
    warning_low = models.FloatField(_("预警下限"), null=True, blank=True)
    warning_high = models.FloatField(_("预警上限"), null=True, blank=True)
    crossed_warning = models.BooleanField(_("触及预警线"), default=False)
    last_week_as_of = models.DateField(_("上周统计截止日"), null=True, blank=True)
    last_week_value = models.FloatField(_("上周指标值"), null=True, blank=True)
    worsened_by = models.FloatField(_("较上周变差"), null=True, blank=True)
    fell_sharply = models.BooleanField(_("较上周明显变差"), default=False)
    # Why a court's abnormality went to the division it went to.
    recipient_note = models.CharField(_("收件说明"), max_length=200, blank=True)
    inquiry = models.ForeignKey(
        "supervision.Inquiry",
        verbose_name=_("异常函询"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="abnormalities",
    )
    found_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("不予函询人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    discarded_at = models.DateTimeField(_("不予函询时间"), null=True, blank=True)
    discard_reason = models.TextField(_("不予函询理由"), blank=True)

    unit_paths = UnitPaths(judge=None)

    class Meta:
        ordering = ["-as_of", "court__code", "division__name", "indicator"]
        verbose_name = _("异常研判结果")
        verbose_name_plural = _("异常研判结果")
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "period", "scope", "court", "division", "indicator"],
                name="abnormality_once_per_unit_and_day",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(scope=Scope.COURT, division__isnull=True)
                | Q(scope=Scope.DIVISION, division__isnull=False),
                name="abnormality_scope_shape",
            ),
            models.CheckConstraint(
                condition=Q(crossed_warning=True) | Q(fell_sharply=True),
                name="abnormality_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        unit = self.division or self.court
        return f"{self.as_of} {unit} {self.get_indicator_display()} = {self.value}"

    @property
    def definition(self):
        return INDICATORS.get(self.indicator)
