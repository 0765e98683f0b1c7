"""The link with the inspection department (审判管理部门与监察部门联动)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.units import UnitPaths, UnitScopedModel
from supervision.choices import InspectionState


class JointInspection(UnitScopedModel):
    """A joint inspection by the office and the inspectors: the cases, findings, who took part.
    One the office registers is approved at once; one an inspector registers is a request until
    the office approves or rejects it. Only approval joins its inspectors to its cases
    (cases.CaseInspector)."""

    court = models.ForeignKey(
        "cases.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("名称"), max_length=200)
    inspected_on = models.DateField(_("督查日期"))
    findings = models.TextField(_("督查发现"))
    cases = models.ManyToManyField(
        "cases.Case", verbose_name=_("案件"), related_name="joint_inspections", blank=True
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("参加人"), related_name="+", blank=True
    )
    other_participants = models.CharField(_("其他参加人"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=InspectionState.choices,
        default=InspectionState.REQUESTED,
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

    unit_paths = UnitPaths(division=None, judge=None)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("联合督查")
        verbose_name_plural = _("联合督查")

    def __str__(self) -> str:
        return self.title
