"""The supervision walk in a real Chromium (Playwright) against a live server: the office issues
a notice about a case to a judge, the judge answers it from the inbox, the office closes it, and
the trail shows each step with who and when; a division head marks the case as four-type, the
president takes a measure, the judge responds — all on the case's timeline."""

import datetime

import pytest

from cases.choices import Role
from tests.browser import OUT
from tests.browser import sign_in as browser_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live, username):
    """Sign in afresh (the walks change hands between people)."""
    page.context.clear_cookies()
    browser_sign_in(page, live, username)


def test_office_notice_judge_answers_office_closes_with_the_trail(live, page, world):
    case = world.case
    sign_in(page, live, "office")
    page.goto(f"{live.url}/supervision/notices/new/?case={case.pk}")
    assert case.case_number in page.locator("#id_case_numbers").input_value()
    page.fill("#id_title", "督办：请加快审理")
    page.fill("#id_body", "请于期限内说明审理进展")
    page.fill("#id_deadline", "2025-07-10")
    page.click("#notice-form button[type=submit]")
    assert page.locator(".page-head h1").inner_text() == "督办：请加快审理"
    notice_url = page.url

    sign_in(page, live, "judge")
    page.goto(f"{live.url}/supervision/inbox/")
    page.click("#inbox >> text=督办：请加快审理")
    page.fill("#answer-form textarea", "已定于7月5日开庭")
    page.click("#answer-form button[type=submit]")
    assert page.locator("#letter-state").inner_text() == "已答复"
    page.screenshot(path=OUT / "supervision_notice_answered.png", full_page=True)

    sign_in(page, live, "office")
    page.goto(notice_url)
    page.click("#close-form button[type=submit]")
    assert page.locator("#letter-state").inner_text() == "已办结"
    trail = page.locator("#letter-trail .timeline-item")
    steps = [
        (
            item.locator(".timeline-title").inner_text(),
            item.locator(".timeline-note").first.inner_text(),
        )
        for item in trail.all()
    ]
    assert steps == [("发出督办通知", "office"), ("答复", "judge"), ("办结", "office")]
    dates = page.locator("#letter-trail .timeline-date").all_inner_texts()
    assert len(dates) == len(steps)  # each step says when
    assert all(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M") for text in dates)
    page.screenshot(path=OUT / "supervision_notice_closed.png", full_page=True)
    assert not page.console_errors


def test_head_marks_president_measures_judge_responds_on_the_timeline(live, page, world):
    url = f"{live.url}/supervision/cases/{world.case.pk}/"
    sign_in(page, live, Role.DIVISION_HEAD.value)
    page.goto(url)
    page.select_option("#mark-form select[name=category]", "1")
    page.fill("#mark-form textarea[name=reason]", "新类型案件，法律适用争议大")
    page.click("#mark-form button[type=submit]")

    sign_in(page, live, Role.COURT_LEADER.value)
    page.goto(url)
    page.select_option("#measure-form select[name=kind]", "require_report")
    page.fill("#measure-form textarea[name=instruction]", "7月10日前报告合议庭评议结果")
    page.fill("#measure-form input[name=deadline]", "2025-07-10")
    page.click("#measure-form button[type=submit]")

    sign_in(page, live, Role.JUDGE.value)
    page.goto(url)
    page.fill("#measures textarea[name=response]", "合议庭已评议，意见一致")
    page.click("#measures form button[type=submit]")

    titles = page.locator("#supervision-timeline .timeline-title").all_inner_texts()
    assert titles == ["标注四类案件", "采取监督管理措施", "承办法官回复"]
    who = page.locator("#supervision-timeline .timeline-note").all_inner_texts()
    assert [who[0], who[2], who[4]] == ["division_head", "court_leader", "judge"]
    page.screenshot(path=OUT / "supervision_case.png", full_page=True)
    assert not page.console_errors


def shot(page, name: str) -> None:
    page.screenshot(path=OUT / f"supervision_{name}.png", full_page=True)


@pytest.fixture
def work(world):
    """Something on every supervision page: long-pending and overdue cases, a division past its
    warning line (a draft inquiry), a case reversed on appeal (a review)."""
    from decimal import Decimal

    from metrics.choices import Scope
    from metrics.models import IndicatorValue
    from supervision import services
    from tests.factories import CaseFactory

    D = datetime.date
    aged = [
        world.new_case(filed_on=day)
        for day in (D(2024, 5, 20), D(2023, 10, 15), D(2022, 12, 20), D(2022, 2, 10))
    ]
    world.new_case(judge=world.colleague, filed_on=D(2024, 7, 15))
    for as_of, value in ((D(2025, 6, 22), 96.4), (D(2025, 6, 29), 93.8)):
        IndicatorValue.objects.create(
            as_of=as_of,
            period="ytd",
            scope=Scope.DIVISION,
            court=world.court,
            division=world.division,
            indicator="within_limit_rate",
            numerator=Decimal(str(value)),
            denominator=100,
            value=value,
        )
    services.abnormalities_detect(as_of=D(2025, 6, 29))
    CaseFactory(
        judge=world.judge,
        filed_on=D(2024, 3, 1),
        closed_on=D(2024, 8, 1),
        closing_method="judgment",
        appeal_outcome="modified",
        appeal_decided_on=D(2025, 5, 10),
    )
    services.reviews_open_missing()
    return aged


def test_the_offices_supervision_work_through_every_page(live, page, world, work):
    sign_in(page, live, Role.OFFICE.value)

    # 研判 → 异常函询: the draft with its evidence, sent.
    page.goto(f"{live.url}/supervision/abnormalities/")
    draft = page.locator(".draft").first
    assert "93.80%" in draft.inner_text() and "触及预警线" in draft.inner_text()
    shot(page, "abnormalities")
    draft.locator(".send-form button[type=submit]").click()
    assert "异常函询已发送" in page.locator(".messages").inner_text()
    assert page.locator("#no-drafts").is_visible()

    # Long-pending by age bucket, the outlook, then a campaign from the court's list.
    page.goto(f"{live.url}/supervision/long-pending/?court={world.court.pk}")
    assert page.locator("#long-pending-total").inner_text() == "4"
    shot(page, "long_pending")
    page.click('[data-outlook="12_30"]')
    assert page.locator("#case-list tbody tr").count() == 1
    shot(page, "long_pending_outlook")
    page.click("#start-campaign")
    page.fill("#id_target_on", "2025-09-30")
    shot(page, "campaign_new")
    page.click("#campaign-form button[type=submit]")
    assert "剩余 4 件" in page.locator("#progress").inner_text()
    row = page.locator("#entries tbody tr").first
    row.locator("select[name=leader]").select_option(label="court_leader（院领导）")
    row.locator("input[name=target_on]").fill("2025-08-31")
    row.locator("button[type=submit]").click()
    assert "已落实包案领导" in page.locator(".messages").inner_text()
    assert "court_leader" in page.locator("#entries tbody tr").first.inner_text()
    shot(page, "campaign")
    page.goto(f"{live.url}/supervision/campaigns/")
    shot(page, "campaigns")

    # Overdue cases per unit.
    page.goto(f"{live.url}/supervision/overdue/")
    assert int(page.locator("#overdue-total").inner_text()) >= 4
    shot(page, "overdue")

    # A reversal review recorded, then the quarter's report.
    page.goto(f"{live.url}/supervision/reviews/")
    shot(page, "reviews")
    page.click("#reviews tbody a.case-number")
    page.select_option("#id_reason_class", "application_of_law")
    page.check("#id_is_error_1")
    page.select_option("#id_severity", "ordinary")
    page.fill("#id_opinion", "法律适用错误，属一般差错")
    page.click("#record-form button[type=submit]")
    assert page.locator("#review-state").inner_text() == "已评查"
    shot(page, "review")
    page.goto(f"{live.url}/supervision/reviews/report/?year=2025&quarter=2")
    assert page.locator("#review-report tfoot").inner_text().split()[1] == "1"
    shot(page, "review_report")
    with page.expect_download() as download:
        page.click("#xlsx")
    assert download.value.suggested_filename == "reversal-review-2025-Q2-division.xlsx"
    assert not page.console_errors


def test_an_inspector_records_a_joint_inspection_and_reads_the_trail(live, page, world, work):
    sign_in(page, live, Role.INSPECTOR.value)
    page.goto(f"{live.url}/supervision/inspections/new/")
    page.fill("#id_title", "第二季度审判执行联合督查")
    page.fill("#id_inspected_on", "2025-06-20")
    page.fill("#id_findings", "抽查长期未结案件，财产查控不及时。")
    page.fill("#id_case_numbers", work[3].case_number)
    page.check(f"#id_participants input[value='{world.user(Role.OFFICE).pk}']")
    shot(page, "inspection_new")
    page.click("#inspection-form button[type=submit]")
    assert page.locator("#inspection-state").inner_text() == "待审管办批准"
    assert work[3].case_number in page.locator("#inspection-cases").inner_text()
    shot(page, "inspection_requested")
    inspection_url = page.url
    # The office approves the request: only then is the inspector joined to the case.
    sign_in(page, live, Role.OFFICE.value)
    page.goto(inspection_url)
    page.click("#approve-form button[type=submit]")
    assert page.locator("#inspection-state").inner_text() == "已批准"
    sign_in(page, live, Role.INSPECTOR.value)
    page.goto(inspection_url)
    assert page.locator("#inspection-cases a.case-number").inner_text() == work[3].case_number
    shot(page, "inspection")
    page.goto(f"{live.url}/supervision/inspections/")
    shot(page, "inspections")
    page.goto(f"{live.url}/supervision/trail/")
    assert "联合督查" in page.locator("#trail tbody").inner_text()
    shot(page, "trail")
    # Joined to the case, the inspector opens it: the case page carries the timeline.
    page.goto(f"{live.url}/cases/{work[3].pk}/")
    assert "联合督查" in page.locator("#supervision-timeline").inner_text()
    shot(page, "case_page")
    assert not page.console_errors
