"""Notices and inquiries: states, the inbox, notifications."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.choices import Role
from supervision import selectors, services
from supervision.choices import LetterState, TraceKind
from supervision.models import Notification
from supervision.selectors.letters import ANSWER, CLOSE, SEND

D = datetime.date


@pytest.fixture
def notice(world):
    return services.notice_issue(
        cases=[world.case],
        judge=world.judge,
        title="督办通知",
        body="请加快审理",
        deadline=D(2025, 7, 10),
        actor=world.user(Role.OFFICE),
    )


def test_a_notice_goes_sent_acknowledged_answered_returned_answered_closed(world, notice):
    judge, office = world.user(Role.JUDGE), world.user(Role.OFFICE)
    assert Notification.objects.filter(recipient=judge, notice=notice).exists()
    assert [item["action"] for item in selectors.inbox(user=judge)] == [ANSWER]
    services.letter_acknowledge(letter=notice, actor=judge)
    services.letter_answer(letter=notice, answer="已排期", actor=judge)
    assert selectors.inbox(user=judge) == []
    assert [item["action"] for item in selectors.inbox(user=office)] == [CLOSE]
    services.letter_return(letter=notice, note="请写明开庭日期", actor=office)
    assert [item["id"] for item in selectors.inbox(user=judge)] == [notice.pk]
    services.letter_answer(letter=notice, answer="7月5日开庭", actor=judge)
    notice = services.letter_close(letter=notice, note="", actor=office)
    assert notice.state == LetterState.CLOSED and notice.returned_count == 1
    assert list(notice.trace.values_list("kind", flat=True)) == [
        TraceKind.NOTICE_ISSUED,
        TraceKind.LETTER_ACKNOWLEDGED,
        TraceKind.LETTER_ANSWERED,
        TraceKind.LETTER_RETURNED,
        TraceKind.LETTER_ANSWERED,
        TraceKind.LETTER_CLOSED,
    ]


def test_a_closed_notice_cannot_be_answered_again(world, notice):
    judge = world.user(Role.JUDGE)
    services.letter_answer(letter=notice, answer="已处理", actor=judge)
    services.letter_close(letter=notice, note="", actor=world.user(Role.OFFICE))
    with pytest.raises(ValidationError, match="已办结"):
        services.letter_answer(letter=notice, answer="再答", actor=judge)


def test_a_notice_is_about_the_recipients_own_cases(world):
    with pytest.raises(ValidationError, match="不由该收件人承办"):
        services.notice_issue(
            cases=[world.new_case(judge=world.colleague)],
            judge=world.judge,
            title="督办",
            body="x",
            deadline=D(2025, 7, 10),
            actor=world.user(Role.OFFICE),
        )


def _detection_draft(world):
    """A draft inquiry as the nightly detection writes it (no actor, not sent)."""
    return services.inquiry_create(
        division=world.division,
        indicator_slug="closed_to_filed_ratio",
        period="2025-W26",
        as_of=D(2025, 6, 29),
        value=0.55,
        title="结收比下降",
        body="较上周下降",
        deadline=D(2025, 7, 10),
        actor=None,
        send=False,
    )


def test_a_draft_inquiry_is_seen_by_the_office_alone_until_sent(world, web):
    """Issue 9: recipients read the nightly detection's drafts (API ?state=draft, the inquiry
    page) before the office had reviewed and sent them."""
    draft = _detection_draft(world)
    doors = [f"/supervision/inquiries/{draft.pk}/", f"/api/v1/supervision/inquiries/{draft.pk}/"]
    listed = "/api/v1/supervision/inquiries/?state=draft"
    for role in (Role.ANALYST, Role.DIVISION_HEAD, Role.COURT_LEADER, Role.INSPECTOR):
        client = web(role)
        assert [client.get(url).status_code for url in doors] == [404, 404], role
        assert client.get(listed).json()["count"] == 0, role
    office = web(Role.OFFICE)
    assert [office.get(url).status_code for url in doors] == [200, 200]
    assert office.get(listed).json()["count"] == 1
    services.inquiry_send(inquiry=draft, actor=world.user(Role.OFFICE))
    assert [web(Role.ANALYST).get(url).status_code for url in doors] == [200, 200]


def test_a_draft_inquiry_waits_for_the_office_to_send_it(world):
    draft = _detection_draft(world)
    analyst = world.user(Role.ANALYST)
    assert selectors.inbox(user=analyst) == []
    assert [item["action"] for item in selectors.inbox(user=world.user(Role.OFFICE))] == [SEND]
    services.inquiry_send(inquiry=draft, actor=world.user(Role.OFFICE))
    assert [item["id"] for item in selectors.inbox(user=analyst)] == [draft.pk]
    assert [item["id"] for item in selectors.inbox(user=world.user(Role.DIVISION_HEAD))] == [
        draft.pk
    ]
