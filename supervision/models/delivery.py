"""Reaching people: contacts, in-app notifications, reminders (sent once) and the SMS log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.choices import (
    Channel,
    ReminderKind,
    ReminderStage,
    ReminderState,
    ReminderSubject,
)
from supervision.querysets import NotificationQuerySet


class Contact(models.Model):
    """A user's mobile number and the channels they want reminders by (the user model of the
    cases app has none). In-app messages always; e-mail when they have an address and want it;
    SMS when they have a mobile number and want it. No row: in-app and e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="supervision_contact",
    )
    mobile = models.CharField(_("手机号码"), max_length=20, blank=True)
    sms_enabled = models.BooleanField(_("接收短信"), default=True)
    email_enabled = models.BooleanField(_("接收电子邮件"), default=True)
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("联系方式")
        verbose_name_plural = _("联系方式")

    def __str__(self) -> str:
        return f"{self.user} {self.mobile}"


class Notification(models.Model):
    """An in-app message to one user."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="supervision_notifications",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    notice = models.ForeignKey(
        "supervision.Notice",
        verbose_name=_("督办通知"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    inquiry = models.ForeignKey(
        "supervision.Inquiry",
        verbose_name=_("异常函询"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="notification_unread_idx",
                condition=Q(read_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"


class Reminder(models.Model):
    """One reminder (a subject of any kind, a recipient, a stage, a channel, the due date it is
    about), claimed by inserting this row before it is sent, so that two runs never send it
    twice. A letter's reminder also keeps its notice or inquiry (the links of the trail).

    pending + claimed_at: a run has claimed it and is sending (or died while sending: a claim
    older than COURTDASH_REMINDER_STALE_MINUTES is retried); sent: done. An SMS reminder is sent
    in its recipient's one SMS of the day (`sms`).
    """

    subject_kind = models.CharField(_("事项类型"), max_length=16, choices=ReminderSubject.choices)
    subject_id = models.PositiveBigIntegerField(_("事项"))
    stage = models.CharField(_("阶段"), max_length=16, choices=ReminderStage.choices)

    notice = models.ForeignKey(
        "supervision.Notice",
        verbose_name=_("督办通知"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    inquiry = models.ForeignKey(
        "supervision.Inquiry",
        verbose_name=_("异常函询"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ReminderKind.choices)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    due_on = models.DateField(_("到期日"))
    state = models.CharField(
        _("状态"), max_length=16, choices=ReminderState.choices, default=ReminderState.PENDING
    )
    claimed_at = models.DateTimeField(_("认领时间"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=1)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    sms = models.ForeignKey(
        "supervision.SmsMessage",
        verbose_name=_("短信"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bundled_reminders",
    )

    class Meta:
        ordering = ["-claimed_at", "-id"]
        verbose_name = _("催办提醒")
        verbose_name_plural = _("催办提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_kind", "subject_id", "recipient", "stage", "channel", "due_on"],
                name="reminder_once",
            ),
            models.CheckConstraint(
                condition=(
                    Q(subject_kind=ReminderSubject.NOTICE, notice__isnull=False)
                    | ~Q(subject_kind=ReminderSubject.NOTICE) & Q(notice__isnull=True)
                )
                & (
                    Q(subject_kind=ReminderSubject.INQUIRY, inquiry__isnull=False)
                    | ~Q(subject_kind=ReminderSubject.INQUIRY) & Q(inquiry__isnull=True)
                ),
                name="reminder_letter_linked",
            ),
        ]
        indexes = [
            models.Index(
                fields=["claimed_at"], name="reminder_pending_idx", condition=Q(state="pending")
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.get_channel_display()} → {self.recipient}"


class SmsMessage(models.Model):
    """Each SMS handed to a gateway, as the gateway reported it. A reminder SMS bundles the
    day's SMS reminders of one person (`recipient`, `day`): at most one such SMS a day."""

    at = models.DateTimeField(_("时间"), default=timezone.now)
    mobile = models.CharField(_("手机号码"), max_length=20)
    text = models.TextField(_("内容"))
    gateway = models.CharField(_("网关"), max_length=100)
    status = models.CharField(_("结果"), max_length=20)
    response = models.TextField(_("网关回复"), blank=True)
    reminder = models.ForeignKey(
        Reminder,
        verbose_name=_("催办提醒"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sms_messages",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    day = models.DateField(_("日期"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("短信")
        verbose_name_plural = _("短信")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "day"],
                condition=Q(recipient__isnull=False, day__isnull=False),
                name="sms_once_a_day_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.mobile}"
