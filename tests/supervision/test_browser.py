"""The supervision walk in a real Chromium (Playwright) against a live server: the office issues
a notice about a case to a judge, the judge answers it from the inbox, the office closes it, and
the trail shows each step with who and when; a division head marks the case as four-type, the
president takes a measure, the judge responds — all on the case's timeline."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from cases.choices import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "Courtdash-Test-2026"
OUT = Path(settings.BASE_DIR) / "out"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]


@pytest.fixture(scope="module")
def _restore_after_flush(django_db_setup, django_db_blocker):
    """Transactional tests end with TRUNCATE, which the append-only tables refuse by trigger;
    the flush runs with triggers off (as tests/cases/test_browser.py does). After the module
    the triggers are back on and the migrations' seed rows are restored."""
    yield
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def live(live_server, _restore_after_flush):
    yield live_server
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")


@pytest.fixture
def page(live, monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        yield page
        context.close()
        browser.close()


def sign_in(page, live, username):
    page.context.clear_cookies()
    page.goto(f"{live.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click(".auth-form button[type=submit]")


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
