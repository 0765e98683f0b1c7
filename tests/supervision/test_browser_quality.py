"""评查 (case quality review) in a real Chromium (Playwright), through its whole life: the city
office opens a routine campaign (sampled from a seed) over 苏0505's closed cases and names a
reviewer of 苏0506; the reviewer finds the case in 我的待办 and scores it 瑕疵; the case's
judge finds the rectification in 我的待办 and answers it; 苏0505's office accepts it; the
results page shows it per unit and per item, and its XLSX downloads. Every page passes
axe-core (WCAG 2 A/AA) and fits 390 px and 1440 px; screenshots land in out/quality/."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from cases.choices import Role
from supervision.models import QualityCampaign, QualityReview, Rectification
from supervision.services import quality as services
from tests.browser import OUT, axe_violations, horizontal_overflow, overflowing
from tests.browser import sign_in as browser_sign_in
from tests.factories import DivisionFactory, JudgeFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
D = datetime.date
SHOTS = OUT / "quality"
WIDTHS = (1440, 390)


def sign_in(page, live, username):
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1440, "height": 900})
    browser_sign_in(page, live, username)
    page.wait_for_load_state()


def checked(page, name: str, failures: list[str]) -> None:
    """axe-core and the width at both widths, with a screenshot each (back at 1440 px)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    url = page.url
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if width != WIDTHS[0]:
            page.goto(url)
        failures += [f"{name} {width}px {violation}" for violation in axe_violations(page)]
        if overflow := horizontal_overflow(page):
            failures.append(f"{name} {width}px {overflow}px too wide: {overflowing(page)}")
        page.screenshot(path=SHOTS / f"{name}_{width}.png", full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(url)


def test_a_campaign_is_sampled_scored_across_courts_rectified_and_reported(live, page, world):
    failures: list[str] = []
    office = world.user(Role.OFFICE)
    UserFactory(username="city-office", role=Role.OFFICE, court=world.city)
    for n in range(5):
        world.new_case(
            filed_on=D(2025, 1, 3), closed_on=D(2025, 3, 10 + n), closing_method="judgment"
        )
    foreign = DivisionFactory(court=world.other_court, name="刑事审判庭")
    reviewer = UserFactory(
        username="reviewer-b",
        first_name="外院评查员",
        role=Role.JUDGE,
        court=world.other_court,
        division=foreign,
        judge=JudgeFactory(division=foreign, staff_id="RB1", name="赵评查"),
    )
    sheet = services.quality_sheet_create(
        name="民事案件评查表",
        court=world.court,
        items=services.parse_items("事实认定｜30｜10,20,30\n审理程序｜20\n裁判文书｜10"),
        actor=office,
    )

    # 1. The city office opens a routine campaign: 20% of each judge's closed cases, seed 7.
    sign_in(page, live, "city-office")
    page.goto(f"{live.url}/supervision/quality/new/")
    checked(page, "campaign_new", failures)
    page.fill("#id_name", "2025年上半年常规评查")
    page.select_option("#id_court", str(world.court.pk))
    page.fill("#id_closed_from", "2025-01-01")
    page.fill("#id_closed_to", "2025-06-30")
    page.select_option("#id_sheet", str(sheet.pk))
    page.fill("#id_share_percent", "20")
    page.fill("#id_seed", "7")
    page.click("#quality-campaign-form button[type=submit]")
    page.wait_for_url("**/supervision/quality/*/")
    campaign = QualityCampaign.objects.get()
    sampled = list(campaign.reviews.values_list("case_id", flat=True))
    assert len(sampled) == 1 and campaign.seed == 7  # 20% of 5: one case
    case = QualityReview.objects.get().case
    assert case.case_number in page.locator("#reviews").inner_text()
    page.check(f"#assign-pool input[name=reviewers][value='{reviewer.pk}']")
    page.click("#assign-pool button[type=submit]")
    page.wait_for_load_state()
    assert "外院评查员" in page.locator("#reviews").inner_text()
    checked(page, "campaign", failures)

    # 2. The reviewer of 苏0506 finds it in 我的待办 and scores it: 75 points, 瑕疵.
    sign_in(page, live, "reviewer-b")
    page.goto(f"{live.url}/supervision/inbox/")
    page.click(f"a[href='/supervision/quality/reviews/{QualityReview.objects.get().pk}/']")
    page.wait_for_url("**/supervision/quality/reviews/*/")
    assert case.case_number in page.locator("h1").inner_text()
    checked(page, "review_form", failures)
    items = {item.name: item.pk for item in sheet.items.all()}
    page.select_option(f"#id_points_{items['事实认定']}", "20")
    page.fill(f"#id_note_{items['事实认定']}", "关键事实证据不足")
    page.fill(f"#id_points_{items['审理程序']}", "5")
    page.fill(f"#id_note_{items['审理程序']}", "送达程序瑕疵")
    page.fill("#id_opinion", "事实认定和程序存在瑕疵，请整改")
    page.click("#quality-score-form button[type=submit]")
    page.wait_for_load_state()
    assert "瑕疵" in page.locator("#quality-state").inner_text()
    checked(page, "review_scored", failures)
    review = QualityReview.objects.get()
    assert review.score == 75 and review.reviewer_id == reviewer.pk
    assert reviewer.judge.court_id != review.case.court_id  # never the case's own court

    # 3. The case's judge finds the rectification in 我的待办 and answers it.
    sign_in(page, live, Role.JUDGE.value)
    item = Rectification.objects.get()
    page.goto(f"{live.url}/supervision/inbox/")
    page.click(f"a[href='/supervision/quality/rectifications/{item.pk}/']")
    page.wait_for_url("**/supervision/quality/rectifications/*/")
    checked(page, "rectification_open", failures)
    page.fill("#id_answer", "已补强证据说理，规范送达")
    page.click("#answer-form button[type=submit]")
    page.wait_for_load_state()
    assert "已答复" in page.locator("#rectification-state").inner_text()

    # 4. 苏0505's office accepts it.
    sign_in(page, live, Role.OFFICE.value)
    page.goto(f"{live.url}/supervision/quality/rectifications/{item.pk}/")
    page.check("#decide-form input[value=accept]")
    page.click("#decide-form button[type=submit]")
    page.wait_for_load_state()
    assert "整改完成" in page.locator("#rectification-state").inner_text()
    checked(page, "rectification_done", failures)

    # 5. Reported: the results per unit and per item, and the XLSX.
    page.goto(f"{live.url}/supervision/quality/results/?campaign={campaign.pk}")
    assert "事实认定" in page.locator("#by-item").inner_text()
    assert world.division.name in page.locator("#by-unit").inner_text()
    checked(page, "results", failures)
    for name, path in (
        ("campaigns", "/supervision/quality/"),
        ("rectifications", "/supervision/quality/rectifications/"),
        ("sheets", "/supervision/quality/sheets/"),
        ("sheet", f"/supervision/quality/sheets/{sheet.pk}/"),
    ):
        page.goto(f"{live.url}{path}")
        checked(page, name, failures)
    page.goto(f"{live.url}/supervision/quality/results/?campaign={campaign.pk}")
    with page.expect_download() as download:
        page.click("#quality-xlsx")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    rows = list(book["案件"].iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == case.case_number and rows[0][7] == "瑕疵"
    assert not page.console_errors, page.console_errors
    assert not failures, "\n".join(failures)
