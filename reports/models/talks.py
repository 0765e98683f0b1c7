"""约谈提醒 (talks): the suggestion rules' settings, the talks held and their commitments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.units import UnitPaths, UnitScopedModel
from reports.talks.choices import CommitmentState, TalkRuleKind


def _user(verbose_name, *, null: bool = True):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=null,
        blank=null,
        on_delete=models.PROTECT,
        related_name="+",
    )


class TalkRuleSetting(models.Model):
    """One suggestion rule as the city's office set it, one row per change (append-only: the
    rows are the history of who changed what). The latest row of a kind holds; a kind with no
    row, or a parameter a row does not name, keeps its default (reports.talks.rules.DEFAULTS)."""

    kind = models.CharField(_("提示规则"), max_length=32, choices=TalkRuleKind.choices)
    enabled = models.BooleanField(_("启用"), default=True)
    params = models.JSONField(_("参数"), default=dict)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("修改时间"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("约谈提示规则")
        verbose_name_plural = _("约谈提示规则")
        indexes = [models.Index(fields=["kind", "-changed_at"], name="talk_rule_kind_idx")]

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.kind}"


class Talk(UnitScopedModel):
    """约谈: a talk leadership held with a court, a division or a judge — who conducted it, who
    attended, the problems raised and (TalkCommitment) what was promised by when."""

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
    judge = models.ForeignKey(
        "cases.Judge",
        verbose_name=_("法官"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField(_("约谈日期"))
    conducted_by = _user(_("约谈人"), null=False)
    attendees = models.TextField(_("参加人员"), blank=True)
    problems = models.TextField(_("指出的问题"))
    # The suggestion it answers (its rule kinds and evidence as shown then), if any.
    suggestion = models.JSONField(_("约谈提示"), default=dict, blank=True)
    recorded_by = _user(_("登记人"), null=False)
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    unit_paths = UnitPaths()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("约谈")
        verbose_name_plural = _("约谈")
        constraints = [
            models.CheckConstraint(
                condition=Q(judge__isnull=True) | Q(division__isnull=False),
                name="talk_judge_has_division",
            )
        ]
        indexes = [models.Index(fields=["court", "held_on"], name="talk_court_held_idx")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.court_id}/{self.division_id}/{self.judge_id}"


class TalkCommitment(UnitScopedModel):
    """整改承诺: one thing promised in a talk, by one person (the owner), by a date. The owner
    reports it done; the office or leadership checks it off."""

    talk = models.ForeignKey(
        Talk, verbose_name=_("约谈"), on_delete=models.CASCADE, related_name="commitments"
    )
    text = models.TextField(_("承诺事项"))
    owner = _user(_("责任人"), null=False)
    due_on = models.DateField(_("完成期限"))
    state = models.CharField(
        _("状态"), max_length=16, choices=CommitmentState.choices, default=CommitmentState.OPEN
    )
    report = models.TextField(_("落实情况"), blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    closed_by = _user(_("核销人"))
    closed_at = models.DateTimeField(_("核销时间"), null=True, blank=True)
    close_note = models.TextField(_("核销意见"), blank=True)

    unit_paths = UnitPaths(
        court="talk__court_id", division="talk__division_id", judge="talk__judge_id"
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("约谈整改承诺")
        verbose_name_plural = _("约谈整改承诺")
        indexes = [
            models.Index(fields=["state", "due_on"], name="talk_commitment_state_idx"),
            models.Index(fields=["owner", "state"], name="talk_commitment_owner_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:50]
