"""Each supervision action × each role: allowed or refused as DOMAIN.md gives it, and every
refusal is a clear Chinese error that is recorded on the trail and in the audit trail.

The expected roles are written out here from DOMAIN.md, not read from the permission table,
so that a wrong table fails these tests."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from cases.choices import Role
from cases.models import AuditEvent
from cases.permissions import PERMISSIONS, Action, Refused
from supervision import services
from supervision.choices import (
    FourTypeCategory,
    MeasureKind,
    ReasonClass,
    ReferralBody,
    Severity,
    TraceKind,
)
from supervision.models import TraceEntry
from tests.factories import CaseFactory
from tests.supervision.conftest import ROLES, World

D = datetime.date
J, HEAD, ANALYST, OFFICE, LEADER, PARTY, INSPECTOR = ROLES


def _marked(world: World):
    return services.four_type_mark(
        case=world.case, category=1, reason="社会关注", actor=world.user(Role.JUDGE)
    )


def _measure(world: World):
    _marked(world)
    return services.measure_take(
        case=world.case,
        kind=MeasureKind.REQUIRE_REPORT,
        instruction="报告进展",
        deadline=D(2025, 7, 10),
        actor=world.user(Role.DIVISION_HEAD),
    )


def _notice_to_judge(world: World):
    return services.notice_issue(
        cases=[world.case],
        judge=world.judge,
        title="督办",
        body="请说明进展",
        deadline=D(2025, 7, 10),
        actor=world.user(Role.OFFICE),
    )


def _answered_notice(world: World):
    notice = _notice_to_judge(world)
    return services.letter_answer(letter=notice, answer="已开庭", actor=world.user(Role.JUDGE))


def _inquiry(world: World):
    return services.inquiry_create(
        division=world.division,
        indicator_slug="closed_to_filed_ratio",
        period="2025-06",
        as_of=D(2025, 6, 29),
        value=0.62,
        title="结收比偏低",
        body="请说明原因",
        deadline=D(2025, 7, 10),
        actor=world.user(Role.OFFICE),
    )


def _reversed_case(world: World):
    return CaseFactory(
        judge=world.judge,
        filed_on=D(2024, 5, 1),
        closed_on=D(2024, 9, 1),
        closing_method="judgment",
        appealed=True,
        appeal_outcome="modified",
        appeal_decided_on=D(2025, 5, 20),
    )


def _review(world: World):
    _reversed_case(world)
    services.reviews_open_missing()
    from supervision.models import ReversalReview

    return ReversalReview.objects.get()


def _reviewed(world: World):
    return services.review_record(
        review=_review(world),
        reason_class=ReasonClass.APPLICATION_OF_LAW,
        is_error=True,
        severity=Severity.MINOR,
        opinion="法律适用有误",
        actor=world.user(Role.OFFICE),
    )


ACTIONS = {
    "mark": (
        {J, HEAD, LEADER, OFFICE},
        lambda w, actor: services.four_type_mark(
            case=w.case, category=FourTypeCategory.MAJOR, reason="疑难", actor=actor
        ),
    ),
    "mark_confirm": (
        {HEAD, LEADER, OFFICE},
        lambda w, actor: services.four_type_mark_confirm(
            mark=_marked(w), reason="属实", actor=actor
        ),
    ),
    "mark_remove": (
        {HEAD, LEADER, OFFICE},
        lambda w, actor: services.four_type_mark_remove(
            mark=_marked(w), reason="不属于", actor=actor
        ),
    ),
    "rules_run": (
        {OFFICE},
        lambda w, actor: services.four_type_suggest(actor=actor),
    ),
    "measure_take": (
        {HEAD, LEADER},
        lambda w, actor: _marked(w)
        and services.measure_take(
            case=w.case,
            kind=MeasureKind.READ_FILE,
            instruction="调卷",
            deadline=D(2025, 7, 10),
            actor=actor,
        ),
    ),
    "measure_respond": (
        {J},
        lambda w, actor: services.measure_respond(
            measure=_measure(w), response="已报告", actor=actor
        ),
    ),
    "refer": (
        {HEAD, LEADER},
        lambda w, actor: services.referral_create(
            case=w.case, body=ReferralBody.JUDGES_MEETING, question="法律适用", actor=actor
        ),
    ),
    "referral_result": (
        {HEAD, LEADER, OFFICE},
        lambda w, actor: services.referral_result_record(
            referral=services.referral_create(
                case=w.case,
                body=ReferralBody.ADJUDICATION_COMMITTEE,
                question="是否改判",
                actor=w.user(Role.COURT_LEADER),
            ),
            result="多数意见维持",
            discussed_on=D(2025, 6, 28),
            actor=actor,
        ),
    ),
    "approver_designate": (
        {LEADER},
        lambda w, actor: services.approver_designate(
            court=w.court, user=w.user(Role.COURT_LEADER), actor=actor
        ),
    ),
    "extension_request": (
        {J},
        lambda w, actor: services.extension_request(
            case=w.case, days=30, reason="鉴定", actor=actor
        ),
    ),
    "extension_decide": (
        {LEADER},  # the designated approver, who is the court leader here
        lambda w, actor: services.extension_decide(
            extension=services.extension_request(
                case=w.case, days=30, reason="鉴定", actor=w.user(Role.JUDGE)
            ),
            approve=True,
            note="同意",
            actor=actor,
        ),
    ),
    "notice_issue": (
        {OFFICE},
        lambda w, actor: services.notice_issue(
            cases=[w.case],
            judge=w.judge,
            title="督办",
            body="请说明",
            deadline=D(2025, 7, 10),
            actor=actor,
        ),
    ),
    "inquiry_issue": (
        {OFFICE},
        lambda w, actor: services.inquiry_create(
            division=w.division,
            indicator_slug="closed_to_filed_ratio",
            period="2025-06",
            as_of=D(2025, 6, 29),
            value=0.5,
            title="函询",
            body="请说明",
            deadline=D(2025, 7, 10),
            actor=actor,
        ),
    ),
    "notice_acknowledge": (
        {J},  # addressed to the judge
        lambda w, actor: services.letter_acknowledge(letter=_notice_to_judge(w), actor=actor),
    ),
    "notice_answer": (
        {J},
        lambda w, actor: services.letter_answer(
            letter=_notice_to_judge(w), answer="已处理", actor=actor
        ),
    ),
    "inquiry_answer": (
        {HEAD, ANALYST},  # addressed to the division
        lambda w, actor: services.letter_answer(letter=_inquiry(w), answer="原因", actor=actor),
    ),
    "letter_close": (
        {OFFICE},
        lambda w, actor: services.letter_close(letter=_answered_notice(w), note="", actor=actor),
    ),
    "letter_return": (
        {OFFICE},
        lambda w, actor: services.letter_return(
            letter=_answered_notice(w), note="不具体", actor=actor
        ),
    ),
    "campaign_start": (
        {OFFICE, LEADER},
        lambda w, actor: services.campaign_start(
            name="清理", court=w.court, target_on=D(2025, 12, 31), actor=actor
        ),
    ),
    "reviews_open": ({OFFICE}, lambda w, actor: services.reviews_open_missing(actor=actor)),
    "review_record": (
        {OFFICE},
        lambda w, actor: services.review_record(
            review=_review(w),
            reason_class=ReasonClass.FACT_FINDING,
            is_error=False,
            severity=Severity.NONE,
            opinion="非差错",
            actor=actor,
        ),
    ),
    "review_object": (
        {J},
        lambda w, actor: services.review_object(
            review=_reviewed(w), objection="不同意", actor=actor
        ),
    ),
    "review_answer": (
        {OFFICE},
        lambda w, actor: services.review_answer(
            review=services.review_object(
                review=_reviewed(w), objection="不同意", actor=w.user(Role.JUDGE)
            ),
            answer="维持",
            actor=actor,
        ),
    ),
    "joint_inspection": (
        {INSPECTOR, OFFICE},
        lambda w, actor: services.joint_inspection_record(
            court=w.court,
            title="联合督查",
            inspected_on=D(2025, 6, 20),
            findings="卷宗不全",
            cases=[w.case],
            actor=actor,
        ),
    ),
    "joint_inspection_approve": (
        {OFFICE},  # joining an inspector to cases is the office's (an inspector only asks)
        lambda w, actor: services.joint_inspection_decide(
            inspection=services.joint_inspection_record(
                court=w.court,
                title="联合督查",
                inspected_on=D(2025, 6, 20),
                findings="卷宗不全",
                cases=[w.case],
                actor=w.user(Role.INSPECTOR),
            ),
            approve=True,
            note="",
            actor=actor,
        ),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_action_is_allowed_only_to_the_roles_domain_gives_it(world, action, role):
    allowed, do = ACTIONS[action]
    actor = world.user(role)
    if role in allowed:
        do(world, actor)
        return
    with pytest.raises(Refused) as refused:
        do(world, actor)
    assert isinstance(refused.value, PermissionDenied)
    assert any("\u4e00" <= char <= "\u9fff" for char in str(refused.value))  # said in Chinese
    assert TraceEntry.objects.filter(kind=TraceKind.REFUSED, actor=actor).exists()
    assert AuditEvent.objects.filter(
        user=actor, object_type="supervision.refused", detail__outcome="refused"
    ).exists()


def test_every_action_of_the_table_has_a_role_or_a_personal_rule():
    assert set(PERMISSIONS) == set(Action)


def test_an_action_on_a_case_out_of_reach_is_refused_and_recorded(world):
    head = world.user(Role.DIVISION_HEAD)
    with pytest.raises(Refused, match="不在您的管辖范围内"):
        services.four_type_mark(case=world.other_court_case, category=1, reason="x", actor=head)
    entry = TraceEntry.objects.get(kind=TraceKind.REFUSED)
    assert entry.case_id == world.other_court_case.pk
    assert entry.detail["action"] == Action.MARK


def test_a_judge_cannot_answer_a_notice_addressed_to_a_colleague(world):
    from tests.factories import UserFactory

    colleague = UserFactory(role=Role.JUDGE, judge=world.colleague, court=world.court)
    notice = _notice_to_judge(world)
    with pytest.raises(Refused):
        services.letter_answer(letter=notice, answer="x", actor=colleague)
    assert notice.trace.filter(kind=TraceKind.LETTER_ANSWERED).count() == 0


def test_a_refusal_inside_a_service_rolls_back_its_writes_but_keeps_the_record(world):
    judge = world.user(Role.JUDGE)
    with pytest.raises(Refused):
        services.four_type_mark_confirm(mark=_marked(world), reason="自己确认", actor=judge)
    assert world.case.four_type_marks.get().state == "marked"
    assert TraceEntry.objects.filter(kind=TraceKind.REFUSED, actor=judge).count() == 1
