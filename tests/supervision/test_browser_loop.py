"""The supervision loop (闭环, issue 11 "Done when") in a real Chromium (Playwright) against a
live server.

1. A walk per role on a small demo (seed_demo): every demo account opens 我的待办; the page
   offers exactly the kinds the queue selector (supervision.selectors.queue) finds for that
   user — judge, division head, both offices and the extension approver have some — and for
   each kind the first item's action is taken in the browser, as the item offers it:

   - a letter (notice, inquiry) SENT: signed for in one click from the queue (it stays: signing
     for is a receipt, the letter still waits for its answer), then answered on its page;
     ACKNOWLEDGED or RETURNED: answered; ANSWERED (the office): closed;
   - a draft inquiry (the office): reviewed and sent from its page;
   - a measure (the judge): responded to on the case page;
   - a four-type mark: confirmed with a reason in one click from the queue;
   - an extension request (the court's designated approver): approved on the case page;
   - a 发改再 review: recorded (pending), objected to (reviewed, the original judge), the
     objection answered (objected);

   and the item has left the queue: gone from the list, the top bar's count one less. Three
   kinds leave by design only when something outside the browser happens, and the walk asserts
   that instead (the item is still there, the count unchanged, after its page is opened):
   a campaign case and a judge's time-limit warning (deadline) leave when the case is closed
   (by the case import); a health-check finding leaves at the next health-check run.

2. The loop: from a health-check finding page the office opens the prefilled inquiry form and
   sends it; the division's analyst finds it in 我的待办, signs for it and answers it; the
   office finds the answer in its queue and closes it; the inquiry has left both queues and its
   trail (办理留痕, and 监督留痕) shows each step. (tests/supervision/test_browser_office.py
   checks the prefilled form's contents; this goes on to the closed letter.)

3. Every page visited passes axe-core (WCAG 2 A/AA) and fits 390 px and 1440 px: at 390 px
   once per account and page, at 1440 px once per page, as the first account that opens it
   (tests/courtdash/test_pages_a11y.py checks every page at 1440 px too); screenshots of the
   queue, the case page and the overview, per account and width, land in out/loop/.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from cases.choices import Role
from cases.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from cases.models import User
from supervision.choices import LetterState, ReviewState, TraceKind
from supervision.models import ExtensionApprover, ExtensionRequest, Inquiry
from supervision.selectors.queue import queue, queue_counts
from tests.browser import OUT, axe_violations, horizontal_overflow, overflowing
from tests.browser import sign_in as browser_sign_in
from tests.factories import stalled_finding

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TODAY = datetime.date(2025, 6, 30)
WIDTHS = (1440, 390)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SHOTS = OUT / "loop"
# Kinds whose item leaves only when something outside the browser happens (see the docstring).
STAYING = {"campaign", "deadline", "finding"}
# Issue 12's kinds whose actions their own browser walks take (test_browser_consultations,
# test_browser_quality, test_browser_meetings): here each item opens a page that passes the
# checks, and stays until acted on there.
WALKED_ELSEWHERE = {
    "consultation", "quality_review", "rectification", "meeting_action", "meeting_action_done",
}  # fmt: skip
# The accounts that must find work in their queue on the demo (the extension approver is the
# basic court's office, demo_office_basic).
BUSY = {"demo_judge", "demo_division_head", "demo_office", "demo_office_basic"}


class Walk:
    """The browser, and what is wrong so far: each page checked at 390 px once per account, at
    1440 px once in all."""

    def __init__(self, page, live):
        self.page, self.live = page, live
        self.failures: list[str] = []
        self.seen: set[str] = set()  # this account's pages, checked at 390 px
        self.seen_wide: set[str] = set()  # every account's pages, checked at 1440 px
        self.who = ""

    def sign_in(self, username: str, password: str) -> None:
        self.page.context.clear_cookies()
        self.page.set_viewport_size({"width": 1440, "height": 900})
        browser_sign_in(self.page, self.live, username, password)
        self.page.wait_for_url(lambda url: "/accounts/login/" not in url)
        self.who = username

    def go(self, path: str, shot: str = "") -> None:
        self.page.goto(f"{self.live.url}{path}")
        self.check(shot)

    def check(self, shot: str = "") -> None:
        """axe-core and the width at 390 px once per account and page, at 1440 px once per page,
        and a screenshot at both widths when named."""
        path = re.sub(
            r"\d+", "N", self.page.url.removeprefix(self.live.url).split("#")[0].split("?")[0]
        )
        if path in self.seen and not shot:
            return
        self.seen.add(path)
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            where = f"{self.who} {width}px {path}"
            if width != 1440 or path not in self.seen_wide:
                self.failures += [f"{where} {violation}" for violation in axe_violations(self.page)]
                if overflow := horizontal_overflow(self.page):
                    self.failures.append(f"{where} {overflow}px too wide: {overflowing(self.page)}")
            if width == 1440:
                self.seen_wide.add(path)
            if shot:
                self.page.screenshot(path=SHOTS / f"{self.who}_{shot}_{width}.png", full_page=True)
        self.page.set_viewport_size({"width": 1440, "height": 900})

    def count(self) -> int:
        """The top bar's count of what waits."""
        text = self.page.locator("#topbar-queue .queue-count").inner_text()
        return int(re.match(r"\d+", text.strip()).group())

    def item(self, kind: str, pk: int):
        return self.page.locator(f"#inbox .queue-item[data-kind={kind}][data-id='{pk}']")

    def queue_of(self, kind: str) -> None:
        self.go(f"/supervision/inbox/?kind={kind}")


def _sign_then_answer(walk: Walk, kind: str, pk: int) -> None:
    """A letter sent to the user: signed for from the queue, where it stays, then answered."""
    page, before = walk.page, walk.count()
    walk.item(kind, pk).locator("button:has-text('签收')").click()
    expect(page.locator("#letter-state")).to_have_text("已签收")
    walk.check()
    walk.queue_of(kind)
    assert walk.item(kind, pk).count() == 1, "a letter signed for still waits for its answer"
    assert walk.item(kind, pk).locator("button").count() == 0
    assert walk.count() == before
    _answer(walk, kind, pk)


def _answer(walk: Walk, kind: str, pk: int) -> None:
    page = walk.page
    walk.item(kind, pk).locator("a.queue-title").click()
    walk.check()
    page.fill(
        "#answer-form textarea[name=answer]", "已组织合议庭核查，情况已说明，整改措施见附件。"
    )
    page.click("#answer-form button[type=submit]")
    expect(page.locator("#letter-state")).to_have_text("已答复")


def _close(walk: Walk, kind: str, pk: int) -> None:
    page = walk.page
    walk.item(kind, pk).locator("a.queue-title").click()
    walk.check()
    page.fill("#close-form textarea[name=note]", "答复属实，予以办结。")
    page.click("#close-form button[type=submit]")
    expect(page.locator("#letter-state")).to_have_text("已办结")


def _send_draft(walk: Walk, kind: str, pk: int) -> None:
    page = walk.page
    walk.item(kind, pk).locator("a.queue-title").click()
    walk.check()
    page.click("form:has(input[name=action][value=send]) button[type=submit]")
    expect(page.locator("#letter-state")).to_have_text("已发送")


def _respond(walk: Walk, kind: str, pk: int) -> None:
    page = walk.page
    walk.item(kind, pk).locator("a.queue-title").click()
    walk.check("case")
    measure = page.locator(f"[data-measure='{pk}']")
    measure.locator("textarea[name=response]").fill("审理报告初稿已提交，请审阅。")
    measure.locator("button[type=submit]").click()
    expect(page.locator(f"[data-measure='{pk}']")).to_contain_text("审理报告初稿已提交")


def _confirm_mark(walk: Walk, kind: str, pk: int) -> None:
    page, item = walk.page, walk.item(kind, pk)
    item.locator("input[name=reason]").fill("经审核，符合四类案件标准，予以确认。")
    item.locator("button:has-text('确认')").click()
    page.wait_for_url("**/supervision/cases/*/")
    assert "经审核，符合四类案件标准" in page.locator(f"[data-mark='{pk}']").inner_text()
    walk.check("case")


def _decide_extension(walk: Walk, kind: str, pk: int) -> None:
    page = walk.page
    walk.item(kind, pk).locator("a.queue-title").click()
    walk.check("case")
    extension = page.locator(f"[data-extension='{pk}']")
    extension.locator("input[name=note]").fill("鉴定期间确需延长，同意。")
    extension.locator("button[value=approve]").click()
    expect(page.locator(f"[data-extension='{pk}']")).to_contain_text("已批准")


def _review(walk: Walk, kind: str, pk: int, state: str) -> None:
    page = walk.page
    walk.item(kind, pk).locator("a.queue-title").click()
    walk.check()
    if state == ReviewState.PENDING:
        form = page.locator("#record-form")
        form.locator("select[name=reason_class]").select_option(index=1)
        form.locator("input[name=is_error][value='1']").check()
        form.locator("select[name=severity]").select_option(index=1)
        form.locator("textarea[name=opinion]").fill("事实认定有误，属一般差错。")
    elif state == ReviewState.REVIEWED:
        form = page.locator("#object-form")
        form.locator("textarea[name=objection]").fill("二审改判系因新证据，原审不属差错。")
    else:
        form = page.locator("#answer-form")
        form.locator("textarea[name=answer]").fill("经复核，维持原评查意见。")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()


def _talk_commitment(walk: Walk, kind: str, pk: int, action: str) -> None:
    page = walk.page
    walk.item(kind, pk).locator("a.queue-title").click()
    walk.check()
    if action == "report":
        page.fill("#report-form textarea[name=report]", "已逐案排查，结案计划已报分管院领导。")
        page.click("#report-form button[type=submit]")
        expect(page.locator("#commitment-state")).to_have_text("已报告待核销")
    else:
        page.fill("#close-form textarea[name=note]", "经核查属实，予以核销。")
        page.click("#close-form button[type=submit]")
        expect(page.locator("#commitment-state")).to_have_text("已核销")


def _stays(walk: Walk, kind: str, pk: int) -> None:
    """Opening the item's page does not make it leave (see STAYING)."""
    walk.item(kind, pk).locator("a.queue-title").click()
    walk.check("case" if "/cases/" in walk.page.url else "")


def take_action(walk: Walk, user: User, kind: str) -> int:
    """Take the first item's action as it offers it; return its pk."""
    first = queue(user, TODAY, kind)[0]
    assert walk.item(kind, first.pk).count() == 1, f"{kind} {first.pk} is not listed"
    if kind in ("notice", "inquiry"):
        if first.state == LetterState.SENT:
            _sign_then_answer(walk, kind, first.pk)
        elif first.state == LetterState.ANSWERED:
            _close(walk, kind, first.pk)
        else:
            _answer(walk, kind, first.pk)
    elif kind == "draft":
        _send_draft(walk, kind, first.pk)
    elif kind == "measure":
        _respond(walk, kind, first.pk)
    elif kind == "mark":
        _confirm_mark(walk, kind, first.pk)
    elif kind == "extension":
        _decide_extension(walk, kind, first.pk)
    elif kind == "review":
        _review(walk, kind, first.pk, first.state)
    elif kind == "talk_commitment":  # 约谈提醒 (issue 12): the owner reports, the office checks
        _talk_commitment(walk, kind, first.pk, first.action)
    elif kind in STAYING | WALKED_ELSEWHERE:
        _stays(walk, kind, first.pk)
    else:
        raise AssertionError(f"the walk does not know the kind {kind!r}: teach it")
    return first.pk


@override_settings(PASSWORD_HASHERS=FAST_HASHER, COURTDASH_TODAY=TODAY.isoformat())
def test_every_demo_account_works_through_its_queue(live, page):
    call_command(
        "seed_demo", "--cases", "1200", "--seed", "7", "--today", TODAY.isoformat(),
        "--monthly-reviews", "1",
        stdout=io.StringIO(),
    )  # fmt: skip
    SHOTS.mkdir(parents=True, exist_ok=True)
    walk = Walk(page, live)
    walked: dict[str, set[str]] = {}
    # The designated approver of each court with a request pending (the demo's: the basic
    # court's office).
    pending = ExtensionRequest.objects.filter(state="pending").values("case__court")
    approvers = set(
        ExtensionApprover.objects.filter(court__in=pending).values_list("user__username", flat=True)
    )
    assert approvers
    for username, *_rest in DEMO_ACCOUNTS:
        user = User.objects.select_related("judge", "division", "court").get(username=username)
        counts = queue_counts(user, TODAY)
        expected = {kind for kind, n in counts.items() if n}
        walk.sign_in(username, DEMO_PASSWORD)
        walk.seen.clear()
        walk.go("/", "overview")
        walk.go("/supervision/inbox/", "queue")
        assert walk.count() == sum(counts.values()), username
        shown = set(
            page.locator(".queue-filter a[data-kind]").evaluate_all(
                "els => els.map(e => e.dataset.kind)"
            )
        )
        assert shown == expected, f"{username}: the page offers {shown}, the selector {expected}"
        listed = set(
            page.locator("#inbox .queue-item").evaluate_all("els => els.map(e => e.dataset.kind)")
        )
        assert listed <= expected, username
        if username in BUSY | approvers:
            assert expected, f"{username} finds nothing to do on the demo"
        if username in approvers:
            assert "extension" in expected, username
        if not expected:
            assert page.locator("#inbox").count() == 0
            assert "没有待办事项" in page.content()
        for kind in sorted(expected):
            walk.queue_of(kind)
            before = walk.count()
            pk = take_action(walk, user, kind)
            walk.queue_of(kind)
            if kind in STAYING | WALKED_ELSEWHERE:
                assert walk.item(kind, pk).count() == 1, f"{username} {kind} {pk} left"
                assert walk.count() == before, f"{username} {kind}"
            else:
                assert walk.item(kind, pk).count() == 0, f"{username} {kind} {pk} still listed"
                assert walk.count() == before - 1, f"{username} {kind}"
        walked[username] = expected
    assert walk.failures == [], f"{len(walk.failures)} failures:\n" + "\n".join(walk.failures)
    assert not page.console_errors
    # Every kind the demo gives someone was walked (the judge's own kinds among them).
    assert {"notice", "inquiry", "draft", "measure", "mark", "extension", "review"} <= set().union(
        *walked.values()
    ), walked


# --- the loop --------------------------------------------------------------------------------


def test_from_a_finding_to_an_answered_and_closed_inquiry(live, page, world):
    finding = stalled_finding(world)
    SHOTS.mkdir(parents=True, exist_ok=True)
    walk = Walk(page, live)

    # The office finds the finding in its queue, opens it and sends the prefilled inquiry.
    walk.sign_in(Role.OFFICE.value, "Courtdash-Test-2026")
    walk.queue_of("finding")
    assert walk.item("finding", finding.pk).count() == 1
    office_before = walk.count()
    walk.item("finding", finding.pk).locator("a.queue-title").click()
    page.wait_for_url(f"**/reports/health/findings/{finding.pk}/")
    walk.check()
    page.click("#finding-inquiry")
    page.wait_for_url("**/supervision/inquiries/new/**")
    walk.check()
    page.fill("#id_deadline", "2025-07-15")
    page.click("#inquiry-form button[type=submit]")
    page.wait_for_url("**/supervision/inquiries/*/")
    inquiry = Inquiry.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert inquiry.state == LetterState.SENT and inquiry.division_id == world.division.pk
    assert page.locator("#letter-state").inner_text() == "已发送"
    walk.check()
    # The finding stays in the office's queue until the next health-check run (by design).
    walk.queue_of("finding")
    assert walk.item("finding", finding.pk).count() == 1
    assert walk.count() == office_before

    # The division's analyst signs for it from the queue and answers it.
    walk.sign_in(Role.ANALYST.value, "Courtdash-Test-2026")
    walk.queue_of("inquiry")
    walk.check("queue")
    before = walk.count()
    assert walk.item("inquiry", inquiry.pk).count() == 1
    _sign_then_answer(walk, "inquiry", inquiry.pk)
    walk.queue_of("inquiry")
    assert walk.item("inquiry", inquiry.pk).count() == 0
    assert walk.count() == before - 1
    # The division head was addressed too: it has left the head's queue as well.
    walk.sign_in(Role.DIVISION_HEAD.value, "Courtdash-Test-2026")
    walk.queue_of("inquiry")
    assert walk.item("inquiry", inquiry.pk).count() == 0

    # The office finds the answer in its queue and closes it.
    walk.sign_in(Role.OFFICE.value, "Courtdash-Test-2026")
    walk.queue_of("inquiry")
    assert walk.count() == office_before + 1
    item = walk.item("inquiry", inquiry.pk)
    assert "已答复" in item.inner_text()
    _close(walk, "inquiry", inquiry.pk)
    steps = page.locator("#letter-trail .timeline-item").evaluate_all(
        "els => els.map(e => e.dataset.kind)"
    )
    assert steps == [
        TraceKind.INQUIRY_SENT, TraceKind.LETTER_ACKNOWLEDGED, TraceKind.LETTER_ANSWERED,
        TraceKind.LETTER_CLOSED,
    ], steps  # fmt: skip
    walk.queue_of("inquiry")
    assert walk.item("inquiry", inquiry.pk).count() == 0
    assert walk.count() == office_before
    inquiry.refresh_from_db()
    assert inquiry.state == LetterState.CLOSED

    # 监督留痕: each step, newest first.
    walk.go("/supervision/trail/")
    trail = page.locator("#trail tbody").inner_text()
    for label in ("发出异常函询", "签收", "答复", "办结"):
        assert label in trail, label
    assert walk.failures == [], "\n".join(walk.failures)
    assert not page.console_errors
