"""Reaching people: contacts, in-app notifications, reminders (sent once) and the SMS log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.choices import Channel, ReminderKind, ReminderState
from supervision.querysets import NotificationQuerySet


class Contact(models.Model):
    """A user's mobile number for reminder SMS (the user model of the cases app has none)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="supervision_contact",
    )
    mobile = models.CharField(_("手机号码"), max_length=20, blank=True)
    sms_enabled = models.BooleanField(_("接收短信"), default=True)

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
    """One reminder (a letter, a recipient, a kind, a channel, the day it fell due), claimed
    by inserting this row before it is sent, so that two runs never send it twice.

    pending + claimed_at: a run has claimed it and is sending (or died while sending: a claim
    older than COURTDASH_REMINDER_STALE_MINUTES is retried); sent: done.
    """

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

    class Meta:
        ordering = ["-claimed_at", "-id"]
        verbose_name = _("催办提醒")
        verbose_name_plural = _("催办提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "recipient", "kind", "channel", "due_on"],
                condition=Q(notice__isnull=False),
                name="reminder_once_per_notice",
            ),
            models.UniqueConstraint(
                fields=["inquiry", "recipient", "kind", "channel", "due_on"],
                condition=Q(inquiry__isnull=False),
                name="reminder_once_per_inquiry",
            ),
            models.CheckConstraint(
                condition=Q(notice__isnull=True) ^ Q(inquiry__isnull=True),
                name="reminder_one_subject",
            ),
        ]
        indexes = [
            models.Index(
                fields=["claimed_at"], name="reminder_pending_idx", condition=Q(state="pending")
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_channel_display()} → {self.recipient}"


class SmsMessage(models.Model):
    """Each SMS handed to a gateway, as the gateway reported it."""

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

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("短信")
        verbose_name_plural = _("短信")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.mobile}"
