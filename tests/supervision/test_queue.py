"""我的待办 (issue 11, items 1–2): one work queue per person, of every kind that waits for them,
nearest due date first, each item leaving the queue once it is handled; the top bar's count;
notifications that link to their object and are marked read in the page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.choices import Outcome, Role
from reports.models import Finding, HealthCheckRun
from supervision import services
from supervision.choices import ReviewState, ReviewTrigger
from supervision.models import (
    CampaignCase,
    ClearanceCampaign,
    Notification,
    ReversalReview,
)
from supervision.selectors.queue import QueueList, queue, queue_counts
from tests.factories import UserFactory

D = datetime.date
TODAY = D(2025, 6, 30)  # tests/conftest.py
JULY_1, JULY_5, JULY_20 = D(2025, 7, 1), D(2025, 7, 5), D(2025, 7, 20)


def kinds_of(items) -> list[tuple[str, int]]:
    return [(item.kind, item.pk) for item in items]


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def office(world):
    return world.user(Role.OFFICE)


@pytest.fixture
def nearing(world):
    """A case of the judge whose time limit ends in 10 days (民初 ordinary: six months)."""
    return world.new_case(filed_on=D(2025, 1, 10))


def _notice(world, title="督办：请加快审理", deadline=JULY_20):
    return services.notice_issue(
        cases=[world.case],
        judge=world.judge,
        title=title,
        body="请于期限内说明进展",
        deadline=deadline,
        actor=world.user(Role.OFFICE),
    )


def _mark(world, case=None):
    return services.four_type_mark(
        case=case or world.case, category=1, reason="新类型案件", actor=world.user(Role.JUDGE)
    )


def _measure(world, mark, deadline=JULY_5):
    return services.measure_take(
        case=mark.case,
        kind="require_report",
        instruction="请说明审理计划",
        deadline=deadline,
        actor=world.user(Role.COURT_LEADER),
        mark=mark,
    )


def _reviewed(review, on: datetime.datetime):
    """The review as recorded on a day (services stamp the real clock; tests run on TODAY)."""
    ReversalReview.objects.filter(pk=review.pk).update(reviewed_at=on)


NOON = datetime.time(12, tzinfo=datetime.UTC)


def _review(world, case=None):
    return ReversalReview.objects.create(
        case=case or world.case,
        trigger=ReviewTrigger.APPEAL,
        outcome=Outcome.MODIFIED,
        decided_on=D(2025, 6, 1),
    )


def _campaign_entry(world, leader, target_on=JULY_1):
    campaign = ClearanceCampaign.objects.create(
        name="清理攻坚",
        court=world.court,
        started_on=D(2025, 6, 1),
        target_on=D(2025, 9, 30),
        created_by=world.user(Role.OFFICE),
    )
    return CampaignCase.objects.create(
        campaign=campaign, case=world.case, bucket_at_start="12_18", leader=leader,
        target_on=target_on,
    )  # fmt: skip


def _finding(world, division):
    now = timezone.now()
    run = HealthCheckRun.objects.create(
        as_of=D(2025, 6, 29), window_start=D(2024, 7, 1), status="done", started_at=now,
        finished_at=now, findings=1,
    )  # fmt: skip
    return Finding.objects.create(
        run=run, kind="stalled_long_pending", scope="division", court=world.court,
        division=division, case_count=1, facts={"count": 1, "idle_days": 90, "since": "2025-03-01"},
    )  # fmt: skip


# --- what waits for whom ---------------------------------------------------------------------


def test_a_judges_queue_holds_every_kind_they_receive_nearest_due_first(world, nearing):
    judge = world.user(Role.JUDGE)
    notice = _notice(world)
    measure = _measure(world, _mark(world))
    review = _review(world)
    services.review_record(
        review=review, reason_class="fact_finding", is_error=True, severity="minor",
        opinion="事实认定有误", actor=world.user(Role.OFFICE),
    )  # fmt: skip
    _reviewed(review, datetime.datetime.combine(TODAY, NOON))
    entry = _campaign_entry(world, leader=world.user(Role.COURT_LEADER))
    items = queue(judge)
    assert kinds_of(items) == [
        ("campaign", entry.pk),  # 7-01
        ("measure", measure.pk),  # 7-05
        ("deadline", nearing.pk),  # 7-10
        ("review", review.pk),  # reviewed today + 15 days: 7-15
        ("notice", notice.pk),  # 7-20
    ]
    assert [item.action for item in items] == ["clear", "respond", "conclude", "object", "answer"]
    assert items[4].form.fields == {"action": "acknowledge"}  # one click: sign for it
    assert items[2].due_on == nearing.deadline and not items[2].overdue
    assert queue_counts(judge) == {
        "notice": 1, "measure": 1, "extension": 0, "review": 1, "campaign": 1, "deadline": 1,
        "consultation": 0, "quality_review": 0, "rectification": 0, "meeting_action": 0,
        "talk_commitment": 0,
    }  # fmt: skip
    # The colleague's queue has none of it.
    colleague = UserFactory(
        username="colleague", role=Role.JUDGE, court=world.court, division=world.division,
        judge=world.colleague,
    )  # fmt: skip
    assert queue(colleague) == []


def test_each_item_leaves_the_queue_once_handled(world, nearing):
    judge, office = world.user(Role.JUDGE), world.user(Role.OFFICE)
    notice = _notice(world)
    measure = _measure(world, _mark(world))
    services.letter_acknowledge(letter=notice, actor=judge)
    assert [item.action for item in queue(judge, kind="notice")] == ["answer"]
    services.letter_answer(letter=notice, answer="已排期", actor=judge)
    services.measure_respond(measure=measure, response="7月5日开庭", actor=judge)
    assert {item.kind for item in queue(judge)} == {"deadline"}
    assert [(item.kind, item.action) for item in queue(office, kind="notice")] == [
        ("notice", "close")
    ]
    services.letter_close(letter=notice, note="", actor=office)
    assert queue(office, kind="notice") == []


def test_marks_wait_for_those_who_confirm_them_and_leave_when_confirmed(world):
    mark = _mark(world)
    for role in (Role.DIVISION_HEAD, Role.COURT_LEADER, Role.OFFICE):
        assert kinds_of(queue(world.user(role), kind="mark")) == [("mark", mark.pk)], role
    for role in (Role.JUDGE, Role.ANALYST, Role.INSPECTOR, Role.PARTY_LEADERSHIP):
        assert queue(world.user(role), kind="mark") == [], role
    item = queue(world.user(Role.DIVISION_HEAD))[0]
    assert item.form.fields == {"action": "confirm", "object_id": mark.pk}
    assert item.form.text == "reason"
    services.four_type_mark_confirm(mark=mark, reason="确认", actor=world.user(Role.DIVISION_HEAD))
    assert queue(world.user(Role.OFFICE), kind="mark") == []


def test_an_extension_request_waits_for_the_designated_approver_alone(world):
    extension = services.extension_request(
        case=world.new_case(filed_on=D(2025, 2, 1)), days=30, reason="需要鉴定",
        actor=world.user(Role.JUDGE),
    )  # fmt: skip
    leader = world.user(Role.COURT_LEADER)  # the designated approver (conftest)
    assert kinds_of(queue(leader, kind="extension")) == [("extension", extension.pk)]
    for role in (Role.OFFICE, Role.DIVISION_HEAD, Role.JUDGE):
        assert queue(world.user(role), kind="extension") == [], role
    services.extension_decide(extension=extension, approve=True, note="", actor=leader)
    assert queue(leader, kind="extension") == []


def test_reviews_wait_for_the_office_then_the_judge_then_the_office(world):
    office, judge = world.user(Role.OFFICE), world.user(Role.JUDGE)
    review = _review(world)
    assert [item.action for item in queue(office, kind="review")] == ["record"]
    assert queue(judge, kind="review") == []
    services.review_record(
        review=review, reason_class="fact_finding", is_error=True, severity="minor",
        opinion="事实认定有误", actor=office,
    )  # fmt: skip
    assert queue(office, kind="review") == []
    assert [item.action for item in queue(judge, kind="review")] == ["object"]
    services.review_object(review=review, objection="证据另有解释", actor=judge)
    assert queue(judge, kind="review") == []
    assert [item.action for item in queue(office, kind="review")] == ["answer_objection"]
    services.review_answer(review=review, answer="维持", actor=office)
    assert queue(office, kind="review") == []
    assert ReversalReview.objects.get().state == ReviewState.ANSWERED


def test_a_reviewed_case_leaves_its_judges_queue_after_the_objection_window(world):
    review = _review(world)
    services.review_record(
        review=review, reason_class="fact_finding", is_error=False, severity="none",
        opinion="无差错", actor=world.user(Role.OFFICE),
    )  # fmt: skip
    judge = world.user(Role.JUDGE)
    _reviewed(review, datetime.datetime.combine(D(2025, 6, 15), NOON))
    (item,) = queue(judge, kind="review")
    assert item.due_on == TODAY  # the last day to object
    _reviewed(review, datetime.datetime.combine(D(2025, 6, 14), NOON))
    assert queue(judge, kind="review") == []


def test_a_campaign_case_waits_for_its_leader_and_judge_until_closed(world):
    leader = world.user(Role.DIVISION_HEAD)
    entry = _campaign_entry(world, leader=leader, target_on=D(2025, 6, 20))
    for user in (leader, world.user(Role.JUDGE)):
        (item,) = queue(user, kind="campaign")
        assert (item.pk, item.overdue) == (entry.pk, True)
    assert queue(world.user(Role.COURT_LEADER), kind="campaign") == []
    world.case.closed_on = D(2025, 6, 29)
    world.case.save(update_fields=["closed_on"])
    assert queue(leader, kind="campaign") == []


def test_drafts_and_findings_wait_for_the_office(world):
    office = world.user(Role.OFFICE)
    draft = services.inquiry_create(
        division=world.division, indicator_slug="closed_to_filed_ratio", period="2025-W26",
        as_of=D(2025, 6, 29), value=0.55, title="结收比下降", body="较上周下降",
        deadline=D(2025, 7, 10), actor=None, send=False,
    )  # fmt: skip
    finding = _finding(world, world.division)
    _finding_elsewhere = Finding.objects.create(
        run=finding.run, kind="stalled_long_pending", scope="court", court=world.other_court,
        case_count=1, facts={"count": 1, "idle_days": 90, "since": "2025-03-01"},
    )  # fmt: skip
    items = queue(office)
    assert kinds_of(items) == [("draft", draft.pk), ("finding", finding.pk)]
    assert items[1].url == f"/reports/health/findings/{finding.pk}/"
    assert "长期未结且久无进展" in items[1].title
    for role in (Role.DIVISION_HEAD, Role.ANALYST, Role.COURT_LEADER, Role.JUDGE):
        assert queue(world.user(role), kind="finding") == [], role
        assert queue(world.user(role), kind="draft") == [], role


def test_overdue_items_come_first_and_undated_last(world):
    judge, office = world.user(Role.JUDGE), world.user(Role.OFFICE)
    _mark(world)
    sooner = _notice(world, title="先到期", deadline=JULY_5)
    later = _notice(world, title="后到期", deadline=JULY_20)
    ten_days_on = queue(judge, day=D(2025, 7, 10))
    assert [(item.title, item.overdue) for item in ten_days_on] == [
        ("先到期", True),
        ("后到期", False),
    ]
    for notice in (later, sooner):
        services.letter_answer(letter=notice, answer="答", actor=judge)
    assert [item.kind for item in queue(office)] == ["notice", "notice", "mark"]
    assert [item.title for item in queue(office)][:2] == ["先到期", "后到期"]


def test_a_page_of_the_queue_reads_only_what_it_needs_and_agrees_with_the_whole(world):
    judge = world.user(Role.JUDGE)
    for day in range(25):  # 25 cases nearing their limit, one a day
        world.new_case(filed_on=D(2024, 12, 20) + datetime.timedelta(day))
    _notice(world, deadline=D(2025, 7, 3))
    whole = QueueList(judge)
    assert len(whole) == 26
    everything = whole[:26]
    assert [item.due_on for item in everything] == sorted(item.due_on for item in everything)
    assert kinds_of(QueueList(judge)[20:26]) == kinds_of(everything[20:26])
    assert kinds_of([QueueList(judge)[25]]) == kinds_of(everything[25:])
    assert QueueList(judge)[0:0] == [] and QueueList(judge)[26:40] == []
    with CaptureQueriesContext(connection) as queries:
        page = QueueList(judge)[0:20]
    # One count of every kind a judge may receive, one read of the keys (due date, pk) of the
    # first 20 rows of every kind that holds something, then one read per kind on the page.
    assert {item.kind for item in page} == {"notice", "deadline"} and len(queries) == 4
    notice_at = [item.kind for item in everything].index("notice")
    assert notice_at >= 2
    with CaptureQueriesContext(connection) as queries:
        before_the_notice = QueueList(judge)[0:notice_at]
    assert {item.kind for item in before_the_notice} == {"deadline"} and len(queries) == 3
    assert kinds_of(before_the_notice) == kinds_of(everything[:notice_at])


# --- the page, the top bar, the API ----------------------------------------------------------


def test_the_page_lists_filters_and_pages_the_queue(world, web, nearing):
    _notice(world)
    for day in range(24):
        world.new_case(filed_on=D(2024, 12, 20) + datetime.timedelta(day))
    judge = web(Role.JUDGE)
    page = text(judge.get("/supervision/inbox/"))
    assert "我的待办" in page and "共 26 条" in page
    assert page.count('class="queue-item') == 20
    assert 'data-kind="deadline"' in page
    second = text(judge.get("/supervision/inbox/?page=2"))
    assert second.count('class="queue-item') == 6 and "督办：请加快审理" in second
    only = text(judge.get("/supervision/inbox/?kind=notice"))
    assert only.count('class="queue-item') == 1 and "签收" in only
    # Untrusted query strings: an unknown kind or page is the whole queue, page 1 or the last.
    for query in ("?kind=nonsense", "?kind=finding", "?page=abc", "?page=999", "?tab=%00"):
        assert judge.get(f"/supervision/inbox/{query}").status_code == 200


def test_signing_for_a_letter_from_the_queue(world, web):
    notice = _notice(world)
    page = text(web(Role.JUDGE).get("/supervision/inbox/"))
    assert f'action="/supervision/notices/{notice.pk}/"' in page
    response = web(Role.JUDGE).post(f"/supervision/notices/{notice.pk}/", {"action": "acknowledge"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.state == "acknowledged"


@pytest.mark.parametrize("role", list(Role))
def test_the_top_bar_counts_what_waits_on_every_page(world, web, role):
    _notice(world)
    _mark(world)
    counts = queue_counts(world.user(role))
    page = text(web(role).get("/cases/"))
    found = re.search(r'id="topbar-queue">[^<]*<span class="queue-count[^"]*">(\d+)<', page)
    assert found, page[:2000]
    assert int(found.group(1)) == sum(counts.values())
    if role == Role.JUDGE:
        assert found.group(1) == "1"


def test_the_top_bar_counts_every_kind_in_one_query(world, web, client):
    _notice(world)  # sent: the judge's to answer, not yet the office's
    _mark(world)  # the office's to confirm
    office = web(Role.OFFICE)
    office.get("/cases/")  # the session, warm
    assert len(queue_counts(world.user(Role.OFFICE))) >= 6
    with CaptureQueriesContext(connection) as queries:
        page = text(office.get("/accounts/password/"))
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"].upper()]
    assert len(counts) == 1
    assert '<span class="queue-count">1<' in page
    with CaptureQueriesContext(connection) as anonymous:
        assert "queue-count" not in text(client.get("/accounts/login/"))
    assert not [q for q in anonymous.captured_queries if "COUNT(*)" in q["sql"].upper()]


def test_the_api_inbox_keeps_its_fields_and_adds_the_other_kinds(world, as_role, nearing):
    notice = _notice(world)
    rows = as_role(Role.JUDGE).get("/api/v1/supervision/inbox/").json()
    assert [(row["type"], row["id"], row["action"]) for row in rows] == [
        ("deadline", nearing.pk, "conclude"),
        ("notice", notice.pk, "answer"),
    ]
    letter = rows[1]
    for key in ("title", "state", "state_label", "deadline", "overdue", "division_name"):
        assert key in letter
    assert (
        letter["court_code"] == "苏0505" and letter["url"] == f"/supervision/notices/{notice.pk}/"
    )
    assert letter["kind"] == "notice" and letter["due_on"] == "2025-07-20"
    only = as_role(Role.JUDGE).get("/api/v1/supervision/inbox/?kind=notice").json()
    assert [row["id"] for row in only] == [notice.pk]
    paged = as_role(Role.JUDGE).get("/api/v1/supervision/inbox/?page=1").json()
    assert paged["count"] == 2 and len(paged["results"]) == 2
    bad = as_role(Role.JUDGE).get("/api/v1/supervision/inbox/?kind=nonsense")
    assert bad.status_code == 400 and "kind" in bad.json()


# --- notifications ---------------------------------------------------------------------------


def test_measure_and_extension_notifications_link_to_the_case(world):
    mark = _mark(world)
    measure = _measure(world, mark)
    url = f"/supervision/cases/{world.case.pk}/"
    told = Notification.objects.get(
        recipient=world.user(Role.JUDGE), title__contains="监督管理措施"
    )
    assert told.url == url + "#measures"
    services.measure_respond(measure=measure, response="已排期", actor=world.user(Role.JUDGE))
    back = Notification.objects.get(recipient=world.user(Role.COURT_LEADER))
    assert back.url == url + "#measures"
    case = world.new_case(filed_on=D(2025, 2, 1))
    extension = services.extension_request(
        case=case, days=30, reason="鉴定", actor=world.user(Role.JUDGE)
    )
    asked = Notification.objects.filter(recipient=world.user(Role.COURT_LEADER)).first()
    assert asked.url == f"/supervision/cases/{case.pk}/#extensions"
    services.extension_decide(
        extension=extension, approve=False, note="理由不足", actor=world.user(Role.COURT_LEADER)
    )
    decided = Notification.objects.filter(recipient=world.user(Role.JUDGE)).first()
    assert "未批准" in decided.title and decided.url == f"/supervision/cases/{case.pk}/#extensions"


def test_notifications_are_marked_read_one_and_all_in_the_page(world, web):
    judge = world.user(Role.JUDGE)
    first, second = _notice(world, title="一"), _notice(world, title="二")
    client = web(Role.JUDGE)
    page = text(client.get("/supervision/inbox/?tab=notifications"))
    assert f'href="/supervision/notices/{first.pk}/"' in page and "全部标为已读（2）" in page
    one = Notification.objects.get(recipient=judge, notice=first)
    response = client.post(f"/supervision/notifications/{one.pk}/read/")
    assert response.status_code == 302 and "tab=notifications" in response.url
    assert Notification.objects.in_scope(judge).unread().count() == 1
    # Someone else's: not found, and unchanged.
    office_own = Notification.objects.create(recipient=world.user(Role.OFFICE), title="x")
    assert client.post(f"/supervision/notifications/{office_own.pk}/read/").status_code == 404
    assert client.get(f"/supervision/notifications/{one.pk}/read/").status_code == 405
    client.post("/supervision/notifications/read/")
    assert Notification.objects.in_scope(judge).unread().count() == 0
    office_own.refresh_from_db()
    assert office_own.read_at is None
    assert second.pk and "全部标为已读" not in text(
        client.get("/supervision/inbox/?tab=notifications")
    )
