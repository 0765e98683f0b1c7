"""Supervision pages: inbox, notice round trip, a case's supervision, the ledger."""

from cases.choices import Role
from supervision.choices import LetterState, TraceKind
from supervision.models import ExtensionRequest, Measure, Notice, TraceEntry
from tests.factories import UserFactory


def test_notice_issued_answered_and_closed_through_the_pages(world, web):
    office, judge = web(Role.OFFICE), web(Role.JUDGE)
    form = office.get(f"/supervision/notices/new/?case={world.case.pk}")
    assert world.case.case_number in form.content.decode()
    issued = office.post(
        "/supervision/notices/new/",
        {
            "case_numbers": world.case.case_number,
            "judge": world.judge.pk,
            "title": "督办：请加快审理",
            "body": "请说明进展",
            "deadline": "2025-07-10",
        },
    )
    notice = Notice.objects.get()
    assert issued.status_code == 302 and issued["Location"] == f"/supervision/notices/{notice.pk}/"
    inbox = judge.get("/supervision/inbox/").content.decode()
    assert "督办：请加快审理" in inbox
    judge.post(f"/supervision/notices/{notice.pk}/", {"action": "acknowledge"})
    judge.post(f"/supervision/notices/{notice.pk}/", {"action": "answer", "answer": "已排期"})
    page = office.get(f"/supervision/notices/{notice.pk}/").content.decode()
    assert 'id="close-form"' in page
    office.post(f"/supervision/notices/{notice.pk}/", {"action": "close", "note": "同意"})
    notice.refresh_from_db()
    assert notice.state == LetterState.CLOSED
    trail = office.get(f"/supervision/notices/{notice.pk}/").content.decode()
    for label in ("发出督办通知", "签收", "答复", "办结"):
        assert label in trail


def test_head_marks_president_takes_measure_judge_responds_on_the_case_page(world, web):
    url = f"/supervision/cases/{world.case.pk}/"
    web(Role.DIVISION_HEAD).post(url, {"action": "mark", "category": 1, "reason": "新类型"})
    web(Role.COURT_LEADER).post(
        url,
        {
            "action": "measure",
            "kind": "require_report",
            "instruction": "报告进展",
            "deadline": "2025-07-10",
        },
    )
    measure = Measure.objects.get()
    web(Role.JUDGE).post(url, {"action": "respond", "object_id": measure.pk, "response": "已评议"})
    page = web(Role.JUDGE).get(url).content.decode()
    kinds = [TraceKind.MARKED, TraceKind.MEASURE_TAKEN, TraceKind.MEASURE_RESPONDED]
    positions = [page.index(f'data-kind="{kind}"') for kind in kinds]
    assert positions == sorted(positions)


def test_a_refused_approval_on_the_page_says_why_and_is_recorded(world, web):
    url = f"/supervision/cases/{world.case.pk}/"
    web(Role.JUDGE).post(url, {"action": "extension", "days": 30, "reason": "鉴定"})
    extension = ExtensionRequest.objects.get()
    answer = web(Role.DIVISION_HEAD).post(
        url, {"action": "approve", "object_id": extension.pk, "note": ""}, follow=True
    )
    assert "审限变更一支笔" in answer.content.decode()
    assert TraceEntry.objects.filter(
        kind=TraceKind.REFUSED, actor=world.user(Role.DIVISION_HEAD)
    ).exists()
    web(Role.COURT_LEADER).post(url, {"action": "approve", "object_id": extension.pk})
    world.case.refresh_from_db()
    # Courtdash's own approval, kept apart from the imported extension (an import never undoes it)
    assert (world.case.approved_extension_days, world.case.effective_extension_days) == (30, 30)


def test_pages_out_of_reach_are_not_found(world, web):
    colleague = web(UserFactory(role=Role.JUDGE, judge=world.colleague, court=world.court))
    assert colleague.get(f"/supervision/cases/{world.case.pk}/").status_code == 404
    assert (
        web(Role.OFFICE).get(f"/supervision/cases/{world.other_court_case.pk}/").status_code == 404
    )


def test_the_ledger_page_lists_open_marks(world, web):
    web(Role.DIVISION_HEAD).post(
        f"/supervision/cases/{world.case.pk}/", {"action": "mark", "category": 2, "reason": "群体"}
    )
    page = web(Role.OFFICE).get("/supervision/ledger/").content.decode()
    assert world.case.case_number in page and "第2类" in page
