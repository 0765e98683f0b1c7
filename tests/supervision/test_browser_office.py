"""The office in a real Chromium (Playwright): from a health-check finding it opens the inquiry
form prefilled with the finding's unit, cases and evidence, sends it, and sees it on the trail
(监督留痕) and in the recipient's work queue; the settings pages and the prefilled forms pass
axe-core (WCAG 2 A/AA) and fit a 390 px phone. Screenshots land in out/ to be looked at."""

import pytest

from cases.choices import Role
from supervision.models import DetectionRule, FourTypeRule
from supervision.services import referral_create
from tests.browser import OUT, axe_violations, horizontal_overflow
from tests.browser import sign_in as browser_sign_in
from tests.factories import UserFactory, stalled_finding

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live, username):
    page.context.clear_cookies()
    browser_sign_in(page, live, username)


def _checked(page, name: str, failures: list[str]) -> None:
    """axe-core and the width, then a screenshot, of the page as it is now."""
    width = page.viewport_size["width"]
    failures += [f"{name} {width}px {violation}" for violation in axe_violations(page)]
    if overflow := horizontal_overflow(page):
        failures.append(f"{name} {width}px: {overflow}px wider than the screen")
    page.screenshot(path=OUT / f"office_{name}_{width}.png", full_page=True)


def test_from_a_finding_the_office_sends_a_prefilled_inquiry_and_sees_it_on_the_trail(
    live, page, world
):
    finding = stalled_finding(world)
    failures: list[str] = []
    sign_in(page, live, "office")
    page.goto(f"{live.url}/reports/health/findings/{finding.pk}/")
    _checked(page, "finding", failures)
    page.click("#finding-inquiry")
    page.wait_for_url("**/supervision/inquiries/new/**")
    assert page.locator("#id_division").input_value() == str(world.division.pk)
    body = page.locator("#id_body").input_value()
    assert finding.old_case.case_number in body and "立案已超过 12 个月仍未结" in body
    assert "长期未结" in page.locator("#id_title").input_value()
    assert page.locator("#prefill-note").is_visible()
    _checked(page, "inquiry_new", failures)
    page.fill("#id_deadline", "2025-07-15")
    page.click("#inquiry-form button[type=submit]")
    page.wait_for_url("**/supervision/inquiries/*/")
    title = page.locator(".page-head h1").inner_text()
    assert "长期未结" in title
    _checked(page, "inquiry_sent", failures)

    page.goto(f"{live.url}/supervision/trail/?kind=inquiry_sent")
    row = page.locator("#trail tbody tr").first
    assert "发出异常函询" in row.inner_text()
    _checked(page, "trail", failures)

    sign_in(page, live, Role.ANALYST.value)
    page.goto(f"{live.url}/supervision/inbox/")
    assert page.locator("#inbox").get_by_text(title).count() >= 1
    assert not page.console_errors
    assert not failures, "\n".join(failures)


def test_the_settings_pages_and_prefilled_forms_pass_axe_and_fit_a_phone(live, page, world):
    finding = stalled_finding(world)
    UserFactory(username="city_office", role=Role.OFFICE, court=world.city)
    referral = referral_create(
        case=world.case,
        body="judges_meeting",
        question="法律适用分歧",
        actor=world.user(Role.COURT_LEADER),
    )
    rule = FourTypeRule.objects.order_by("slug").first()
    detection = DetectionRule.objects.order_by("indicator").first()
    paths = {
        "settings": "/supervision/settings/",
        "settings_rules": "/supervision/settings/rules/",
        "settings_rule": f"/supervision/settings/rules/{rule.pk}/",
        "settings_rule_new": "/supervision/settings/rules/new/",
        "settings_detection": "/supervision/settings/detection/",
        "settings_detection_rule": f"/supervision/settings/detection/{detection.indicator}/",
        "settings_approver": "/supervision/settings/approver/",
        "settings_health": "/reports/settings/health/",
        "settings_ranking": "/reports/settings/ranking/",
        "referral": f"/supervision/referrals/{referral.pk}/",
        "finding_links": f"/reports/health/findings/{finding.pk}/",
        "notice_prefilled": f"/supervision/notices/new/?judge={world.judge.pk}"
        f"&case={finding.old_case.pk}&title=督办&evidence=长期未结",
        "inquiry_bad_prefill": "/supervision/inquiries/new/?division=abc&value=nan",
        "long_pending": "/supervision/long-pending/",
    }
    failures: list[str] = []
    sign_in(page, live, "city_office")
    # One change of each kind first, so that the histories have rows.
    page.goto(f"{live.url}/reports/settings/ranking/")
    page.check("input[name=mode][value=bands]")
    page.fill("#id_note", "按区间公布")
    page.click("#ranking-form button[type=submit]")
    assert page.locator("#current-mode").inner_text().endswith("区间")
    page.goto(f"{live.url}{paths['settings_detection_rule']}")
    page.fill("#id_min_denominator", "25")
    page.click("#detection-form button[type=submit]")
    assert "研判规则已保存" in page.content()
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in paths.items():
            page.goto(f"{live.url}{path}")
            _checked(page, name, failures)
    sign_in(page, live, Role.COURT_LEADER.value)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live.url}/supervision/settings/approver/")
    _checked(page, "settings_approver_leader", failures)
    assert not page.console_errors
    assert not failures, "\n".join(failures)
