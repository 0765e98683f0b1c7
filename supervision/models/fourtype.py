"""Four-type cases (四类案件): suggestion rules, marks, supervision measures, referrals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.units import BY_CASE, UnitPaths, UnitScopedModel
from supervision.choices import (
    OPEN_MARK_STATES,
    FourTypeCategory,
    MarkSource,
    MarkState,
    MeasureKind,
    ReferralBody,
    RuleKind,
)
from supervision.querysets import MarkQuerySet, MeasureQuerySet


class FourTypeRule(UnitScopedModel):
    """A rule that suggests four-type candidates (DOMAIN.md: a person confirms), kept as data:
    the office adds, changes or switches off rules. `params` by kind: long_pending
    {"months": 12}; remanded_return {} (a case whose origin was remanded on appeal)."""

    slug = models.SlugField(_("标识"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("规则类型"), max_length=20, choices=RuleKind.choices)
    category = models.PositiveSmallIntegerField(
        _("提示类别"), choices=FourTypeCategory.choices, default=FourTypeCategory.MAJOR
    )
    params = models.JSONField(_("参数"), default=dict, blank=True)
    court = models.ForeignKey(
        "cases.Court",
        verbose_name=_("适用法院"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空则适用全市所有法院"),
    )
    # Some courts treat a case over 12 months as four-type outright (DOMAIN.md, configurable).
    auto_confirm = models.BooleanField(_("自动确认"), default=False)
    active = models.BooleanField(_("启用"), default=True)

    unit_paths = UnitPaths(division=None, judge=None, ancestors=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("四类案件提示规则")
        verbose_name_plural = _("四类案件提示规则")

    def __str__(self) -> str:
        return self.name


class FourTypeMark(UnitScopedModel):
    """A case marked as four-type, in one category, by a person or a rule; then confirmed or
    removed with a reason. At most one open mark per case and category; a rule suggests a
    case once (a removed suggestion is not suggested again)."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        on_delete=models.PROTECT,
        related_name="four_type_marks",
    )
    category = models.PositiveSmallIntegerField(_("类别"), choices=FourTypeCategory.choices)
    reason = models.TextField(_("标注理由"))
    source = models.CharField(_("标注来源"), max_length=20, choices=MarkSource.choices)
    rule = models.ForeignKey(
        FourTypeRule,
        verbose_name=_("提示规则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="marks",
    )
    state = models.CharField(_("状态"), max_length=16, choices=MarkState.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("标注人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("标注时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认/撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("确认/撤销时间"), null=True, blank=True)
    decision_reason = models.TextField(_("确认/撤销理由"), blank=True)

    unit_paths = BY_CASE

    objects = MarkQuerySet.as_manager()

    class Meta:
        ordering = ["-marked_at", "-id"]
        verbose_name = _("四类案件标注")
        verbose_name_plural = _("四类案件标注")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "category"],
                condition=Q(state__in=[state.value for state in OPEN_MARK_STATES]),
                name="fourtype_mark_one_open_per_category",
            ),
            models.UniqueConstraint(
                fields=["case", "rule"],
                condition=Q(rule__isnull=False),
                name="fourtype_mark_once_per_rule",
            ),
        ]
        indexes = [models.Index(fields=["state", "category"], name="fourtype_mark_state_idx")]

    def __str__(self) -> str:
        return f"{self.case} 第{self.category}类（{self.get_state_display()}）"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_MARK_STATES


class Measure(UnitScopedModel):
    """A supervision measure on a four-type case, with its instruction, deadline and the
    handling judge's response."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        on_delete=models.PROTECT,
        related_name="supervision_measures",
    )
    mark = models.ForeignKey(
        FourTypeMark,
        verbose_name=_("四类案件标注"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    kind = models.CharField(_("措施"), max_length=20, choices=MeasureKind.choices)
    instruction = models.TextField(_("要求"))
    deadline = models.DateField(_("回复期限"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("采取人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("采取时间"), default=timezone.now)
    response = models.TextField(_("回复"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    unit_paths = BY_CASE

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_at", "-id"]
        verbose_name = _("监督管理措施")
        verbose_name_plural = _("监督管理措施")
        indexes = [
            models.Index(
                fields=["deadline"],
                name="measure_awaiting_idx",
                condition=Q(responded_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"


class Referral(UnitScopedModel):
    """A four-type case referred to the professional judges' meeting or the adjudication
    committee, and the result."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        on_delete=models.PROTECT,
        related_name="supervision_referrals",
    )
    body = models.CharField(_("提交至"), max_length=32, choices=ReferralBody.choices)
    question = models.TextField(_("提交讨论的问题"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    referred_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    result = models.TextField(_("讨论结果"), blank=True)
    discussed_on = models.DateField(_("讨论日期"), null=True, blank=True)
    result_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result_at = models.DateTimeField(_("登记时间"), null=True, blank=True)

    unit_paths = BY_CASE

    class Meta:
        ordering = ["-referred_at", "-id"]
        verbose_name = _("提交讨论")
        verbose_name_plural = _("提交讨论")

    def __str__(self) -> str:
        return f"{self.case} → {self.get_body_display()}"
