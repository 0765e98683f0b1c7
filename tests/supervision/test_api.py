"""The supervision REST API: the notice round trip, scoping, refusals, reports, the schema."""

import datetime

from cases.choices import Role
from cases.models import AuditEvent
from supervision import services
from supervision.choices import TraceKind
from supervision.models import TraceEntry
from tests.factories import UserFactory

D = datetime.date
API = "/api/v1/supervision"


def test_office_notice_judge_answer_office_close_all_on_the_timeline(world, as_role):
    office, judge = as_role(Role.OFFICE), as_role(Role.JUDGE)
    created = office.post(
        f"{API}/notices/",
        {
            "cases": [world.case.pk],
            "judge": world.judge.pk,
            "title": "督办：请加快审理",
            "body": "请于期限内说明进展",
            "deadline": "2025-07-10",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    notice_id = created.json()["id"]
    inbox = judge.get(f"{API}/inbox/").json()
    assert [(item["type"], item["id"], item["action"]) for item in inbox] == [
        ("notice", notice_id, "answer")
    ]
    assert judge.post(f"{API}/notices/{notice_id}/acknowledge/").status_code == 200
    answered = judge.post(f"{API}/notices/{notice_id}/answer/", {"answer": "已定于7月5日开庭"})
    assert answered.json()["state"] == "answered"
    closed = office.post(f"{API}/notices/{notice_id}/close/", {"note": "同意"})
    assert closed.json()["state"] == "closed"
    assert closed.json()["closed_by"]["username"] == "office"

    timeline = judge.get(f"{API}/timelines/{world.case.pk}/").json()
    steps = [(entry["kind"], entry["actor_name"]) for entry in timeline["entries"]]
    assert steps == [
        (TraceKind.NOTICE_ISSUED, "office"),
        (TraceKind.LETTER_ACKNOWLEDGED, "judge"),
        (TraceKind.LETTER_ANSWERED, "judge"),
        (TraceKind.LETTER_CLOSED, "office"),
    ]
    assert all(entry["at"] for entry in timeline["entries"])
    assert AuditEvent.objects.filter(detail__view="supervision_timeline").exists()


def test_mark_measure_response_through_the_api(world, as_role):
    mark = as_role(Role.DIVISION_HEAD).post(
        f"{API}/marks/", {"case": world.case.pk, "category": 1, "reason": "新类型案件"}
    )
    assert mark.status_code == 201
    measure = as_role(Role.COURT_LEADER).post(
        f"{API}/measures/",
        {
            "case": world.case.pk,
            "kind": "require_report",
            "instruction": "7月10日前报告评议结果",
            "deadline": "2025-07-10",
        },
    )
    assert measure.status_code == 201, measure.json()
    response = as_role(Role.JUDGE).post(
        f"{API}/measures/{measure.json()['id']}/respond/", {"response": "合议庭已评议"}
    )
    assert response.json()["responded_by"]["username"] == "judge"
    kinds = [
        e["kind"]
        for e in as_role(Role.JUDGE).get(f"{API}/timelines/{world.case.pk}/").json()["entries"]
    ]
    assert kinds == [TraceKind.MARKED, TraceKind.MEASURE_TAKEN, TraceKind.MEASURE_RESPONDED]


def test_a_judge_confirming_a_mark_gets_403_in_chinese_and_it_is_recorded(world, as_role):
    mark = services.four_type_mark(
        case=world.case, category=1, reason="疑难", actor=world.user(Role.JUDGE)
    )
    refused = as_role(Role.JUDGE).post(f"{API}/marks/{mark.pk}/confirm/", {"reason": "我确认"})
    assert refused.status_code == 403
    assert "不能确认四类案件" in refused.json()["detail"]
    assert TraceEntry.objects.filter(kind=TraceKind.REFUSED, actor=world.user(Role.JUDGE)).exists()


def test_an_extension_approved_by_the_office_is_refused_and_recorded(world, as_role):
    extension = as_role(Role.JUDGE).post(
        f"{API}/extension-requests/", {"case": world.case.pk, "days": 30, "reason": "鉴定"}
    )
    assert extension.status_code == 201
    url = f"{API}/extension-requests/{extension.json()['id']}/approve/"
    refused = as_role(Role.OFFICE).post(url, {"note": "同意"})
    assert refused.status_code == 403
    assert "审限变更一支笔" in refused.json()["detail"]
    approved = as_role(Role.COURT_LEADER).post(url, {"note": "同意"})
    assert approved.json()["new_deadline"] == "2025-10-01"
    assert TraceEntry.objects.filter(kind=TraceKind.REFUSED, actor=world.user(Role.OFFICE)).exists()


def test_a_second_pending_extension_request_of_a_case_is_a_400(world, as_role):
    judge = as_role(Role.JUDGE)
    body = {"case": world.case.pk, "days": 30, "reason": "鉴定"}
    assert judge.post(f"{API}/extension-requests/", body).status_code == 201
    second = judge.post(f"{API}/extension-requests/", body)
    assert second.status_code == 400
    assert "待审批" in second.json()["detail"][0]


def test_a_broken_rule_is_a_400_with_the_reason(world, as_role):
    late = world.new_case(filed_on=D(2025, 1, 10))
    answer = as_role(Role.JUDGE).post(
        f"{API}/extension-requests/", {"case": late.pk, "days": 30, "reason": "x"}
    )
    assert answer.status_code == 400
    assert "15日前" in answer.json()["detail"][0]


def test_records_out_of_scope_are_not_found(world, as_role):
    notice = services.notice_issue(
        cases=[world.case],
        judge=world.judge,
        title="督办",
        body="x",
        deadline=D(2025, 7, 10),
        actor=world.user(Role.OFFICE),
    )
    colleague = as_role(UserFactory(role=Role.JUDGE, judge=world.colleague, court=world.court))
    assert colleague.get(f"{API}/notices/{notice.pk}/").status_code == 404
    assert colleague.get(f"{API}/notices/").json()["count"] == 0
    assert colleague.get(f"{API}/timelines/{world.case.pk}/").status_code == 404
    assert as_role(Role.DIVISION_HEAD).get(f"{API}/notices/").json()["count"] == 1
    assert as_role(Role.INSPECTOR).get(f"{API}/notices/").json()["count"] == 1
    other_office = as_role(UserFactory(role=Role.OFFICE, court=world.other_court))
    assert other_office.get(f"{API}/notices/").json()["count"] == 0
    city_office = as_role(UserFactory(role=Role.OFFICE, court=world.city))
    assert city_office.get(f"{API}/notices/").json()["count"] == 1


def test_a_case_out_of_reach_cannot_be_named_in_a_write(world, as_role):
    answer = as_role(Role.DIVISION_HEAD).post(
        f"{API}/marks/", {"case": world.other_court_case.pk, "category": 1, "reason": "x"}
    )
    assert answer.status_code == 400
    assert "case" in answer.json()


def test_marks_list_is_scoped_and_its_queries_do_not_grow_with_rows(
    world, as_role, django_assert_max_num_queries
):
    head = world.user(Role.DIVISION_HEAD)
    for _ in range(5):
        services.four_type_mark(case=world.new_case(), category=1, reason="x", actor=head)
    services.four_type_mark(
        case=world.new_case(judge=world.colleague), category=2, reason="x", actor=head
    )
    judge = as_role(Role.JUDGE)
    with django_assert_max_num_queries(6):
        listed = judge.get(f"{API}/marks/")
    assert listed.json()["count"] == 5
    assert as_role(Role.OFFICE).get(f"{API}/marks/?category=2").json()["count"] == 1


def test_reports_answer_for_the_scope(world, as_role):
    world.new_case(filed_on=D(2022, 1, 1))
    office = as_role(Role.OFFICE)
    [counts] = office.get(f"{API}/reports/long-pending/").json()
    assert counts["m36_plus"] == 1 and counts["total"] == 1
    cases = office.get(f"{API}/reports/long-pending/cases/?bucket=36_plus").json()
    assert cases["count"] == 1 and cases["results"][0]["age_bucket"] == "36_plus"
    outlook = office.get(f"{API}/reports/outlook/").json()
    assert [row["threshold_months"] for row in outlook] == [12, 24, 36]
    assert office.get(f"{API}/reports/overdue/").json()["count"] == 1
    assert office.get(f"{API}/reports/ledger/").json() == []


def test_review_report_downloads_as_xlsx(world, as_role):
    download = as_role(Role.OFFICE).get(f"{API}/reviews/report-xlsx/?year=2025&quarter=2")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download.content[:2] == b"PK"


def test_the_supervision_endpoints_are_in_the_schema(as_role, world):
    schema = as_role(Role.OFFICE).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in [
        "/api/v1/supervision/marks/{id}/confirm/",
        "/api/v1/supervision/extension-requests/{id}/approve/",
        "/api/v1/supervision/notices/{id}/return/",
        "/api/v1/supervision/inquiries/{id}/send/",
        "/api/v1/supervision/inbox/",
        "/api/v1/supervision/reviews/{id}/object/",
        "/api/v1/supervision/timelines/{id}/",
        "/api/v1/supervision/joint-inspections/",
    ]:
        assert path in paths
