"""我的待办 in a real Chromium (Playwright) against a live server: a judge's queue of every kind
they receive, the top bar's count, signing for a notice from the queue, the kind filter, the
messages marked read one and all; the office confirms a mark from its queue. At 1440 and 390 px
wide: no horizontal scrolling, no axe-core WCAG 2 A/AA violation; screenshots in out/."""

import datetime

import pytest

from cases.choices import Outcome, Role
from supervision import services
from supervision.choices import ReviewTrigger
from supervision.models import FourTypeMark, ReversalReview
from tests.browser import OUT, axe_violations, horizontal_overflow, overflowing
from tests.browser import sign_in as browser_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

D = datetime.date
WIDTHS = (1440, 390)


def sign_in(page, live, username):
    page.context.clear_cookies()
    browser_sign_in(page, live, username)


def looks_right(page, name: str) -> list[str]:
    """At each width: a screenshot, no horizontal scrolling, no axe violation."""
    failures = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=OUT / f"supervision_queue_{name}_{width}.png", full_page=True)
        if overflow := horizontal_overflow(page):
            failures.append(f"{name} {width}px: {overflow}px too wide: {overflowing(page)}")
        failures += [f"{name} {width}px {violation}" for violation in axe_violations(page)]
    page.set_viewport_size({"width": 1440, "height": 900})
    return failures


@pytest.fixture
def judges_work(world):
    """A notice, a measure, a reviewed case, a case nearing its time limit and one past it."""
    office, leader = world.user(Role.OFFICE), world.user(Role.COURT_LEADER)
    notice = services.notice_issue(
        cases=[world.case], judge=world.judge, title="督办：请加快审理", body="请说明进展",
        deadline=D(2025, 7, 20), actor=office,
    )  # fmt: skip
    mark = services.four_type_mark(
        case=world.case, category=1, reason="新类型案件", actor=world.user(Role.JUDGE)
    )
    services.measure_take(
        case=world.case, kind="require_report", instruction="7月5日前报告合议庭评议结果",
        deadline=D(2025, 7, 5), actor=leader, mark=mark,
    )  # fmt: skip
    nearing = world.new_case(filed_on=D(2025, 1, 10), cause="买卖合同纠纷")
    world.new_case(filed_on=D(2024, 12, 20), cause="民间借贷纠纷")  # its limit ran out 6-20
    review = ReversalReview.objects.create(
        case=world.new_case(filed_on=D(2024, 9, 1), closed_on=D(2025, 1, 20)),
        trigger=ReviewTrigger.APPEAL,
        outcome=Outcome.MODIFIED, decided_on=D(2025, 6, 1),
    )  # fmt: skip
    services.review_record(
        review=review, reason_class="fact_finding", is_error=True, severity="minor",
        opinion="事实认定有误", actor=office,
    )  # fmt: skip
    # Recorded on the tests' today (services stamp the real clock): open to objection to 7-15.
    reviewed = datetime.datetime(2025, 6, 30, 12, tzinfo=datetime.UTC)
    ReversalReview.objects.filter(pk=review.pk).update(reviewed_at=reviewed)
    return {"notice": notice, "mark": mark, "nearing": nearing}


def test_a_judge_works_through_the_queue(live, page, world, judges_work):
    sign_in(page, live, Role.JUDGE.value)
    page.goto(f"{live.url}/cases/")
    assert page.locator("#topbar-queue .queue-count").inner_text().startswith("5")
    page.click("#topbar-queue")
    kinds = page.locator("#inbox .queue-item").evaluate_all("els => els.map(e => e.dataset.kind)")
    # 6-20 (overdue), 7-05, 7-10, 7-15, 7-20
    assert kinds == ["deadline", "measure", "deadline", "review", "notice"]
    first = page.locator("#inbox .queue-item").first
    assert "queue-item-overdue" in first.get_attribute("class")
    assert "民间借贷" in first.inner_text() and "已逾期10天" in first.inner_text()
    failures = looks_right(page, "judge")

    # Sign for the notice in one click, from the queue.
    page.click("#inbox .queue-item[data-kind=notice] button:has-text('签收')")
    assert page.locator("#letter-state").inner_text() == "已签收"
    page.goto(f"{live.url}/supervision/inbox/")
    notice = page.locator("#inbox .queue-item[data-kind=notice]")
    assert notice.locator("button").count() == 0 and "签收答复" in notice.inner_text()

    # The kind filter.
    page.click(".queue-filter a[data-kind=measure]")
    assert page.locator("#inbox .queue-item").count() == 1
    assert "7月5日前报告" in page.locator("#inbox .queue-item").inner_text()

    # The messages: each links to its object; one marked read, then all.
    page.click("#tab-notifications")
    items = page.locator("#notifications .queue-item-unread")
    assert items.count() == 2
    links = page.locator("#notifications a.queue-title").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    case_page = f"/supervision/cases/{world.case.pk}/#measures"
    assert sorted(links) == sorted([case_page, f"/supervision/notices/{judges_work['notice'].pk}/"])
    failures += looks_right(page, "judge_messages")
    items.first.locator("button:has-text('标为已读')").click()
    assert page.locator("#notifications .queue-item-unread").count() == 1
    page.click(".queue-readall button")
    assert page.locator("#notifications .queue-item-unread").count() == 0
    assert page.locator(".queue-readall").count() == 0
    assert failures == []
    assert not page.console_errors


def test_the_office_confirms_a_mark_from_its_queue(live, page, world, judges_work):
    sign_in(page, live, Role.OFFICE.value)
    page.goto(f"{live.url}/supervision/inbox/?kind=mark")
    mark = judges_work["mark"]
    item = page.locator(f"#inbox .queue-item[data-kind=mark][data-id='{mark.pk}']")
    failures = looks_right(page, "office")
    item.locator("input[name=reason]").fill("属于新类型案件，确认")
    item.locator("button:has-text('确认')").click()
    assert page.url.endswith(f"/supervision/cases/{world.case.pk}/")
    mark.refresh_from_db()
    assert mark.state == "confirmed" and FourTypeMark.objects.get(pk=mark.pk).decided_by
    page.goto(f"{live.url}/supervision/inbox/?kind=mark")
    assert page.locator("#inbox .queue-item").count() == 0
    assert failures == []
    assert not page.console_errors
