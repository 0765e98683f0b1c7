"""Reminders for letters unanswered by their deadline (提示短信 + 提醒领导), each sent once.

The key of a reminder is (letter, recipient, kind, channel, the deadline it is about). A run
claims a reminder by inserting its row (INSERT … ON CONFLICT DO NOTHING RETURNING id — only
the run whose insert lands gets the id), commits the claim, and then, per reminder, in one
transaction: locks the row (SKIP LOCKED), delivers, marks it sent. So two runs, at once or one
after the other, send it once. A run that dies mid-delivery leaves a pending claim whose lock
died with its connection; once older than COURTDASH_REMINDER_STALE_MINUTES a later run takes it
over (an UPDATE … WHERE state = 'pending' AND claimed_at < cutoff, SKIP LOCKED) and sends it.
What a dead run had written in the database (in-app message, SMS log, trail) rolled back with
it; only an e-mail or HTTP SMS already handed over in that instant can go out again, and the
HTTP gateway carries a per-reminder reference for the gateway to drop such a repeat.

Not one transaction, on purpose: the claim must be committed before the sending starts.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.dates import today
from cases.models import User
from supervision.choices import Channel, ReminderKind, ReminderState, TraceKind
from supervision.models import Contact, Inquiry, Notice, Reminder
from supervision.services.notify import letter_leaders, letter_recipients, letter_url, notify_users
from supervision.services.trail import trail_record
from supervision.sms import get_gateway

logger = logging.getLogger("courtdash.reminders")


@dataclass
class ReminderRun:
    claimed: int = 0
    retried: int = 0
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "claimed": self.claimed,
            "retried": self.retried,
            "sent": self.sent,
            "failed": self.failed,
        }


def _channels(user: User, contacts: dict[int, Contact]) -> list[Channel]:
    channels = [Channel.IN_APP]
    if user.email:
        channels.append(Channel.EMAIL)
    contact = contacts.get(user.pk)
    if contact is not None and contact.mobile and contact.sms_enabled:
        channels.append(Channel.SMS)
    return channels


def _due_rows(day: datetime.date) -> list[tuple]:
    """(notice_id, inquiry_id, recipient_id, kind, channel, due_on) of every reminder due."""
    letters = [
        *Notice.objects.overdue(day).select_related("judge", "division"),
        *Inquiry.objects.overdue(day).select_related("division"),
    ]
    targets: list[tuple] = []
    for letter in letters:
        for kind, users in (
            (ReminderKind.RECIPIENT, letter_recipients(letter)),
            (ReminderKind.LEADER, letter_leaders(letter)),
        ):
            for user in users:
                targets.append((letter, kind, user))
    contacts = Contact.objects.in_bulk(
        {user.pk for _letter, _kind, user in targets}, field_name="user_id"
    )
    rows = []
    for letter, kind, user in targets:
        is_notice = isinstance(letter, Notice)
        for channel in _channels(user, contacts):
            rows.append(
                (
                    letter.pk if is_notice else None,
                    None if is_notice else letter.pk,
                    user.pk,
                    kind.value,
                    channel.value,
                    letter.deadline,
                )
            )
    return rows


def _claim_new(rows: list[tuple]) -> list[int]:
    if not rows:
        return []
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, 'pending', now(), 1, '')"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO supervision_reminder
              (notice_id, inquiry_id, recipient_id, kind, channel, due_on, state, claimed_at,
               attempts, error)
            VALUES {values}
            ON CONFLICT DO NOTHING
            RETURNING id
            """,
            [value for row in rows for value in row],
        )
        return [row[0] for row in cursor.fetchall()]


def _claim_stale() -> list[int]:
    cutoff = timezone.now() - datetime.timedelta(minutes=settings.COURTDASH_REMINDER_STALE_MINUTES)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE supervision_reminder SET claimed_at = now(), attempts = attempts + 1
            WHERE id IN (
              SELECT id FROM supervision_reminder
              WHERE state = 'pending' AND claimed_at < %s
              FOR UPDATE SKIP LOCKED
            )
            RETURNING id
            """,
            [cutoff],
        )
        return [row[0] for row in cursor.fetchall()]


def _texts(reminder: Reminder, letter: Notice | Inquiry) -> tuple[str, str]:
    kind_label = _("督办通知") if isinstance(letter, Notice) else _("异常函询")
    values = {
        "kind": kind_label,
        "title": letter.title,
        "deadline": letter.deadline.isoformat(),
        "division": letter.division.name,
    }
    if reminder.kind == ReminderKind.RECIPIENT:
        title = _("【催办】%(kind)s《%(title)s》已超过答复期限") % values
        body = _("%(kind)s《%(title)s》的答复期限为%(deadline)s，至今未答复，请尽快办理。") % values
    else:
        if isinstance(letter, Notice) and letter.judge_id:
            values["recipient"] = letter.judge.name
        else:
            values["recipient"] = letter.division.name
        title = _("【提醒领导】%(recipient)s的%(kind)s《%(title)s》逾期未答复") % values
        body = (
            _(
                "%(recipient)s收到的%(kind)s《%(title)s》答复期限为%(deadline)s，至今未答复，请督促办理。"
            )
            % values
        )
    return title, body


def _deliver(reminder: Reminder) -> None:
    letter = reminder.notice or reminder.inquiry
    title, body = _texts(reminder, letter)
    user = reminder.recipient
    if reminder.channel == Channel.IN_APP:
        notify_users(
            users=[user],
            title=title,
            body=body,
            url=letter_url(letter),
            **{letter._meta.model_name: letter},
        )
    elif reminder.channel == Channel.EMAIL:
        send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
    else:
        get_gateway().send(
            mobile=user.supervision_contact.mobile, text=f"{title}。{body}", reminder=reminder
        )
    trail_record(
        kind=TraceKind.REMINDER_SENT,
        actor=None,
        obj=reminder,
        letter=letter,
        note=title,
        detail={
            "recipient": user.get_username(),
            "reminder_kind": reminder.kind,
            "channel": reminder.channel,
            "due_on": reminder.due_on.isoformat(),
        },
    )


def _send_one(reminder_id: int, run: ReminderRun) -> None:
    try:
        with transaction.atomic():
            reminder = (
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related(
                    "recipient",
                    "notice__judge",
                    "notice__division",
                    "inquiry__division",
                )
                .filter(pk=reminder_id, state=ReminderState.PENDING)
                .first()
            )
            if reminder is None:  # sent meanwhile, or being sent by another run right now
                return
            _deliver(reminder)
            reminder.state = ReminderState.SENT
            reminder.sent_at = timezone.now()
            reminder.error = ""
            reminder.save(update_fields=["state", "sent_at", "error"])
            run.sent += 1
    except Exception as error:  # one bad address must not stop the others
        logger.exception("reminder %s not sent", reminder_id)
        run.failed += 1
        run.errors.append(f"{reminder_id}: {error}")
        # Left pending: a later run retries it once the claim is stale.
        Reminder.objects.filter(pk=reminder_id, state=ReminderState.PENDING).update(
            error=str(error)[:2000]
        )


def reminders_send_due(*, day: datetime.date | None = None) -> ReminderRun:
    """Claim every reminder due on `day` (default today) and every stale claim, and send them."""
    day = day or today()
    run = ReminderRun()
    new_ids = _claim_new(_due_rows(day))
    stale_ids = _claim_stale()
    run.claimed, run.retried = len(new_ids), len(stale_ids)
    for reminder_id in [*new_ids, *stale_ids]:
        _send_one(reminder_id, run)
    if run.claimed or run.retried:
        logger.info("reminders: %s", run.as_dict())
    return run
