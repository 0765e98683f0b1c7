"""Who leads which division (分管院领导): the leader above a division head in reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.units import UnitPaths, UnitScopedModel


class DivisionLeader(UnitScopedModel):
    """A court leader who leads (分管) a division of their court; a leader may lead several
    divisions, and a division may have more than one. Kept by the office on its page; every
    change is on the trail (who set or removed whom, when)."""

    division = models.ForeignKey(
        "cases.Division",
        verbose_name=_("部门"),
        on_delete=models.CASCADE,
        related_name="supervision_leaders",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分管院领导"),
        on_delete=models.CASCADE,
        related_name="supervision_led_divisions",
    )
    since = models.DateField(_("分管起始日期"))
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    designated_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    unit_paths = UnitPaths(court="division__court_id", division="division_id", judge=None)

    class Meta:
        ordering = ["division__court__code", "division__name", "user__username"]
        verbose_name = _("分管院领导")
        verbose_name_plural = _("分管院领导")
        constraints = [
            models.UniqueConstraint(fields=["division", "user"], name="division_leader_unique")
        ]

    def __str__(self) -> str:
        return f"{self.division} {self.user}"
