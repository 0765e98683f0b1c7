"""Time-limit control (审限): the court's one approver and the extension requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.units import BY_CASE, UnitPaths, UnitScopedModel
from supervision.choices import ExtensionState


class ExtensionApprover(UnitScopedModel):
    """审限变更一支笔: the one person in a court who approves time-limit changes."""

    court = models.OneToOneField(
        "cases.Court",
        verbose_name=_("法院"),
        on_delete=models.PROTECT,
        related_name="extension_approver",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("指定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    designated_at = models.DateTimeField(_("指定时间"), default=timezone.now)

    unit_paths = UnitPaths(division=None, judge=None, ancestors=True)

    class Meta:
        ordering = ["court__code"]
        verbose_name = _("审限变更审批人")
        verbose_name_plural = _("审限变更审批人")

    def __str__(self) -> str:
        return f"{self.court} {self.user}"


class ExtensionRequest(UnitScopedModel):
    """An extension of a case's time limit asked for by its handling judge, decided by the
    court's designated approver. At most one pending request per case."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        on_delete=models.PROTECT,
        related_name="extension_requests",
    )
    days = models.PositiveIntegerField(_("延长天数"))
    reason = models.TextField(_("申请理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    deadline_at_request = models.DateField(_("申请时审限届满日"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    old_deadline = models.DateField(_("原审限届满日"), null=True, blank=True)
    new_deadline = models.DateField(_("新审限届满日"), null=True, blank=True)

    unit_paths = BY_CASE

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("延长审限申请")
        verbose_name_plural = _("延长审限申请")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(state="pending"),
                name="extension_one_pending_per_case",
            ),
            models.CheckConstraint(condition=Q(days__gt=0), name="extension_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.case} +{self.days}日（{self.get_state_display()}）"
