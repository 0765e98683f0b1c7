"""Letters from the office: supervision notices (督办通知) and abnormality inquiries (异常函询).

Both go sent → acknowledged → answered → closed, or from answered back to returned (to answer
again). An inquiry may start as a draft (研判 proposes, the office reviews and sends).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.units import UnitPaths, UnitScopedModel
from supervision.choices import AWAITING_ANSWER_STATES, LetterState, RecipientKind
from supervision.querysets import LetterQuerySet


def _user(verbose_name, *, null: bool = True):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name="+",
    )


class Letter(UnitScopedModel):
    """What a notice and an inquiry share: the recipient's unit, the text, the deadline, the
    state and who moved it when (each step is also on the trail)."""

    court = models.ForeignKey(
        "cases.Court", verbose_name=_("法院"), on_delete=models.PROTECT, related_name="+"
    )
    # The recipient division, or the recipient judge's division.
    division = models.ForeignKey(
        "cases.Division", verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    deadline = models.DateField(_("答复期限"))
    state = models.CharField(_("状态"), max_length=16, choices=LetterState.choices)
    created_by = _user(_("起草人"))
    created_at = models.DateTimeField(_("起草时间"), default=timezone.now)
    issued_by = _user(_("发送人"))
    issued_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    acknowledged_by = _user(_("签收人"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = _user(_("答复人"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    returned_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    closed_by = _user(_("办结人"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    close_note = models.TextField(_("办结意见"), blank=True)

    class Meta:
        abstract = True

    @property
    def awaiting_answer(self) -> bool:
        return self.state in AWAITING_ANSWER_STATES


class Notice(Letter):
    """督办通知: about one or more cases, to a judge or a division."""

    recipient_kind = models.CharField(_("收件人类型"), max_length=16, choices=RecipientKind.choices)
    judge = models.ForeignKey(
        "cases.Judge",
        verbose_name=_("收件法官"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_notices",
    )
    cases = models.ManyToManyField(
        "cases.Case", verbose_name=_("案件"), related_name="supervision_notices"
    )

    unit_paths = UnitPaths()

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("督办通知")
        verbose_name_plural = _("督办通知")
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_kind="judge", judge__isnull=False)
                | Q(recipient_kind="division", judge__isnull=True),
                name="notice_recipient_consistent",
            )
        ]
        indexes = [models.Index(fields=["state", "deadline"], name="notice_state_idx")]

    def __str__(self) -> str:
        return self.title


class Inquiry(Letter):
    """异常函询: about an indicator value of a division (the value as plain fields, so that it
    stands as sent whatever the metrics later recompute)."""

    indicator_slug = models.CharField(_("指标"), max_length=64)
    indicator_label = models.CharField(_("指标名称"), max_length=100, blank=True)
    period = models.CharField(_("期间"), max_length=32)
    as_of = models.DateField(_("统计截至"))
    value = models.DecimalField(_("指标值"), max_digits=20, decimal_places=6, null=True)
    reference = models.CharField(_("参照（目标、预警线或上周值）"), max_length=100, blank=True)

    unit_paths = UnitPaths(judge=None)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("异常函询")
        verbose_name_plural = _("异常函询")
        indexes = [models.Index(fields=["state", "deadline"], name="inquiry_state_idx")]

    def __str__(self) -> str:
        return self.title
