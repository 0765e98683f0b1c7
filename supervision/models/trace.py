"""The supervision trail (全程留痕): one append-only model for every step on every case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import AppendOnlyModel
from cases.units import UnitPaths, UnitScopedModel
from supervision.choices import TraceKind


class TraceEntry(UnitScopedModel, AppendOnlyModel):
    """One step: marks, measures, responses, referrals, extension requests and decisions,
    deadline changes, letters and their answers, reviews, refused attempts.

    Never edited or deleted (DOMAIN.md): `save` of a stored row and `delete` raise, and a
    database trigger (migration 0002) refuses UPDATE, DELETE and TRUNCATE. A step about a
    letter (notice, inquiry) is written once, on the letter; a case's timeline takes in the
    steps of the notices about it. The unit columns are those of the case (or the letter's
    recipient) at the time, and decide who sees the entry outside a case's timeline.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # The trail outlives what it is about: no cascade, no constraint a deletion could trip.
    court = models.ForeignKey(
        "cases.Court",
        verbose_name=_("法院"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    division = models.ForeignKey(
        "cases.Division",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    judge = models.ForeignKey(
        "cases.Judge",
        verbose_name=_("法官"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="supervision_trace",
    )
    notice = models.ForeignKey(
        "supervision.Notice",
        verbose_name=_("督办通知"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="trace",
    )
    inquiry = models.ForeignKey(
        "supervision.Inquiry",
        verbose_name=_("异常函询"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="trace",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    actor_role = models.CharField(_("操作人角色"), max_length=20, blank=True)
    kind = models.CharField(_("事项"), max_length=32, choices=TraceKind.choices)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象"), max_length=50, blank=True)
    note = models.TextField(_("内容"), blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    unit_paths = UnitPaths(case="case_id")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("监督留痕")
        verbose_name_plural = _("监督留痕")
        indexes = [
            models.Index(fields=["case", "at"], name="trace_case_idx"),
            models.Index(fields=["notice", "at"], name="trace_notice_idx"),
            models.Index(fields=["inquiry", "at"], name="trace_inquiry_idx"),
            models.Index(fields=["court", "at"], name="trace_court_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_kind_display()}"
