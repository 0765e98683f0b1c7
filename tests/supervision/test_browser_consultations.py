"""拟发改再事先沟通 in a real Chromium (Playwright), issue 12 "Done when": an intended reversal
→ the consultation answered by the original judge → the outcome recorded → the case closed
reversed (as the import would close it) → the 发改再 review carries the consultation.

The second-instance judge (苏05) records the intention from the case's supervision page; the
original judge (苏0505) finds the answer to give in 我的待办 and answers; the second-instance
judge finds the outcome to record in theirs; the case closes 改判 and the nightly job opens the
review; the office opens the review and follows its link to the consultation and back. Every
page passes axe-core (WCAG 2 A/AA) and fits 390 px and 1440 px; screenshots in out/consult/."""

from __future__ import annotations

import datetime

import pytest

from cases.choices import Role
from cases.services import case_derived_refresh
from supervision import tasks
from supervision.choices import ConsultState
from supervision.models import Consultation, ReversalReview
from tests.browser import OUT, axe_violations, horizontal_overflow
from tests.browser import sign_in as browser_sign_in
from tests.supervision import test_consultations as base

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
appeal = base.appeal  # the fixture: 苏0505's closed case, its appeal pending at 苏05
SHOTS = OUT / "consult"
WIDTHS = (1440, 390)


class Walk:
    def __init__(self, page, live):
        self.page, self.live = page, live
        self.failures: list[str] = []
        self.who = ""

    def sign_in(self, username: str) -> None:
        self.page.context.clear_cookies()
        self.page.set_viewport_size({"width": 1440, "height": 900})
        browser_sign_in(self.page, self.live, username)
        self.page.wait_for_url(lambda url: "/accounts/login/" not in url)
        self.who = username

    def go(self, path: str, shot: str) -> None:
        self.page.goto(f"{self.live.url}{path}")
        self.check(shot)

    def check(self, shot: str) -> None:
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            where = f"{self.who} {width}px {shot}"
            self.failures += [f"{where} {violation}" for violation in axe_violations(self.page)]
            if overflow := horizontal_overflow(self.page):
                self.failures.append(f"{where}: {overflow}px wider than the screen")
            self.page.screenshot(path=SHOTS / f"{shot}_{width}.png", full_page=True)
        self.page.set_viewport_size({"width": 1440, "height": 900})


def test_an_intended_reversal_is_answered_and_joins_the_review_once_closed(live, page, appeal):
    SHOTS.mkdir(parents=True, exist_ok=True)
    walk = Walk(page, live)
    case, original = appeal.extra["appeal_case"], appeal.extra["original"]

    # 1. The second-instance judge records the intention from the case's supervision page.
    walk.sign_in("appeal-judge")
    walk.go(f"/supervision/cases/{case.pk}/", "1_case")
    page.click("#consult-open")
    page.wait_for_url(f"**/supervision/cases/{case.pk}/consult/")
    walk.check("2_open_form")
    page.check("#id_intention_0")  # 拟改判
    page.check("#id_reasons_0")  # 事实认定
    page.check("#id_reasons_1")  # 法律适用
    page.fill("#id_reasoning", "原审对借款本金认定有误，拟依法改判")
    page.click("#consult-form button[type=submit]")
    page.wait_for_url("**/supervision/consultations/*/")
    consultation = Consultation.objects.get()
    assert page.locator("#consultation-state").inner_text() == "待原审答复"
    walk.check("3_opened")

    # 2. The original judge: the answer to give is in 我的待办; answered on the page.
    walk.sign_in(Role.JUDGE.value)
    walk.go("/supervision/inbox/?kind=consultation", "4_judge_queue")
    item = page.locator(f"#inbox .queue-item[data-kind=consultation][data-id='{consultation.pk}']")
    assert item.count() == 1, page.locator("#inbox").inner_text()
    page.goto(f"{live.url}/supervision/consultations/{consultation.pk}/")
    page.check("#id_answer_1")  # 不同意
    page.fill("#id_answer_text", "借款本金有转账记录佐证，原审认定并无不当")
    page.click("#answer-form button[type=submit]")
    page.wait_for_url(f"**/supervision/consultations/{consultation.pk}/")
    assert page.locator("#consultation-state").inner_text() == "原审已答复"
    walk.check("5_answered")
    consultation.refresh_from_db()
    assert consultation.state == ConsultState.ANSWERED and consultation.answered_in_time

    # 3. The second-instance judge records the outcome (from their queue).
    walk.sign_in("appeal-judge")
    walk.go("/supervision/inbox/?kind=consultation", "6_appeal_queue")
    item = page.locator(f"#inbox .queue-item[data-kind=consultation][data-id='{consultation.pk}']")
    assert item.count() == 1
    page.goto(f"{live.url}/supervision/consultations/{consultation.pk}/")
    page.check("#id_outcome_0")  # 按拟意见改判、发回
    page.click("#outcome-form button[type=submit]")
    page.wait_for_url(f"**/supervision/consultations/{consultation.pk}/")
    assert page.locator("#consultation-state").inner_text() == "已登记结果"
    walk.check("7_concluded")

    # 4. The case closes 改判 (as the import writes it); the nightly job opens the review.
    case.closed_on, case.closing_method = datetime.date(2025, 6, 29), "modified"
    case.save(update_fields=["closed_on", "closing_method"])
    case_derived_refresh(case_ids=[case.pk])
    tasks.open_reversal_reviews()
    review = ReversalReview.objects.get(case=original)

    # 5. The office opens the review: the consultation is on it, and links back.
    walk.sign_in(Role.OFFICE.value)
    walk.go(f"/supervision/reviews/{review.pk}/", "8_review")
    panel = page.locator("#review-consultations")
    assert case.case_number in panel.inner_text()
    assert "不同意" in panel.inner_text() and "按拟意见改判、发回" in panel.inner_text()
    panel.locator("a").first.click()
    page.wait_for_url(f"**/supervision/consultations/{consultation.pk}/")
    link = page.locator("#review-link a")
    assert link.get_attribute("href") == f"/supervision/reviews/{review.pk}/"
    walk.check("9_consultation_with_review")
    walk.go("/supervision/consultations/figures/?year=2025&quarter=2", "10_figures")
    assert page.locator("#consultation-figures tbody tr").count() == 1
    page.locator("#consultation-figures tbody a").first.click()
    page.wait_for_url("**/supervision/consultations/?*")
    walk.check("11_drill_down")
    assert page.locator("#consultations tbody a.case-number").count() == 1

    assert not page.console_errors
    assert not walk.failures, "\n".join(walk.failures)
