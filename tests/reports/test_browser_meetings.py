"""数据会商 (issue 12, item 4, "Done when") in a real Chromium against a live server, on the planted
city of tests/reports/test_meetings.py (five problems of 苏0505 in March 2025):

the office builds the meeting's agenda (unit and month → the five items) and holds it → notes
the discussion and records two decisions, to the civil division's head and to a judge → the
actions are in the owners' 我的待办 → the head reports theirs done → it is in the office's queue,
which closes it → the minutes' PDF is downloaded and pdftotext finds the Chinese text in it.
Every page passes axe-core (WCAG 2 A/AA) and fits 390 px and 1440 px; screenshots land in
out/meetings/ (looked at)."""

from __future__ import annotations

import subprocess

import pytest

from reports.models import Meeting, MeetingAction, MeetingActionState
from supervision.choices import TraceKind
from supervision.models import TraceEntry
from tests.browser import OUT, PASSWORD, axe_violations, horizontal_overflow, overflowing
from tests.reports.test_meetings import city, planted  # noqa: F401 - the planted city

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHOTS = OUT / "meetings"
WIDTHS = (1440, 390)


class Walk:
    def __init__(self, page, live):
        self.page, self.live = page, live
        self.failures: list[str] = []

    def sign_in(self, user) -> None:
        """Signed in, landing on 我的待办 (not on the overview: its figures are not this walk's)."""
        page = self.page
        page.context.clear_cookies()
        page.goto(f"{self.live.url}/accounts/login/?next=/supervision/inbox/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click(".auth-form button[type=submit]")
        page.wait_for_url("**/supervision/inbox/")

    def check(self, name: str) -> None:
        """axe and the page's width, at both widths, with screenshots."""
        page = self.page
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_load_state("networkidle")
            for violation in axe_violations(page):
                self.failures.append(f"{name} @{width}: {violation}")
            if horizontal_overflow(page):
                self.failures.append(f"{name} @{width}: wider than the screen {overflowing(page)}")
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1440, "height": 900})


def test_agenda_decisions_actions_done_closed_and_minutes_pdf(planted, live, page):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    office, head, judge = planted["office"], planted["head"], planted["judge"]
    for user, name in ((office, "审管办周敏"), (head, "民一庭庭长陈刚"), (judge, "法官王磊")):
        user.first_name = name
        user.save(update_fields=["first_name"])
    walk = Walk(page, live)
    walk.sign_in(office)

    # The office: the reports tab → 数据会商 → a new meeting of 苏0505 about March 2025.
    page.goto(f"{live.url}/reports/")
    page.get_by_role("link", name="数据会商").first.click()
    walk.check("meetings-empty")
    page.click("#meeting-new")
    page.fill("#id_month", "2025-03")
    page.click("#agenda-form button[type=submit]")
    items = page.locator("#agenda-preview .agenda-item")
    assert items.count() == 5, page.inner_text("#agenda-preview")
    kinds = {items.nth(i).get_attribute("data-kind") for i in range(5)}
    assert kinds == {"indicator", "abnormality", "finding", "target", "outlook"}
    assert "审限内结案率" in page.inner_text("#agenda-preview")
    walk.check("agenda-preview")
    page.fill("#id_attendees", "分管院领导、审管办、各业务庭庭长")
    page.click("#meeting-create-form button[type=submit]")
    meeting = Meeting.objects.get()
    assert page.url.endswith(f"/reports/meetings/{meeting.pk}/")

    # During the meeting: the discussion of item 1 and a decision on it, to the civil head.
    page.click("#item-1 summary")
    page.fill("#item-1-note-text", "民一庭审限内结案率低于预警线，临期案件集中。")
    page.click("#item-1-note button[type=submit]")
    page.click("#item-1 summary")
    page.fill("#item-1-text", "民一庭两周内清理临期案件，逐案明确结案时间")
    page.select_option("#item-1-owner", str(head.pk))
    page.fill("#item-1-due", "2025-07-10")
    page.click("#item-1-decide button[type=submit]")
    # A bad decision (no due date can be earlier than the meeting) is refused with a reason.
    page.click("#item-5 summary")
    page.fill("#item-5-text", "刑事审判庭临近一年的案件限期审结")
    page.select_option("#item-5-owner", str(judge.pk))
    page.fill("#item-5-due", "2025-06-01")
    page.click("#item-5-decide button[type=submit]")
    assert "办理期限不能早于会商日期" in page.inner_text("body")
    page.click("#item-5 summary")
    page.fill("#item-5-text", "刑事审判庭临近一年的案件限期审结")
    page.select_option("#item-5-owner", str(judge.pk))
    page.fill("#item-5-due", "2025-07-31")
    page.click("#item-5-decide button[type=submit]")
    assert MeetingAction.objects.count() == 2
    assert "临期案件集中" in page.inner_text("#item-1")
    walk.check("meeting")

    # The actions reach their owners' 我的待办.
    head_action = MeetingAction.objects.get(owner=head)
    walk.sign_in(head)
    page.goto(f"{live.url}/supervision/inbox/")
    assert "民一庭两周内清理临期案件" in page.inner_text("main")
    walk.check("head-queue")
    page.goto(f"{live.url}/reports/meetings/actions/{head_action.pk}/")
    walk.check("action-open")
    page.fill("#done-form textarea[name=note]", "已排查临期案件 12 件，逐案明确结案时间。")
    page.click("#done-form button[type=submit]")
    assert page.inner_text("#action-state") == "已报办结"
    walk.sign_in(judge)
    page.goto(f"{live.url}/supervision/inbox/")
    assert "刑事审判庭临近一年的案件限期审结" in page.inner_text("main")

    # The office closes it from its queue.
    walk.sign_in(office)
    page.goto(f"{live.url}/supervision/inbox/")
    assert "民一庭两周内清理临期案件" in page.inner_text("main")
    page.goto(f"{live.url}/reports/meetings/actions/{head_action.pk}/")
    page.fill("#close-form textarea[name=note]", "已核实")
    page.click("#close-form button[type=submit]")
    assert page.inner_text("#action-state") == "已销号"
    walk.check("action-closed")
    head_action.refresh_from_db()
    assert head_action.state == MeetingActionState.CLOSED
    steps = set(TraceEntry.objects.values_list("kind", flat=True))
    assert {
        TraceKind.MEETING_HELD,
        TraceKind.MEETING_DECIDED,
        TraceKind.MEETING_ACTION_DONE,
    } <= steps
    page.goto(f"{live.url}/reports/meetings/actions/")
    walk.check("actions")

    # The minutes as PDF, with their Chinese text.
    page.goto(f"{live.url}/reports/meetings/{meeting.pk}/")
    with page.expect_download() as download:
        page.click("#minutes-pdf")
    pdf = SHOTS / "minutes.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "数据会商纪要",
        "民一庭两周内清理临期案件",
        "临期案件集中",
        "已销号",
        "法官王磊",
    ):
        assert expected in text.replace(" ", ""), expected
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(SHOTS / "minutes")],
        check=True,
    )
    assert not walk.failures, "\n".join(walk.failures)
    assert not page.console_errors, page.console_errors
