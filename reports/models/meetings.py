"""数据会商 (data-review meeting): a meeting of a unit about one month, its agenda frozen as
Courtdash found it, the decisions taken on each agenda item and the actions they became."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from metrics.models import SCOPE_SHAPE
from reports.models import UnitRow


class AgendaKind(models.TextChoices):
    """What an agenda item is about (reports.selectors.meetings builds each kind)."""

    INDICATOR = "indicator", _("指标未达预警线")
    ABNORMALITY = "abnormality", _("研判异常")
    FINDING = "finding", _("体检发现")
    TARGET = "target", _("季目标存在风险")
    OUTLOOK = "outlook", _("长期未结动向")
    # issue 14: a value of the SPC's 2024 set outside its reference range (合理区间).
    RANGE = "range", _("超出合理区间")


class MeetingActionState(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已报办结")
    CLOSED = "closed", _("已销号")


class Meeting(UnitRow):
    """One data-review meeting (数据会商) of a city, court or division about one month. `agenda`
    is the list of items as built when the meeting was created (reports.selectors.meetings),
    kept as it was so that the minutes read the same whatever later imports change; `notes`
    holds the discussion note of each item, by the item's key."""

    month = models.DateField(_("会商月份"))  # its first day
    held_on = models.DateField(_("会商日期"))
    title = models.CharField(_("单位"), max_length=200)
    attendees = models.TextField(_("参会人员"), blank=True)
    agenda = models.JSONField(_("议题"), default=list)
    agenda_as_of = models.DateField(_("数据截止日"), null=True, blank=True)
    notes = models.JSONField(_("讨论情况"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("组织人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("数据会商")
        verbose_name_plural = _("数据会商")
        constraints = [
            models.CheckConstraint(condition=SCOPE_SHAPE, name="meeting_scope_shape"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="meeting_first_day"),
            models.CheckConstraint(condition=models.Q(judge__isnull=True), name="meeting_no_judge"),
        ]
        indexes = [models.Index(fields=["month", "court", "division"], name="meeting_unit_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.title}"

    def item(self, key: str) -> dict | None:
        return next((item for item in self.agenda if item.get("key") == key), None)


class MeetingDecision(models.Model):
    """A decision taken on one agenda item (its key in the meeting's agenda)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("数据会商"), on_delete=models.CASCADE, related_name="decisions"
    )
    item_key = models.CharField(_("议题"), max_length=200)
    text = models.TextField(_("决定事项"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("会商决定")
        verbose_name_plural = _("会商决定")

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.text[:30]}"


class MeetingAction(UnitRow):
    """What a decision asks of one person (the owner, 责任人) by a due date. Its unit is the
    agenda item's. The owner reports it done; the office closes it (销号)."""

    decision = models.ForeignKey(
        MeetingDecision,
        verbose_name=_("会商决定"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("数据会商"), on_delete=models.CASCADE, related_name="actions"
    )
    task = models.TextField(_("办理事项"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        on_delete=models.PROTECT,
        related_name="meeting_actions",
    )
    due_on = models.DateField(_("办理期限"))
    state = models.CharField(
        _("状态"),
        max_length=8,
        choices=MeetingActionState.choices,
        default=MeetingActionState.OPEN,
    )
    done_note = models.TextField(_("办理情况"), blank=True)
    done_at = models.DateTimeField(_("报告办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    close_note = models.TextField(_("销号意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("会商事项")
        verbose_name_plural = _("会商事项")
        constraints = [
            models.CheckConstraint(condition=SCOPE_SHAPE, name="meeting_action_scope_shape"),
        ]
        indexes = [
            models.Index(fields=["owner", "state", "due_on"], name="meeting_action_owner_idx"),
            models.Index(fields=["state", "due_on"], name="meeting_action_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.task[:30]}"
