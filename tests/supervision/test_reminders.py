"""Reminders of overdue letters: to the recipient and their leader, in the app, by e-mail and
by SMS (log gateway), each sent once however often the job runs."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from cases.choices import Role
from supervision import services, tasks
from supervision.choices import (
    Channel,
    ReminderKind,
    ReminderStage,
    ReminderState,
    ReminderSubject,
)
from supervision.models import Contact, Notification, Reminder, SmsMessage
from tests.factories import UserFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _channels(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.COURTDASH_SMS_GATEWAY = "supervision.sms.LogGateway"


@pytest.fixture
def overdue_notice(world, settings):
    """A notice to the judge due 2025-07-10, unanswered; the run is on 2025-07-11."""
    for role in (Role.JUDGE, Role.DIVISION_HEAD):
        Contact.objects.create(user=world.user(role), mobile=f"1380000000{len(role)}")
    notice = services.notice_issue(
        cases=[world.case],
        judge=world.judge,
        title="督办：请加快审理",
        body="请说明进展",
        deadline=D(2025, 7, 10),
        actor=world.user(Role.OFFICE),
    )
    settings.COURTDASH_TODAY = "2025-07-11"
    return notice


def _reminder_notifications():
    return Notification.objects.filter(title__startswith="【")


def test_running_the_job_twice_sends_each_reminder_once(world, overdue_notice):
    first = tasks.send_due_reminders()
    second = tasks.send_due_reminders()
    # judge + division head, each in the app, by e-mail and by SMS
    assert first["sent"] == 6
    assert second == {"claimed": 0, "retried": 0, "sent": 0, "failed": 0, "held": 0, "sms": 0}
    assert Reminder.objects.filter(state=ReminderState.SENT).count() == 6
    assert len(mail.outbox) == 2
    assert SmsMessage.objects.filter(gateway="log", status="logged").count() == 2
    assert _reminder_notifications().count() == 2
    judge_sms = SmsMessage.objects.get(mobile=world.user(Role.JUDGE).supervision_contact.mobile)
    assert "已超过答复期限" in judge_sms.text
    leader = Reminder.objects.get(kind=ReminderKind.LEADER, channel=Channel.EMAIL)
    assert leader.recipient == world.user(Role.DIVISION_HEAD)
    assert (
        "请督促办理"
        in mail.outbox[[m.to for m in mail.outbox].index([leader.recipient.email])].body
    )


def test_nothing_is_sent_before_the_deadline_has_passed(world, overdue_notice, settings):
    settings.COURTDASH_TODAY = "2025-07-10"
    assert tasks.send_due_reminders()["claimed"] == 0
    assert not mail.outbox


def test_an_answered_letter_is_not_reminded(world, overdue_notice):
    services.letter_answer(letter=overdue_notice, answer="已开庭", actor=world.user(Role.JUDGE))
    assert tasks.send_due_reminders()["claimed"] == 0


def test_a_claim_left_by_a_dead_run_is_sent_once_when_stale(world, overdue_notice):
    # A run claimed the judge's SMS reminder, then died before sending it.
    dead = Reminder.objects.create(
        subject_kind=ReminderSubject.NOTICE,
        subject_id=overdue_notice.pk,
        notice=overdue_notice,
        recipient=world.user(Role.JUDGE),
        kind=ReminderKind.RECIPIENT,
        stage=ReminderStage.OVERDUE,
        channel=Channel.SMS,
        due_on=overdue_notice.deadline,
        claimed_at=timezone.now() - datetime.timedelta(hours=1),
    )
    first = tasks.send_due_reminders()
    tasks.send_due_reminders()
    dead.refresh_from_db()
    assert first["retried"] == 1
    assert dead.state == ReminderState.SENT
    assert dead.attempts == 2
    assert SmsMessage.objects.filter(bundled_reminders=dead).count() == 1
    assert Reminder.objects.filter(state=ReminderState.SENT).count() == 6


def test_a_fresh_claim_of_a_running_job_is_left_alone(world, overdue_notice):
    running = Reminder.objects.create(
        subject_kind=ReminderSubject.NOTICE,
        subject_id=overdue_notice.pk,
        notice=overdue_notice,
        recipient=world.user(Role.JUDGE),
        kind=ReminderKind.RECIPIENT,
        stage=ReminderStage.OVERDUE,
        channel=Channel.SMS,
        due_on=overdue_notice.deadline,
    )
    run = tasks.send_due_reminders()
    running.refresh_from_db()
    assert run["retried"] == 0
    assert running.state == ReminderState.PENDING
    assert not SmsMessage.objects.filter(bundled_reminders=running).exists()


def test_a_failed_delivery_stays_pending_for_a_later_run(world, overdue_notice, settings):
    settings.COURTDASH_SMS_GATEWAY = "supervision.sms.HttpGateway"
    settings.COURTDASH_SMS_HTTP_URL = "http://127.0.0.1:9/sms"  # the discard port: refused
    settings.COURTDASH_SMS_HTTP_TIMEOUT = 2
    run = tasks.send_due_reminders()
    assert run["failed"] == 2
    failed = Reminder.objects.filter(channel=Channel.SMS)
    assert {reminder.state for reminder in failed} == {ReminderState.PENDING}
    assert all(reminder.error for reminder in failed)


def test_a_division_letter_reminds_its_analyst_and_the_head_as_leader(world, settings):
    inquiry = services.inquiry_create(
        division=world.division,
        indicator_slug="closed_to_filed_ratio",
        period="2025-06",
        as_of=D(2025, 6, 29),
        value=0.6,
        title="结收比偏低",
        body="请说明",
        deadline=D(2025, 7, 1),
        actor=world.user(Role.OFFICE),
    )
    settings.COURTDASH_TODAY = "2025-07-02"
    tasks.send_due_reminders()
    sent = {(r.recipient.role, r.kind) for r in Reminder.objects.filter(inquiry=inquiry)}
    assert sent == {
        (Role.ANALYST, ReminderKind.RECIPIENT),
        (Role.DIVISION_HEAD, ReminderKind.LEADER),
    }


def test_a_returned_letter_with_a_new_deadline_is_reminded_again(world, overdue_notice, settings):
    tasks.send_due_reminders()
    services.letter_answer(letter=overdue_notice, answer="已处理", actor=world.user(Role.JUDGE))
    services.letter_return(
        letter=overdue_notice, note="不具体", deadline=D(2025, 7, 15), actor=world.user(Role.OFFICE)
    )
    settings.COURTDASH_TODAY = "2025-07-16"
    assert tasks.send_due_reminders()["sent"] == 6
    assert Reminder.objects.filter(due_on=D(2025, 7, 15)).count() == 6


def test_a_user_without_email_or_mobile_is_reminded_in_the_app(world, overdue_notice):
    judge = world.user(Role.JUDGE)
    judge.email = ""
    judge.save()
    judge.supervision_contact.delete()
    tasks.send_due_reminders()
    channels = set(Reminder.objects.filter(recipient=judge).values_list("channel", flat=True))
    assert channels == {Channel.IN_APP}


def test_every_division_head_is_reminded_once_as_leader(world, overdue_notice):
    UserFactory(role=Role.DIVISION_HEAD, division=world.division, court=world.court)
    tasks.send_due_reminders()
    tasks.send_due_reminders()
    assert Reminder.objects.filter(kind=ReminderKind.LEADER, channel=Channel.IN_APP).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_the_same_time_send_each_reminder_once(flushable, world, overdue_notice):
    start = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            start.wait()
            results.append(services.reminders_send_due())
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(result.sent for result in results) == 6
    assert Reminder.objects.filter(state=ReminderState.SENT).count() == 6
    assert len(mail.outbox) == 2
    assert SmsMessage.objects.count() == 2
