"""约谈提醒 in a real Chromium (Playwright) against a live server, through its whole life
(issue 12 "Done when"): a suggested talk → recorded → the commitment reminded → reported → done,
by the office and by the commitment's owner.

On the planted city of tests/reports/talks_city.py, 苏0505's office opens 约谈提示, finds the
judge 苏0505/民一庭/1 below the warning line three weeks running, and records the talk from the
suggestion (the problems come prefilled) with one commitment of the judge due today. The day's
reminders run (reminders_send_due): the judge finds the in-app message, opens the commitment
from 我的待办 and reports on it; the office finds the report in its own 我的待办 and checks the
commitment off. Every page passes axe-core (WCAG 2 A/AA) and fits 390 px and 1440 px;
screenshots land in out/talks/.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from cases.choices import Role
from reports.models import Talk, TalkCommitment, TalkRuleSetting
from reports.talks.choices import CommitmentState
from supervision.choices import TraceKind
from supervision.models import Notification, TraceEntry
from supervision.services.reminders import reminders_send_due
from tests.browser import OUT, PASSWORD, axe_violations, horizontal_overflow, overflowing
from tests.reports.talks_city import talks_city

pytestmark = [
    pytest.mark.browser,
    # The migrations' seed rows (the indicators' targets and warning lines) are the rules' ground.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TODAY = datetime.date(2025, 6, 30)
WIDTHS = (1440, 390)
SHOTS = OUT / "talks"


class Walk:
    def __init__(self, page, live):
        self.page, self.live = page, live
        self.failures: list[str] = []
        self.who = ""

    def sign_in(self, user) -> None:
        self.page.context.clear_cookies()
        self.page.set_viewport_size({"width": 1440, "height": 900})
        # Straight to the talks (the landing page is the dashboards', not what is walked here).
        self.page.goto(f"{self.live.url}/accounts/login/?next=/reports/talks/")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click(".auth-form button[type=submit]")
        self.page.wait_for_url(lambda url: "/accounts/login/" not in url)
        self.who = user.username

    def go(self, path: str, shot: str) -> None:
        self.page.goto(f"{self.live.url}{path}")
        self.check(shot)

    def check(self, shot: str) -> None:
        path = self.page.url.removeprefix(self.live.url)
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            where = f"{self.who} {width}px {path}"
            self.failures += [f"{where} {violation}" for violation in axe_violations(self.page)]
            if overflow := horizontal_overflow(self.page):
                self.failures.append(f"{where} {overflow}px too wide: {overflowing(self.page)}")
            self.page.screenshot(path=SHOTS / f"{shot}_{width}.png", full_page=True)
        self.page.set_viewport_size({"width": 1440, "height": 900})


def test_a_suggested_talk_to_its_commitment_done(
    page, live, city_courts, city_divisions, city_judges, city_user
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    talks_city(city_courts, city_divisions, city_judges, plant=True)
    office = city_user(Role.OFFICE, "苏0505", username="talk-office", first_name="钱晓燕")
    leader = city_user(Role.COURT_LEADER, "苏0505", username="talk-leader", first_name="徐志刚")
    owner = city_user(Role.JUDGE, "苏0505/民一庭/1", username="talk-judge", first_name="王磊")
    city_user(Role.DIVISION_HEAD, "苏0505/民一庭", username="talk-head", first_name="陆建华")
    judge = city_judges["苏0505/民一庭/1"]
    walk = Walk(page, live)

    # The office: the suggestions of its court, the planted judge's with its reason.
    walk.sign_in(office)
    walk.go("/reports/talks/suggestions/", "1_suggestions")
    card = page.locator(
        f"[data-suggestion='judge-{judge.court_id}-{judge.division_id}-{judge.pk}']"
    )
    expect(card).to_contain_text("连续多周低于预警线")
    expect(card).to_contain_text("法定审限内结案率连续 3 周未达预警线")
    assert page.locator("[data-suggestion]").count() == 2  # 苏0505's two planted units
    card.locator("a:has-text('据此登记约谈')").click()
    page.wait_for_url("**/reports/talks/new/**")
    expect(page.locator("#id_problems")).to_have_value(re.compile("连续 3 周未达预警线"))
    expect(page.locator("#suggested")).to_contain_text("查看案件")
    walk.check("2_new_talk")
    form = page.locator("#talk-form")
    form.locator("#id_conducted_by").select_option(str(leader.pk))
    form.locator("#id_attendees").fill("民一庭庭长陆建华、审管办钱晓燕")
    form.locator("#id_text_1").fill("本月底前审结审限届满前15日内的案件，每周报告进展")
    form.locator("#id_owner_1").select_option(str(owner.pk))
    form.locator("#id_due_on_1").fill(TODAY.isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/reports/talks/\d+/$"))
    talk = Talk.objects.get()
    assert talk.judge_id == judge.pk and talk.suggestion["reasons"][0]["kind"] == "below_warning"
    commitment = TalkCommitment.objects.get()
    expect(page.locator(f"[data-commitment='{commitment.pk}']")).to_contain_text("落实中")
    expect(page.locator("#talk-suggestion")).to_contain_text("连续多周低于预警线")
    walk.check("3_talk")

    # The day's reminders: the owner is told in the app.
    reminders_send_due(day=TODAY)
    message = Notification.objects.get(recipient=owner)
    assert "今日到期" in message.title

    # The owner: the message, the queue, the report.
    walk.sign_in(owner)
    walk.go("/supervision/inbox/?tab=notifications", "4_owner_messages")
    expect(page.locator("#notifications")).to_contain_text("约谈整改承诺")
    walk.go("/supervision/inbox/?kind=talk_commitment", "5_owner_queue")
    item = page.locator(f".queue-item[data-kind=talk_commitment][data-id='{commitment.pk}']")
    expect(item).to_contain_text("报告落实情况")
    item.locator("a.queue-title").click()
    page.wait_for_url(f"**/reports/talks/commitments/{commitment.pk}/")
    page.locator("#report-form textarea[name=report]").fill(
        "已审结到期案件 6 件，余 1 件已定庭期。"
    )
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#commitment-state")).to_have_text("已报告待核销")
    assert page.locator("#close-form").count() == 0  # the owner does not check it off
    walk.check("6_owner_reported")

    # The office: the report in its queue, checked off.
    walk.sign_in(office)
    walk.go("/supervision/inbox/?kind=talk_commitment", "7_office_queue")
    item = page.locator(f".queue-item[data-kind=talk_commitment][data-id='{commitment.pk}']")
    expect(item).to_contain_text("核销")
    item.locator("a.queue-title").click()
    page.wait_for_url(f"**/reports/talks/commitments/{commitment.pk}/")
    page.locator("#close-form textarea[name=note]").fill("经核查属实，予以核销。")
    page.locator("#close-form button[type=submit]").click()
    expect(page.locator("#commitment-state")).to_have_text("已核销")
    walk.check("8_done")
    walk.go("/reports/talks/", "9_talks")
    expect(page.locator("[data-figure=done]")).to_have_text("1")

    # The city's office switches a rule off on the settings page; the change is in its history.
    city_office = city_user(Role.OFFICE, "苏05", username="talk-city-office", first_name="顾明远")
    walk.sign_in(city_office)
    walk.go("/reports/settings/talks/", "10_settings")
    rule = page.locator("[data-rule=below_warning]")
    rule.locator("input[name='below_warning-enabled']").uncheck()
    rule.locator("input[name=note]").fill("试行期间暂停")
    rule.locator("button[type=submit]").click()
    expect(page.locator("#history")).to_contain_text("试行期间暂停")
    walk.check("11_settings_changed")
    assert TalkRuleSetting.objects.get().enabled is False

    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.DONE and commitment.closed_by == office
    kinds = list(TraceEntry.objects.filter(court=judge.court).values_list("kind", flat=True))
    for kind in (
        TraceKind.TALK_RECORDED,
        TraceKind.REMINDER_SENT,
        TraceKind.TALK_COMMITMENT_REPORTED,
        TraceKind.TALK_COMMITMENT_CLOSED,
    ):
        assert kind in kinds, kind
    assert not walk.failures, "\n".join(walk.failures)
