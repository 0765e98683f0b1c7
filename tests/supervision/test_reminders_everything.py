"""Reminders for everything that has a due date (issue 11, item 3): measures, campaign cases,
answers to review objections, extension decisions and cases' time limits, each to the person
responsible before/on the day and once overdue, then to the division head (庭长), then to the
court leader who leads the division (分管院领导); each sent once; a person's SMS of a day in one
message; the channels each person chose.

The first tests run the nightly job on a real Celery worker (tests/worker.py) over a court's
month; the others call the job in the test process for the finer rules."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases.choices import Role
from cases.models import Case
from supervision import services, tasks
from supervision.choices import (
    Channel,
    ExtensionState,
    MeasureKind,
    ReminderStage,
    ReminderState,
    ReminderSubject,
    ReviewState,
    ReviewTrigger,
    TraceKind,
)
from supervision.models import (
    CampaignCase,
    ClearanceCampaign,
    Contact,
    DivisionLeader,
    ExtensionRequest,
    Measure,
    Notification,
    Reminder,
    ReversalReview,
    SmsMessage,
    TraceEntry,
)
from tests.worker import Worker, wait_until

D = datetime.date
DUE = D(2025, 8, 15)  # the measure, campaign case, review answer and extension decision
LIMIT = D(2025, 8, 20)  # the case's time limit
S = ReminderSubject
T = ReminderStage
in_a_worker = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def court_month(world):
    """The judge's case with its time limit on LIMIT; a measure, a campaign case, an objected
    review and a pending extension request, all due on DUE; the court leader leads the
    division; judge, head and leader have mobiles."""
    Case.objects.update(deadline=D(2026, 3, 1))  # every other case's time limit: far away
    judge, head = world.user(Role.JUDGE), world.user(Role.DIVISION_HEAD)
    leader, office = world.user(Role.COURT_LEADER), world.user(Role.OFFICE)
    for number, user in enumerate((judge, head, leader), start=1):
        Contact.objects.create(user=user, mobile=f"1390000000{number}")
    DivisionLeader.objects.create(division=world.division, user=leader, since=D(2025, 1, 1))
    case = world.case
    Case.objects.filter(pk=case.pk).update(deadline=LIMIT)
    measured = world.new_case()
    campaigned = world.new_case()
    reviewed = world.new_case()
    extended = world.new_case()
    Case.objects.filter(pk__in=[measured.pk, campaigned.pk, reviewed.pk, extended.pk]).update(
        deadline=D(2026, 3, 1)
    )
    measure = Measure.objects.create(
        case=measured,
        kind=MeasureKind.REQUIRE_REPORT,
        instruction="请说明进展",
        deadline=DUE,
        taken_by=head,
    )
    campaign = ClearanceCampaign.objects.create(
        name="2025年清理攻坚",
        court=world.court,
        started_on=D(2025, 6, 1),
        target_on=DUE,
        created_by=office,
    )
    entry = CampaignCase.objects.create(campaign=campaign, case=campaigned, bucket_at_start="12_18")
    review = ReversalReview.objects.create(
        case=reviewed,
        trigger=ReviewTrigger.APPEAL,
        outcome="modified",
        state=ReviewState.OBJECTED,
        reviewer=office,
        opinion="事实认定有误",
        objection="不同意",
        objected_by=judge,
        objected_at=_at(DUE - datetime.timedelta(days=10)),
    )
    extension = ExtensionRequest.objects.create(
        case=extended,
        days=30,
        reason="鉴定未完成",
        requested_by=judge,
        requested_at=_at(DUE - datetime.timedelta(days=3)),
        deadline_at_request=D(2026, 3, 1),
        state=ExtensionState.PENDING,
    )
    return {
        "case": case,
        "measure": measure,
        "entry": entry,
        "review": review,
        "extension": extension,
    }


def sent(day=None, **filters) -> set[tuple[str, str, str]]:
    """(subject kind, stage, recipient role) of the reminders sent (about `day`'s due date)."""
    rows = Reminder.objects.filter(state=ReminderState.SENT, **filters)
    return {(r.subject_kind, r.stage, r.recipient.role) for r in rows.select_related("recipient")}


@pytest.fixture
def worker(tmp_path, queue):
    started = Worker(
        queue=queue, log_path=tmp_path / "worker.log", extra_env={"DJANGO_STATIC_MANIFEST": "0"}
    )
    yield started.start()
    if started.process is not None and started.process.poll() is None:
        started.stop()


def run_in_worker(worker, queue, day: datetime.date) -> str:
    result = tasks.send_due_reminders.apply_async(args=[day.isoformat()], queue=queue)
    wait_until(
        lambda: f"[{result.id}] succeeded" in worker.log_path.read_text(),
        timeout=120,
        message=worker.log_path.read_text()[-3000:],
    )
    line = next(
        line
        for line in worker.log_path.read_text().splitlines()
        if f"[{result.id}] succeeded" in line
    )
    return line


def new_since(seen: set[int]) -> list[Reminder]:
    rows = list(Reminder.objects.exclude(pk__in=seen).select_related("recipient"))
    seen.update(r.pk for r in rows)
    return rows


def keys(rows) -> set[tuple[str, str, str]]:
    return {(r.subject_kind, r.stage, r.recipient.role) for r in rows}


@pytest.mark.worker
@in_a_worker
def test_a_month_of_reminders_on_a_worker(flushable, world, court_month, queue, worker):
    judge, head = world.user(Role.JUDGE), world.user(Role.DIVISION_HEAD)
    leader, office = world.user(Role.COURT_LEADER), world.user(Role.OFFICE)
    seen: set[int] = set()

    # 15 days before the time limit: the judge's 提示短信, nothing else yet.
    run_in_worker(worker, queue, LIMIT - datetime.timedelta(days=15))
    assert keys(new_since(seen)) == {(S.TIME_LIMIT, T.BEFORE_15, Role.JUDGE)}

    # A day later: nothing new.
    run_in_worker(worker, queue, LIMIT - datetime.timedelta(days=14))
    assert new_since(seen) == []

    # DUE (5 days before the time limit): everything due today, to the person responsible.
    run_in_worker(worker, queue, DUE)
    assert keys(new_since(seen)) == {
        (S.TIME_LIMIT, T.BEFORE_5, Role.JUDGE),
        (S.MEASURE, T.DUE, Role.JUDGE),
        (S.CAMPAIGN_CASE, T.DUE, Role.JUDGE),
        (S.REVIEW, T.DUE, Role.OFFICE),
        (S.EXTENSION, T.DUE, Role.COURT_LEADER),
    }
    # The judge: three reminders in the app and by e-mail, and ONE SMS listing all three.
    judge_sms = SmsMessage.objects.get(recipient=judge, day=DUE)
    assert "您有3条提醒" in judge_sms.text
    assert judge_sms.bundled_reminders.count() == 3
    assert SmsMessage.objects.filter(recipient=leader, day=DUE).count() == 1
    assert not SmsMessage.objects.filter(recipient=office).exists()  # no mobile: no SMS

    # Run again the same day (a redelivery, the half-hourly beat): nothing new at all.
    run_in_worker(worker, queue, DUE)
    assert new_since(seen) == []
    assert SmsMessage.objects.filter(day=DUE).count() == 2

    # The day after: overdue; the division head is told of the judge's measure and campaign
    # case (the office's answer and the approver's decision have no 庭长 above them).
    run_in_worker(worker, queue, DUE + datetime.timedelta(days=1))
    assert keys(new_since(seen)) == {
        (S.MEASURE, T.OVERDUE, Role.JUDGE),
        (S.CAMPAIGN_CASE, T.OVERDUE, Role.JUDGE),
        (S.REVIEW, T.OVERDUE, Role.OFFICE),
        (S.EXTENSION, T.OVERDUE, Role.COURT_LEADER),
        (S.MEASURE, T.ESCALATE_1, Role.DIVISION_HEAD),
        (S.CAMPAIGN_CASE, T.ESCALATE_1, Role.DIVISION_HEAD),
    }
    head_sms = SmsMessage.objects.get(recipient=head)
    assert "您有2条提醒" in head_sms.text and "提醒领导" in head_sms.text

    # Three days overdue: the court leader who leads the division (分管院领导).
    run_in_worker(worker, queue, DUE + datetime.timedelta(days=3))
    assert keys(new_since(seen)) == {
        (S.MEASURE, T.ESCALATE_2, Role.COURT_LEADER),
        (S.CAMPAIGN_CASE, T.ESCALATE_2, Role.COURT_LEADER),
        (S.REVIEW, T.ESCALATE_2, Role.COURT_LEADER),
        # the extension's leader is its approver already: not told twice
    }

    # The time limit: on the day, then overdue and escalated.
    run_in_worker(worker, queue, LIMIT)
    assert keys(new_since(seen)) == {(S.TIME_LIMIT, T.DUE, Role.JUDGE)}
    run_in_worker(worker, queue, LIMIT + datetime.timedelta(days=1))
    assert keys(new_since(seen)) == {
        (S.TIME_LIMIT, T.OVERDUE, Role.JUDGE),
        (S.TIME_LIMIT, T.ESCALATE_1, Role.DIVISION_HEAD),
    }
    run_in_worker(worker, queue, LIMIT + datetime.timedelta(days=3))
    assert keys(new_since(seen)) == {(S.TIME_LIMIT, T.ESCALATE_2, Role.COURT_LEADER)}

    # Every reminder sent, once per channel the person has; at most one SMS a person a day.
    assert not Reminder.objects.exclude(state=ReminderState.SENT).exists()
    for user in (judge, head, leader):
        days = list(SmsMessage.objects.filter(recipient=user).values_list("day", flat=True))
        assert len(days) == len(set(days))
    assert set(Reminder.objects.filter(recipient=office).values_list("channel", flat=True)) == {
        Channel.IN_APP,
        Channel.EMAIL,
    }
    assert (
        TraceEntry.objects.filter(kind=TraceKind.REMINDER_SENT).count() == Reminder.objects.count()
    )


@pytest.mark.worker
@in_a_worker
def test_a_person_who_turned_sms_and_email_off_gets_reminders_in_the_app_only(
    flushable, world, court_month, queue, worker
):
    judge = world.user(Role.JUDGE)
    services_people().contact_save(
        user=judge, mobile="13900000001", sms_enabled=False, email_enabled=False, actor=judge
    )
    run_in_worker(worker, queue, DUE)
    assert set(Reminder.objects.filter(recipient=judge).values_list("channel", flat=True)) == {
        Channel.IN_APP
    }
    assert not SmsMessage.objects.filter(recipient=judge).exists()
    in_app = Notification.objects.filter(recipient=judge, title__startswith="【")
    assert in_app.count() == 3
    assert all(n.url for n in in_app)


def services_people():
    from supervision.services import people

    return people


# In the test process: the finer rules.


def test_time_limit_reminders_fall_on_15_and_5_days_before_and_on_expiry(world, court_month):
    judge = world.user(Role.JUDGE)
    by_day = {}
    for offset in range(-20, 2):
        day = LIMIT + datetime.timedelta(days=offset)
        services.reminders_send_due(day=day)
        by_day[offset] = set(
            Reminder.objects.filter(
                subject_kind=S.TIME_LIMIT, recipient=judge, channel=Channel.IN_APP
            ).values_list("stage", flat=True)
        )
    stages_first_seen = {}
    for offset, stages in sorted(by_day.items()):
        for stage in stages:
            stages_first_seen.setdefault(stage, offset)
    assert stages_first_seen == {T.BEFORE_15: -15, T.BEFORE_5: -5, T.DUE: 0, T.OVERDUE: 1}
    texts = Notification.objects.filter(recipient=judge, title__contains="审限").values_list(
        "title", flat=True
    )
    assert any("还有15天到期" in text for text in texts)
    assert any("还有5天到期" in text for text in texts)
    assert any("今日到期" in text for text in texts)


def test_a_missed_day_is_caught_up_and_an_extended_time_limit_is_reminded_anew(world, court_month):
    judge = world.user(Role.JUDGE)
    # The job did not run 15 days before: the 15-day reminder goes out 12 days before.
    services.reminders_send_due(day=LIMIT - datetime.timedelta(days=12))
    assert Reminder.objects.filter(recipient=judge, stage=T.BEFORE_15).exists()
    # The time limit is extended by 30 days: a new set of reminders for the new date.
    Case.objects.filter(pk=court_month["case"].pk).update(
        deadline=LIMIT + datetime.timedelta(days=30)
    )
    services.reminders_send_due(day=LIMIT + datetime.timedelta(days=15))
    assert Reminder.objects.filter(
        recipient=judge,
        stage=T.BEFORE_15,
        due_on=LIMIT + datetime.timedelta(days=30),
        channel=Channel.IN_APP,
    ).exists()


def test_a_handled_subject_is_not_reminded(world, court_month):
    court_month["measure"].responded_at = timezone.now()
    court_month["measure"].save()
    Case.objects.filter(pk=court_month["entry"].case_id).update(closed_on=D(2025, 8, 1))
    ReversalReview.objects.filter(pk=court_month["review"].pk).update(state=ReviewState.ANSWERED)
    ExtensionRequest.objects.filter(pk=court_month["extension"].pk).update(
        state=ExtensionState.APPROVED
    )
    services.reminders_send_due(day=DUE + datetime.timedelta(days=5))
    assert not Reminder.objects.exclude(subject_kind=S.TIME_LIMIT).exists()


def test_an_sms_falling_due_after_the_days_sms_waits_for_the_next_days(world, court_month):
    judge = world.user(Role.JUDGE)
    services.reminders_send_due(day=DUE)
    assert SmsMessage.objects.filter(recipient=judge, day=DUE).count() == 1
    # Later that day a new measure is due today (taken with a deadline of today).
    Measure.objects.create(
        case=court_month["measure"].case,
        kind=MeasureKind.REQUIRE_REPORT,
        instruction="今日回复",
        deadline=DUE,
        taken_by=world.user(Role.DIVISION_HEAD),
    )
    run = services.reminders_send_due(day=DUE)
    assert run.held == 1 and run.sms == 0
    assert SmsMessage.objects.filter(recipient=judge, day=DUE).count() == 1
    held = Reminder.objects.get(recipient=judge, channel=Channel.SMS, state=ReminderState.PENDING)
    # Still held on a later run the same day, even once its claim is old.
    Reminder.objects.filter(pk=held.pk).update(
        claimed_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert services.reminders_send_due(day=DUE).retried == 0
    # The next day's SMS takes it, with that day's reminders.
    services.reminders_send_due(day=DUE + datetime.timedelta(days=1))
    held.refresh_from_db()
    assert held.state == ReminderState.SENT
    assert held.sms.day == DUE + datetime.timedelta(days=1)
    assert SmsMessage.objects.filter(recipient=judge).count() == 2


def test_a_failed_sms_bundle_stays_pending_and_is_sent_once_later(world, court_month, settings):
    judge = world.user(Role.JUDGE)
    settings.COURTDASH_SMS_GATEWAY = "supervision.sms.HttpGateway"
    settings.COURTDASH_SMS_HTTP_URL = "http://127.0.0.1:9/sms"  # the discard port: refused
    settings.COURTDASH_SMS_HTTP_TIMEOUT = 2
    run = services.reminders_send_due(day=DUE)
    assert run.failed == 4 and run.sms == 0  # the judge's three in one SMS, the leader's one
    pending = Reminder.objects.filter(channel=Channel.SMS, state=ReminderState.PENDING)
    assert pending.count() == 4 and all(r.error for r in pending)
    settings.COURTDASH_SMS_GATEWAY = "supervision.sms.LogGateway"
    pending.update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
    again = services.reminders_send_due(day=DUE)
    assert again.retried == 4 and again.sms == 2
    assert SmsMessage.objects.get(recipient=judge).bundled_reminders.count() == 3


def test_a_leader_of_several_divisions_is_reminded_of_each(world, court_month):
    leader = world.user(Role.COURT_LEADER)
    DivisionLeader.objects.create(division=world.other_division, user=leader, since=D(2025, 1, 1))
    other = world.new_case(judge=world.colleague)
    Case.objects.filter(pk=other.pk).update(division=world.other_division, deadline=D(2026, 3, 1))
    Measure.objects.create(
        case=other, kind=MeasureKind.REQUIRE_REPORT, instruction="x", deadline=DUE, taken_by=leader
    )
    services.reminders_send_due(day=DUE + datetime.timedelta(days=3))
    led = Reminder.objects.filter(
        recipient=leader, stage=T.ESCALATE_2, subject_kind=S.MEASURE, channel=Channel.IN_APP
    )
    assert led.count() == 2


def test_no_division_leader_recorded_means_no_second_escalation(world, court_month):
    DivisionLeader.objects.all().delete()
    services.reminders_send_due(day=DUE + datetime.timedelta(days=5))
    assert not Reminder.objects.filter(stage=T.ESCALATE_2).exists()
    assert Reminder.objects.filter(stage=T.ESCALATE_1).exists()


def test_marking_a_case_four_type_tells_its_judge_and_division_head(world):
    services.four_type_mark(
        case=world.case, category=1, reason="重大敏感", actor=world.user(Role.OFFICE)
    )
    told = Notification.objects.filter(title__startswith="四类案件标注")
    assert {n.recipient.role for n in told} == {Role.JUDGE, Role.DIVISION_HEAD}
    assert all(f"/supervision/cases/{world.case.pk}/" in n.url for n in told)


def test_opening_a_review_tells_the_original_judge(world):
    Case.objects.filter(pk=world.case.pk).update(
        effective_appeal_outcome="modified", effective_appeal_decided_on=D(2025, 6, 1)
    )
    assert services.reviews_open_missing() >= 1
    review = ReversalReview.objects.get(case=world.case)
    told = Notification.objects.get(recipient=world.user(Role.JUDGE))
    assert "发改再评查" in told.title and told.url == f"/supervision/reviews/{review.pk}/"
    assert services.reviews_open_missing() == 0
    assert Notification.objects.filter(recipient=world.user(Role.JUDGE)).count() == 1


def test_a_claim_whose_subject_was_deleted_is_closed_without_sending(world, court_month):
    judge = world.user(Role.JUDGE)
    old = timezone.now() - datetime.timedelta(hours=1)
    for channel in (Channel.IN_APP, Channel.SMS):
        Reminder.objects.create(
            subject_kind=S.CAMPAIGN_CASE,
            subject_id=987654,
            recipient=judge,
            kind="recipient",
            stage=T.DUE,
            channel=channel,
            due_on=DUE,
            claimed_at=old,
        )
    run = services.reminders_send_due(day=D(2025, 6, 1))  # nothing else due that day
    assert run.retried == 2 and run.failed == 0 and run.sms == 0
    gone = Reminder.objects.filter(subject_id=987654)
    assert {(r.state, r.error) for r in gone} == {(ReminderState.SENT, "事项已删除，未发送")}
    assert not SmsMessage.objects.exists()
    assert services.reminders_send_due(day=D(2025, 6, 1)).retried == 0


def test_the_texts_name_the_subject_the_date_and_the_delay(world, court_month):
    services.reminders_send_due(day=LIMIT + datetime.timedelta(days=3))
    titles = {
        (n.recipient.role, n.title)
        for n in Notification.objects.filter(title__contains="审限").select_related("recipient")
    }
    number = court_month["case"].case_number
    assert (Role.JUDGE, f"【超审限】案件{number}已超过审限") in titles
    assert (Role.DIVISION_HEAD, f"【提醒领导】张法官承办的案件{number}已超审限") in titles
    assert (Role.COURT_LEADER, f"【提醒分管院领导】张法官承办的案件{number}已超审限") in titles
    leader_body = Notification.objects.get(
        recipient=world.user(Role.COURT_LEADER), title__contains=number
    ).body
    assert "已超审限3天" in leader_body and LIMIT.isoformat() in leader_body
