"""评查 (case quality review campaigns): scoring sheets as data, campaigns of closed cases, one
review per case with its deductions, and the rectification asked of the judge.

Not the 发改再 ReversalReview (随案评查, one per reversed case): these are campaigns the office
opens over a court's or the city's closed cases, scored by reviewers of another court.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.units import BY_CASE, UnitPaths, UnitScopedModel
from supervision.choices import (
    QualityGrade,
    QualityReviewState,
    QualitySource,
    RectificationState,
)

FULL_SCORE = Decimal("100")


def _user(verbose_name, *, null: bool = True):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name="+",
    )


# A sheet or a campaign of the city (no court) or of one court; a court's people see the
# city's too (ancestors), as they see a court-wide campaign from a division.
COURT_OR_CITY = UnitPaths(division=None, judge=None, ancestors=True)


class ScoringSheet(UnitScopedModel):
    """One version of a scoring sheet (评查表). Editing makes a new version (`previous` points
    at the one it replaces, which stops being `current`): a campaign keeps the version its cases
    were scored with, and the versions are the sheet's history."""

    name = models.CharField(_("评查表名称"), max_length=100)
    court = models.ForeignKey(
        "cases.Court",
        verbose_name=_("法院"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空：全市通用"),
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    current = models.BooleanField(_("现行版本"), default=True)
    excellent_from = models.DecimalField(
        _("优秀（不低于）"), max_digits=5, decimal_places=1, default=Decimal("90")
    )
    pass_from = models.DecimalField(
        _("合格（不低于）"), max_digits=5, decimal_places=1, default=Decimal("80")
    )
    flaw_from = models.DecimalField(
        _("瑕疵（不低于）"), max_digits=5, decimal_places=1, default=Decimal("60")
    )
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    created_by = _user(_("修改人"))
    created_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    unit_paths = COURT_OR_CITY

    class Meta:
        ordering = ["name", "-version", "-id"]
        verbose_name = _("评查表")
        verbose_name_plural = _("评查表")
        constraints = [
            models.CheckConstraint(
                condition=Q(excellent_from__gt=F("pass_from"))
                & Q(pass_from__gt=F("flaw_from"))
                & Q(flaw_from__gte=0)
                & Q(excellent_from__lte=100),
                name="quality_sheet_thresholds_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"

    def grade_of(self, score: Decimal) -> str:
        """The grade a score earns on this sheet."""
        if score >= self.excellent_from:
            return QualityGrade.EXCELLENT
        if score >= self.pass_from:
            return QualityGrade.PASS
        if score >= self.flaw_from:
            return QualityGrade.FLAW
        return QualityGrade.ERROR


class SheetItem(models.Model):
    """One item of a sheet: what is checked, the most it may cost, and (optionally) the only
    deductions allowed."""

    sheet = models.ForeignKey(
        ScoringSheet, verbose_name=_("评查表"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("评查项目"), max_length=100)
    max_deduction = models.DecimalField(_("最高扣分"), max_digits=5, decimal_places=1)
    options = models.CharField(
        _("扣分选项"), max_length=100, blank=True, help_text=_("逗号分隔；空：0至最高扣分")
    )

    class Meta:
        ordering = ["sheet", "position"]
        verbose_name = _("评查项目")
        verbose_name_plural = _("评查项目")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "position"], name="quality_item_position"),
            models.CheckConstraint(
                condition=Q(max_deduction__gt=0), name="quality_item_deduction_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def option_values(self) -> list[Decimal]:
        return [Decimal(part) for part in self.options.split(",") if part.strip()]


class QualityCampaign(UnitScopedModel):
    """A review campaign (评查活动) over the closed cases of a court or of the city: its case
    set (sampled reproducibly from `seed`, and/or targeted), its sheet and its reviewers."""

    name = models.CharField(_("名称"), max_length=100)
    court = models.ForeignKey(
        "cases.Court",
        verbose_name=_("法院"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空：全市法院"),
    )
    closed_from = models.DateField(_("结案日期自"))
    closed_to = models.DateField(_("结案日期至"))
    sheet = models.ForeignKey(
        ScoringSheet, verbose_name=_("评查表"), on_delete=models.PROTECT, related_name="campaigns"
    )
    sources = models.JSONField(_("案件来源"), default=list)
    share_percent = models.DecimalField(
        _("抽查比例（%）"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    seed = models.BigIntegerField(_("随机种子"), null=True, blank=True)
    min_pending_days = models.PositiveIntegerField(_("撤诉前审理超过（日）"), null=True, blank=True)
    score_due_on = models.DateField(_("评查截止日期"), null=True, blank=True)
    rectify_days = models.PositiveSmallIntegerField(_("整改答复期限（日）"), default=15)
    note = models.TextField(_("说明"), blank=True)
    created_by = _user(_("创建人"), null=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    unit_paths = COURT_OR_CITY

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("案件评查")
        verbose_name_plural = _("案件评查")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_to__gte=F("closed_from")),
                name="quality_campaign_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_sources_display(self) -> str:
        labels = dict(QualitySource.choices)
        return "、".join(str(labels.get(source, source)) for source in self.sources)


class QualityReview(UnitScopedModel):
    """One case of a campaign: its reviewer (never of the case's court) and, once scored, the
    deductions, the score and the grade."""

    campaign = models.ForeignKey(
        QualityCampaign,
        verbose_name=_("案件评查"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=16, choices=QualitySource.choices)
    reviewer = _user(_("评查人"))
    assigned_by = _user(_("指定人"))
    assigned_at = models.DateTimeField(_("指定时间"), null=True, blank=True)
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=QualityReviewState.choices,
        default=QualityReviewState.PENDING,
    )
    deduction = models.DecimalField(
        _("扣分合计"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=16, choices=QualityGrade.choices, blank=True)
    opinion = models.TextField(_("评查意见"), blank=True)
    scored_at = models.DateTimeField(_("评查时间"), null=True, blank=True)

    unit_paths = BY_CASE

    class Meta:
        ordering = ["campaign", "case_id"]
        verbose_name = _("评查案件")
        verbose_name_plural = _("评查案件")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "case"], name="quality_review_once"),
        ]
        indexes = [models.Index(fields=["reviewer", "state"], name="quality_reviewer_idx")]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.case}"


class QualityDeduction(models.Model):
    """A deduction on one item of the sheet, with the reviewer's note."""

    review = models.ForeignKey(
        QualityReview,
        verbose_name=_("评查案件"),
        on_delete=models.CASCADE,
        related_name="deductions",
    )
    item = models.ForeignKey(
        SheetItem, verbose_name=_("评查项目"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("扣分"), max_digits=5, decimal_places=1)
    note = models.CharField(_("扣分理由"), max_length=500, blank=True)

    class Meta:
        ordering = ["review", "item__position"]
        verbose_name = _("评查扣分")
        verbose_name_plural = _("评查扣分")
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="quality_deduction_once"),
            models.CheckConstraint(condition=Q(points__gt=0), name="quality_deduction_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.item}: -{self.points}"


class Rectification(UnitScopedModel):
    """The rectification asked of the case's judge after a 瑕疵 or 差错 grade: the judge
    answers by the due date; the office accepts it or returns it with a new due date."""

    review = models.OneToOneField(
        QualityReview,
        verbose_name=_("评查案件"),
        on_delete=models.CASCADE,
        related_name="rectification",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=RectificationState.choices,
        default=RectificationState.OPEN,
    )
    request = models.TextField(_("整改要求"))
    due_on = models.DateField(_("答复期限"))
    requested_by = _user(_("发出人"))
    requested_at = models.DateTimeField(_("发出时间"), default=timezone.now)
    answer = models.TextField(_("整改情况"), blank=True)
    answered_by = _user(_("答复人"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)
    decided_by = _user(_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    returned = models.PositiveSmallIntegerField(_("退回次数"), default=0)

    unit_paths = BY_CASE

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("评查整改")
        verbose_name_plural = _("评查整改")
        indexes = [models.Index(fields=["state", "due_on"], name="rectification_due_idx")]

    def __str__(self) -> str:
        return f"{self.case} {self.get_state_display()}"
