"""Reversal review (发改再评查)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import Outcome
from cases.units import BY_CASE, UnitScopedModel
from supervision.choices import ReasonClass, ReviewState, ReviewTrigger, Severity


def _user(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class ReversalReview(UnitScopedModel):
    """The review of a case reversed or remanded on appeal (a first-instance case) or on
    retrial (随案评查): one per case and trigger, opened by `reviews_open_missing`."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("原审案件"),
        on_delete=models.PROTECT,
        related_name="reversal_reviews",
    )
    trigger = models.CharField(_("评查事由"), max_length=16, choices=ReviewTrigger.choices)
    outcome = models.CharField(_("改判或发回"), max_length=16, choices=Outcome.choices)
    decided_on = models.DateField(_("改判、发回日期"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    reason_class = models.CharField(
        _("原因类别"), max_length=24, choices=ReasonClass.choices, blank=True
    )
    is_error = models.BooleanField(_("是否差错"), null=True, blank=True)
    severity = models.CharField(_("差错程度"), max_length=16, choices=Severity.choices, blank=True)
    opinion = models.TextField(_("评查意见"), blank=True)
    reviewer = _user(_("评查人"))
    reviewed_at = models.DateTimeField(_("评查时间"), null=True, blank=True)
    objection = models.TextField(_("原审法官异议"), blank=True)
    objected_by = _user(_("异议人"))
    objected_at = models.DateTimeField(_("异议时间"), null=True, blank=True)
    answer = models.TextField(_("异议答复"), blank=True)
    answered_by = _user(_("答复人"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("立项时间"), default=timezone.now)

    unit_paths = BY_CASE

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("发改再评查")
        verbose_name_plural = _("发改再评查")
        constraints = [
            models.UniqueConstraint(fields=["case", "trigger"], name="review_once_per_trigger")
        ]
        indexes = [models.Index(fields=["decided_on"], name="review_decided_idx")]

    def __str__(self) -> str:
        return f"{self.case} {self.get_trigger_display()}"
