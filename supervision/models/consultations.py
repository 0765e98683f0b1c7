"""拟发改再事先沟通 (consultation before a reversal): a second-instance or retrial judge who
intends to reverse or remand tells the original judge and their division head first; they
answer within COURTDASH_CONSULT_ANSWER_DAYS; the intending judge records the outcome. When the
case closes reversed or remanded, its 发改再 review (ReversalReview of the original case, same
trigger) carries the consultation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.units import BY_CASE, UnitPaths, UnitScopedModel, UnitScopedQuerySet, unit_q
from supervision.choices import (
    ConsultAnswer,
    ConsultIntention,
    ConsultOutcome,
    ConsultState,
    ReasonClass,
    ReviewTrigger,
)

# The consultation belongs to two units: the deciding case's and the original case's (the
# original judge and their head answer it, so they see it).
BY_ORIGINAL_CASE = UnitPaths(
    court="original_case__court_id",
    division="original_case__division_id",
    judge="original_case__judge_id",
    case="original_case_id",
)


class ConsultationQuerySet(UnitScopedQuerySet):
    def in_scope(self, user):
        return self.filter(unit_q(user, BY_CASE) | unit_q(user, BY_ORIGINAL_CASE))

    def awaiting_answer(self):
        return self.filter(state=ConsultState.AWAITING)


def _user(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class Consultation(UnitScopedModel):
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("二审、再审案件"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    original_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("原审案件"),
        on_delete=models.PROTECT,
        related_name="consultations_received",
    )
    # The 发改再 review that will carry it: ReversalReview(case=original_case, trigger=…).
    trigger = models.CharField(_("审级"), max_length=16, choices=ReviewTrigger.choices)
    intention = models.CharField(_("拟处理意见"), max_length=16, choices=ConsultIntention.choices)
    reasons = ArrayField(
        models.CharField(max_length=24, choices=ReasonClass.choices),
        verbose_name=_("理由类别"),
        default=list,
    )
    reasoning = models.TextField(_("理由"))
    opened_by = _user(_("提起人"))
    opened_at = models.DateTimeField(_("提起时间"), default=timezone.now)
    # The app's day (cases.dates.today) of opening and of the answer: the deadline and the
    # quarter count in court days, not in the server's clock.
    opened_on = models.DateField(_("提起日期"))
    answer_due = models.DateField(_("答复期限"))
    state = models.CharField(
        _("状态"), max_length=16, choices=ConsultState.choices, default=ConsultState.AWAITING
    )
    answer = models.CharField(
        _("原审意见"), max_length=16, choices=ConsultAnswer.choices, blank=True
    )
    answer_text = models.TextField(_("原审答复"), blank=True)
    answered_by = _user(_("答复人"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    outcome = models.CharField(
        _("沟通结果"), max_length=16, choices=ConsultOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("结果说明"), blank=True)
    concluded_by = _user(_("登记人"))
    concluded_at = models.DateTimeField(_("登记时间"), null=True, blank=True)

    unit_paths = BY_CASE
    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("拟发改再事先沟通")
        verbose_name_plural = _("拟发改再事先沟通")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=~Q(state="concluded"),
                name="consultation_one_open_per_case",
            )
        ]
        indexes = [
            models.Index(fields=["opened_on"], name="consultation_opened_idx"),
            models.Index(
                fields=["answer_due"],
                name="consultation_awaiting_idx",
                condition=Q(state="awaiting"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_intention_display()}"

    @property
    def answered_in_time(self) -> bool | None:
        if self.answered_on is None:
            return None
        return self.answered_on <= self.answer_due

    def reason_labels(self) -> list[str]:
        labels = dict(ReasonClass.choices)
        return [str(labels.get(reason, reason)) for reason in self.reasons]
