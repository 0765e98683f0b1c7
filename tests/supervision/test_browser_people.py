"""The reminder settings pages in a real Chromium: the office records a division's leader and
a judge's mobile; the judge turns SMS on in "my settings". Each page at 1440 px and 390 px
(screenshots in out/), without horizontal scrolling and without axe-core WCAG 2 A/AA
violations."""

import pytest

from cases.choices import Role
from supervision.models import Contact, DivisionLeader
from tests.browser import OUT, axe_violations, horizontal_overflow
from tests.browser import sign_in as browser_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live, username):
    page.context.clear_cookies()
    browser_sign_in(page, live, username)


def look(page, name: str) -> None:
    """Screenshots at both widths; no horizontal scrolling on a phone; no axe violations."""
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(OUT / f"people-{name}-{width}.png"), full_page=True)
        if width == 390:
            assert horizontal_overflow(page) == 0, name
    page.set_viewport_size({"width": 1440, "height": 900})
    assert axe_violations(page) == [], name
    assert page.console_errors == []


def test_the_office_and_a_judge_set_who_is_reminded_and_how(live, page, world):
    leader = world.user(Role.COURT_LEADER)
    judge = world.user(Role.JUDGE)
    sign_in(page, live, Role.OFFICE.value)

    page.goto(f"{live.url}/supervision/settings/division-leaders/")
    page.select_option("#id_division", str(world.division.pk))
    page.select_option("#id_user", str(leader.pk))
    page.fill("#id_since", "2025-07-01")
    page.click("#division-leader-form button[type=submit]")
    page.wait_for_selector(".alert-success, .messages")
    assert DivisionLeader.objects.filter(division=world.division, user=leader).exists()
    assert "分管" in page.inner_text("#history")
    look(page, "division-leaders")

    page.goto(f"{live.url}/supervision/settings/contacts/?edit={judge.pk}")
    page.fill("#id_mobile", "13900001234")
    page.check("#id_sms_enabled")
    page.click("#contact-form button[type=submit]")
    page.wait_for_selector("#contacts")
    assert Contact.objects.get(user=judge).mobile == "13900001234"
    assert "13900001234" in page.inner_text("#contacts")
    page.goto(f"{live.url}/supervision/settings/contacts/?edit={judge.pk}")
    look(page, "contacts")

    sign_in(page, live, Role.JUDGE.value)
    page.goto(f"{live.url}/supervision/my-settings/")
    page.uncheck("#id_email_enabled")
    page.click("#my-settings-form button[type=submit]")
    page.wait_for_selector("#my-channels")
    contact = Contact.objects.get(user=judge)
    assert contact.sms_enabled and not contact.email_enabled
    assert "短信" in page.inner_text("#history")
    look(page, "my-settings")
