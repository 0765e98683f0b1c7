"""Long-pending clearance campaigns (长期未结清理攻坚)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.units import BY_CASE, UnitPaths, UnitScopedModel
from supervision.choices import AgeBucket


class ClearanceCampaign(UnitScopedModel):
    """A campaign over a court (or one division of it): the long-pending cases at its start,
    frozen, each with a responsible leader and a target date, until all are closed."""

    name = models.CharField(_("名称"), max_length=100)
    court = models.ForeignKey(
        "cases.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="+"
    )
    division = models.ForeignKey(
        "cases.Division",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    min_months = models.PositiveSmallIntegerField(
        _("未结超过（月）"), default=12, help_text=_("列入清单的案件自立案起未结超过的月数")
    )
    started_on = models.DateField(_("开始日期"))
    target_on = models.DateField(_("目标日期"))
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    unit_paths = UnitPaths(judge=None, ancestors=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("清理攻坚")
        verbose_name_plural = _("清理攻坚")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_on__gte=models.F("started_on")),
                name="campaign_target_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CampaignCase(UnitScopedModel):
    """One case on a campaign's list."""

    campaign = models.ForeignKey(
        ClearanceCampaign,
        verbose_name=_("清理攻坚"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        on_delete=models.PROTECT,
        related_name="clearance_entries",
    )
    bucket_at_start = models.CharField(_("开始时未结时长"), max_length=8, choices=AgeBucket.choices)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("包案领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_on = models.DateField(_("目标结案日期"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("落实人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("落实时间"), null=True, blank=True)

    unit_paths = BY_CASE

    class Meta:
        ordering = ["campaign", "case__filed_on", "id"]
        verbose_name = _("清理攻坚案件")
        verbose_name_plural = _("清理攻坚案件")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "case"], name="campaign_case_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.case}"
