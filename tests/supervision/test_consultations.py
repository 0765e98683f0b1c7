"""拟发改再事先沟通 (issue 12, item 2): the intention recorded on a pending second-instance case,
the original judge and their head told and the only ones who may answer, the deadline and its
reminders, the outcome, the work queue, the review that carries it once the case closes
reversed, and the quarterly figures with their drill-down, on planted data."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from cases.choices import Role
from cases.permissions import Refused
from cases.services import case_derived_refresh
from supervision import services
from supervision.choices import (
    ConsultState,
    ReminderStage,
    ReminderState,
    ReminderSubject,
    ReviewTrigger,
    TraceKind,
)
from supervision.models import Consultation, Notification, Reminder, ReversalReview, TraceEntry
from supervision.selectors import consultations as selectors
from supervision.selectors.queue import queue
from supervision.services import consultations as consult
from tests.factories import CaseFactory, DivisionFactory, JudgeFactory, UserFactory

D = datetime.date
TODAY = D(2025, 6, 30)  # tests/conftest.py's fixed day


@pytest.fixture
def appeal(world):
    """苏0505's first-instance case of 张法官 (world.judge), closed; its appeal pending at 苏05
    before 赵法官, whose account is `appeal.user`."""
    original = world.new_case(
        filed_on=D(2024, 3, 1), closed_on=D(2024, 8, 1), closing_method="judgment"
    )
    city_division = DivisionFactory(court=world.city, name="民一庭")
    appeal_judge = JudgeFactory(division=city_division, staff_id="C1", name="赵法官")
    user = UserFactory(
        username="appeal-judge",
        role=Role.JUDGE,
        court=world.city,
        division=city_division,
        judge=appeal_judge,
    )
    case = CaseFactory(
        judge=appeal_judge,
        type_code="民终",
        filed_on=D(2025, 5, 20),
        origin_case_number=original.case_number,
    )
    world.extra.update(original=original, appeal_case=case, appeal_user=user)
    return world


def _open(world, **overrides):
    fields = {
        "case": world.extra["appeal_case"],
        "intention": "modify",
        "reasons": ["fact_finding", "application_of_law"],
        "reasoning": "原审认定借款数额有误",
        "actor": world.extra["appeal_user"],
    }
    fields.update(overrides)
    return consult.consultation_open(**fields)


def test_the_intention_finds_the_original_case_and_tells_its_judge_and_head(appeal):
    consultation = _open(appeal)
    assert consultation.original_case == appeal.extra["original"]
    assert consultation.trigger == ReviewTrigger.APPEAL
    assert consultation.opened_on == TODAY
    assert consultation.answer_due == D(2025, 7, 5)  # COURTDASH_CONSULT_ANSWER_DAYS = 5
    told = set(Notification.objects.values_list("recipient__role", flat=True))
    assert told == {Role.JUDGE, Role.DIVISION_HEAD}
    assert Notification.objects.filter(recipient=appeal.user(Role.JUDGE)).exists()
    step = TraceEntry.objects.get(kind=TraceKind.CONSULT_OPENED)
    assert step.case == appeal.extra["appeal_case"]
    assert step.detail["reasons"] == ["fact_finding", "application_of_law"]


@override_settings(COURTDASH_CONSULT_ANSWER_DAYS=3)
def test_the_answer_days_are_a_setting(appeal):
    assert _open(appeal).answer_due == D(2025, 7, 3)


def test_only_a_pending_second_instance_or_retrial_case_of_ones_own(appeal):
    first_instance = appeal.case  # 张法官's own pending first-instance case
    with pytest.raises(ValidationError):
        _open(appeal, case=first_instance, actor=appeal.user(Role.JUDGE))
    with pytest.raises(Refused):  # a judge: only their own case
        _open(appeal, actor=appeal.user(Role.JUDGE))
    with pytest.raises(ValidationError):
        _open(appeal, reasons=[])
    with pytest.raises(ValidationError):
        _open(appeal, reasons=["nonsense"])
    with pytest.raises(ValidationError):
        _open(appeal, reasoning="  ")
    _open(appeal)
    with pytest.raises(ValidationError):  # one open consultation per case
        _open(appeal)


def test_only_the_original_judge_or_their_division_head_may_answer(appeal):
    consultation = _open(appeal)
    colleague = UserFactory(
        username="colleague", role=Role.JUDGE, court=appeal.court, division=appeal.division,
        judge=appeal.colleague,
    )  # fmt: skip
    other_head = UserFactory(
        username="other-head", role=Role.DIVISION_HEAD, court=appeal.court,
        division=appeal.other_division,
    )  # fmt: skip
    refused = [
        colleague,
        other_head,
        appeal.user(Role.ANALYST),
        appeal.user(Role.OFFICE),
        appeal.user(Role.COURT_LEADER),
        appeal.extra["appeal_user"],
    ]
    for user in refused:
        with pytest.raises(Refused):
            consult.consultation_answer(consultation=consultation, answer="agree", actor=user)
    assert TraceEntry.objects.filter(kind=TraceKind.REFUSED).count() == len(refused)
    with pytest.raises(ValidationError):  # disagreeing needs reasons
        consult.consultation_answer(
            consultation=consultation, answer="disagree", actor=appeal.user(Role.DIVISION_HEAD)
        )
    answered = consult.consultation_answer(
        consultation=consultation,
        answer="disagree",
        answer_text="借条原件已质证",
        actor=appeal.user(Role.DIVISION_HEAD),
    )
    assert answered.state == ConsultState.ANSWERED
    assert answered.answered_in_time is True
    with pytest.raises(ValidationError):  # once
        consult.consultation_answer(
            consultation=consultation, answer="agree", actor=appeal.user(Role.JUDGE)
        )
    assert Notification.objects.filter(recipient=appeal.extra["appeal_user"]).exists()


def test_the_outcome_waits_for_the_answer_or_its_deadline(appeal, settings):
    consultation = _open(appeal)
    actor = appeal.extra["appeal_user"]
    with pytest.raises(ValidationError):
        consult.consultation_conclude(consultation=consultation, outcome="as_intended", actor=actor)
    with pytest.raises(Refused):  # the original judge does not record the outcome
        settings.COURTDASH_TODAY = "2025-07-06"
        consult.consultation_conclude(
            consultation=consultation, outcome="as_intended", actor=appeal.user(Role.JUDGE)
        )
    with pytest.raises(ValidationError):  # changing one's mind is explained
        consult.consultation_conclude(consultation=consultation, outcome="changed", actor=actor)
    done = consult.consultation_conclude(
        consultation=consultation, outcome="committee", outcome_note="分歧较大", actor=actor
    )
    assert done.state == ConsultState.CONCLUDED
    kinds = list(
        TraceEntry.objects.filter(object_type="consultation").values_list("kind", flat=True)
    )
    assert kinds == [TraceKind.CONSULT_OPENED, TraceKind.CONSULT_CONCLUDED]


def test_reminders_go_to_the_original_judge_then_their_head(appeal):
    consultation = _open(appeal)
    services.reminders_send_due(day=consultation.answer_due)
    services.reminders_send_due(day=consultation.answer_due + datetime.timedelta(days=1))
    sent = {
        (reminder.stage, reminder.recipient.role)
        for reminder in Reminder.objects.filter(
            subject_kind=ReminderSubject.CONSULTATION, state=ReminderState.SENT
        ).select_related("recipient")
    }
    assert sent == {
        (ReminderStage.DUE, Role.JUDGE),
        (ReminderStage.OVERDUE, Role.JUDGE),
        (ReminderStage.ESCALATE_1, Role.DIVISION_HEAD),
    }
    reminder = Reminder.objects.filter(
        subject_kind=ReminderSubject.CONSULTATION, stage=ReminderStage.DUE
    ).first()
    assert reminder.recipient.judge_id == consultation.original_case.judge_id


def test_an_answered_consultation_is_not_reminded(appeal):
    consultation = _open(appeal)
    consult.consultation_answer(
        consultation=consultation, answer="agree", actor=appeal.user(Role.JUDGE)
    )
    services.reminders_send_due(day=consultation.answer_due)
    assert not Reminder.objects.filter(subject_kind=ReminderSubject.CONSULTATION).exists()


def test_the_work_queue_holds_the_answer_then_the_outcome(appeal):
    consultation = _open(appeal)
    judge, head = appeal.user(Role.JUDGE), appeal.user(Role.DIVISION_HEAD)
    intending = appeal.extra["appeal_user"]
    assert [(i.pk, i.action) for i in queue(judge, kind="consultation")] == [
        (consultation.pk, "answer")
    ]
    assert [(i.pk, i.action) for i in queue(head, kind="consultation")] == [
        (consultation.pk, "answer")
    ]
    assert queue(appeal.user(Role.OFFICE), kind="consultation") == []
    assert queue(intending, kind="consultation") == []
    consult.consultation_answer(consultation=consultation, answer="agree", actor=judge)
    assert queue(judge, kind="consultation") == []
    items = queue(intending, kind="consultation")
    assert [(i.pk, i.action) for i in items] == [(consultation.pk, "conclude")]


def test_the_review_of_the_reversed_case_carries_the_consultation(appeal, web):
    consultation = _open(appeal)
    consult.consultation_answer(
        consultation=consultation, answer="agree", actor=appeal.user(Role.JUDGE)
    )
    consult.consultation_conclude(
        consultation=consultation, outcome="as_intended", actor=appeal.extra["appeal_user"]
    )
    assert consult.consultation_review(consultation) is None
    case = appeal.extra["appeal_case"]
    case.closed_on, case.closing_method = D(2025, 6, 28), "modified"
    case.save()
    case_derived_refresh(case_ids=[case.pk])
    services.reviews_open_missing()
    review = ReversalReview.objects.get(case=appeal.extra["original"])
    assert consult.consultation_review(consultation) == review
    assert list(consult.review_consultations(review)) == [consultation]
    page = web(Role.OFFICE).get(f"/supervision/reviews/{review.pk}/")
    assert f"/supervision/consultations/{consultation.pk}/" in page.content.decode()
    detail = web(Role.OFFICE).get(f"/supervision/consultations/{consultation.pk}/")
    assert f"/supervision/reviews/{review.pk}/" in detail.content.decode()


@pytest.fixture
def planted(appeal, settings):
    """Q2 2025 (as 苏0505/民一庭 is consulted): one answered in time and changed after it, one
    answered late and reversed as intended, one unanswered; Q3: one more; and one of
    苏0505/民二庭 in Q2, answered in time."""
    intending = appeal.extra["appeal_user"]
    judge = appeal.user(Role.JUDGE)
    other_judge = JudgeFactory(division=appeal.other_division, staff_id="J3", name="孙法官")
    other_user = UserFactory(
        username="other-judge", role=Role.JUDGE, court=appeal.court,
        division=appeal.other_division, judge=other_judge,
    )  # fmt: skip
    made = {}

    def one(name, opened, *, original_judge=None, answer_on=None, outcome=None):
        original = CaseFactory(
            judge=original_judge or appeal.judge,
            filed_on=D(2024, 1, 1),
            closed_on=D(2024, 6, 1),
            closing_method="judgment",
        )
        case = CaseFactory(
            judge=intending.judge,
            type_code="民终",
            filed_on=D(2025, 3, 1),
            origin_case_number=original.case_number,
        )
        settings.COURTDASH_TODAY = opened.isoformat()
        made[name] = _open(appeal, case=case)
        answerer = other_user if original_judge else judge
        if answer_on:
            settings.COURTDASH_TODAY = answer_on.isoformat()
            consult.consultation_answer(consultation=made[name], answer="agree", actor=answerer)
        if outcome:
            settings.COURTDASH_TODAY = "2025-09-30"
            consult.consultation_conclude(
                consultation=made[name], outcome=outcome, outcome_note="说明", actor=intending
            )

    one("in_time_changed", D(2025, 4, 1), answer_on=D(2025, 4, 6), outcome="changed")
    one("late_as_intended", D(2025, 5, 1), answer_on=D(2025, 5, 7), outcome="as_intended")
    one("unanswered", D(2025, 6, 1))
    one("next_quarter", D(2025, 7, 1), answer_on=D(2025, 7, 2))
    one("other_division", D(2025, 6, 2), original_judge=other_judge, answer_on=D(2025, 6, 3))
    settings.COURTDASH_TODAY = "2025-09-30"
    return made


def test_quarterly_figures_per_original_division_and_their_drill_down(planted, appeal):
    office = appeal.user(Role.OFFICE)
    rows = selectors.quarterly_figures(user=office, year=2025, quarter=2)
    by_division = {row["division_name"]: row for row in rows}
    assert set(by_division) == {"民一庭", "民二庭"}
    civil = by_division["民一庭"]
    assert civil["court_code"] == "苏0505"
    assert (civil["consulted"], civil["answered"], civil["answered_in_time"]) == (3, 2, 1)
    assert (civil["outcome_changed"], civil["as_intended"], civil["committee"]) == (1, 1, 0)
    assert by_division["民二庭"]["answered_in_time"] == 1
    rows_q = Consultation.objects.in_scope(office).filter(
        selectors.quarter_q(2025, 2), original_case__division_id=civil["division_id"]
    )
    for figure in selectors.FIGURES:
        drilled = rows_q.filter(selectors.figure_q(figure))
        assert drilled.count() == civil[figure], figure
    assert list(rows_q.filter(selectors.figure_q("answered_in_time"))) == [
        planted["in_time_changed"]
    ]


def test_quarterly_figures_are_scoped(planted, appeal):
    head = appeal.user(Role.DIVISION_HEAD)  # 苏0505/民一庭's
    rows = selectors.quarterly_figures(user=head, year=2025, quarter=2)
    assert [row["division_name"] for row in rows] == ["民一庭"]
    judge = appeal.user(Role.JUDGE)
    rows = selectors.quarterly_figures(user=judge, year=2025, quarter=2)
    assert rows[0]["consulted"] == 3
    # The deciding side: the appeal judge's division at 苏05 sees all of its own.
    deciding = selectors.quarterly_figures(
        user=appeal.extra["appeal_user"], year=2025, quarter=2, side="deciding"
    )
    assert [(row["court_code"], row["consulted"]) for row in deciding] == [("苏05", 4)]
