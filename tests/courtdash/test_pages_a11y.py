"""Every main page at 390 px (a phone) and at 1440 px: axe-core's WCAG 2 A/AA rules pass
(tests/browser.py injects axe-core from the npm registry) and nothing is wider than the screen.
A small demo city (seed_demo, then one nightly computation) gives the pages real rows, charts
and forms.

At 390 px, where a page most often breaks, every page is checked as every demo account. At
1440 px every page is checked once, as one of the accounts that may open it: the pages are
dealt out to the accounts in turn (page i to account i mod 8, or, where that account may not
open it, to the next one that may), so each account's pages are seen at the desk's width too
and every page is checked at both widths, in about half the time of checking every page as
every account twice.

Each page a role may not open is still asked: its 403/404 page is checked the same way, at
both widths, once per role. Every failure is collected and listed at the end (role, width,
page, what), so one run says all that is wrong. With A11Y_SCREENSHOTS=1, screenshots of each
page checked at each width land in out/a11y/ for a person to look at."""

from __future__ import annotations

import datetime
import io
import os

import pytest
from django.core.management import call_command
from django.test import override_settings

from cases.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from cases.models import Case
from metrics.definitions.indicators import INDICATORS
from tests.browser import OUT, axe_violations, horizontal_overflow, overflowing
from tests.courtdash.a11y_consultations import consultation_pages
from tests.courtdash.a11y_effects import effects_pages
from tests.courtdash.a11y_meetings import meetings_pages
from tests.courtdash.a11y_quality import quality_pages
from tests.courtdash.a11y_talks import talks_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TODAY = datetime.date(2025, 6, 30)
WIDTHS = (390, 1440)
# A11Y_SCREENSHOTS=1: a full-page screenshot of each page at each width in out/a11y/, to look at.
SCREENSHOTS = os.environ.get("A11Y_SCREENSHOTS") == "1"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pages(case: Case) -> list[str]:
    """The main pages, and one object of each kind the demo made (outside a role's scope, its
    404 page is what is checked)."""
    from reports.models import Finding, MonthlyReport
    from supervision.models import ClearanceCampaign, FourTypeRule, Notice, ReversalReview

    slug = next(iter(INDICATORS))
    objects = [
        (Notice, "/supervision/notices/{}/"),
        (ClearanceCampaign, "/supervision/campaigns/{}/"),
        (ReversalReview, "/supervision/reviews/{}/"),
        (FourTypeRule, "/supervision/settings/rules/{}/"),
        (Finding, "/reports/health/findings/{}/"),
        (MonthlyReport, "/reports/monthly/{}/"),
    ]
    return [
        "/",
        "/cases/",
        f"/cases/{case.pk}/",
        "/metrics/",
        "/metrics/ranking/",
        f"/metrics/{slug}/",
        f"/metrics/{slug}/cases/",
        f"/metrics/{slug}/trend/",
        "/reports/",
        "/reports/targets/",
        "/reports/targets/edit/",
        "/reports/monthly/",
        "/reports/health/",
        "/reports/settings/health/",
        "/reports/settings/ranking/",
        "/supervision/inbox/",
        "/supervision/ledger/",
        "/supervision/long-pending/",
        "/supervision/overdue/",
        "/supervision/campaigns/",
        "/supervision/campaigns/new/",
        "/supervision/reviews/",
        "/supervision/reviews/report/",
        "/supervision/abnormalities/",
        "/supervision/inspections/",
        "/supervision/trail/",
        "/supervision/notices/new/",
        "/supervision/inquiries/new/",
        "/supervision/settings/",
        "/supervision/settings/rules/",
        "/supervision/settings/detection/",
        "/supervision/settings/approver/",
        "/supervision/settings/division-leaders/",
        "/supervision/settings/contacts/",
        "/supervision/my-settings/",
        f"/supervision/cases/{case.pk}/",
        *talks_pages(),
        *consultation_pages(),
        *quality_pages(),
        *meetings_pages(),
        *effects_pages(),
        f"/metrics/{slug}/target/",  # the office's target form, with 第一方阵 beside it
        # (no #fragment: the walk opens a path again at 1440 px, and a fragment would make that
        # a same-page jump, leaving the charts laid out for 390 px)
        "/metrics/?contrib=within_limit_rate",
        "/metrics/within_limit_rate/funnel/",
        *[
            url.format(pk)
            for model, url in objects
            if (pk := model.objects.order_by("pk").values_list("pk", flat=True).first())
        ],
        # The SPC view (issue 14): chosen by ?set= and kept in the session, so these come after
        # every page of the local view.
        "/metrics/?set=spc2024",
        "/metrics/ranking/?set=spc2024",
        "/metrics/appeal_transfer_days/drill/?set=spc2024",
        "/metrics/within_limit_rate/trend/?set=spc2024",
        "/metrics/appeal_rate/?set=spc2024",
        "/reports/ranges/",
        "/audit/",
        "/import/",
        "/accounts/password/",
        "/no-such-page/",
    ]


class Walk:
    """The browser signed in as one account after another, and the failures so far."""

    def __init__(self, page, live):
        self.page, self.live = page, live
        self.failures: list[str] = []
        self.who = ""

    def sign_in(self, username: str) -> None:
        page = self.page
        page.context.clear_cookies()
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(f"{self.live.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_load_state()
        self.who = username

    def open(self, path: str, width: int) -> int:
        """Open the page afresh at this width (as a phone or a desk would); its status."""
        self.page.set_viewport_size({"width": width, "height": 900})
        return self.page.goto(f"{self.live.url}{path}").status

    def check(self, path: str, width: int) -> None:
        """axe-core and the width of the page as it is now."""
        page, where = self.page, f"{self.who} {width}px {path}"
        self.failures += [f"{where} {violation}" for violation in axe_violations(page)]
        if overflow := horizontal_overflow(page):
            self.failures.append(f"{where} {overflow}px wider than the screen: {overflowing(page)}")
        if SCREENSHOTS:
            name = path.strip("/").replace("/", "_") or "home"
            page.screenshot(path=OUT / "a11y" / f"{self.who}_{name}_{width}.png", full_page=True)


@override_settings(PASSWORD_HASHERS=FAST_HASHER, COURTDASH_TODAY=TODAY.isoformat())
def test_every_page_passes_axe_and_fits_a_phone(live, page):
    call_command(
        "seed_demo", "--cases", "1200", "--seed", "7", "--today", TODAY.isoformat(),
        "--monthly-reviews", "1",
        stdout=io.StringIO(),
    )  # fmt: skip
    from metrics.services import metrics_compute

    metrics_compute(as_of=TODAY)
    paths = pages(Case.objects.filter(closed_on__isnull=True).order_by("pk").first())
    (OUT / "a11y").mkdir(parents=True, exist_ok=True)
    narrow, wide = WIDTHS
    accounts = [username for username, *_rest in DEMO_ACCOUNTS]

    walk = Walk(page, live)
    walk.who = "anonymous"
    for width in WIDTHS:
        walk.open("/accounts/login/", width)
        walk.check("/accounts/login/", width)
    # page i's turn at 1440 px is account i mod 8's; an account that may not open a page
    # passes its turn on to the next that may.
    turn = {path: index % len(accounts) for index, path in enumerate(paths)}
    wide_checked: set[str] = set()
    opened_by: dict[str, str] = {}  # a page -> the first account that may open it
    for index, username in enumerate(accounts):
        walk.sign_in(username)
        error_pages: set[int] = set()
        for path in paths:
            status = walk.open(path, narrow)
            if status >= 400:  # a 403 or 404 page: the same page for every path, checked once
                if status not in error_pages:
                    error_pages.add(status)
                    walk.check(path, narrow)
                    walk.open(path, wide)
                    walk.check(path, wide)
                continue
            walk.check(path, narrow)
            opened_by.setdefault(path, username)
            if path not in wide_checked and index >= turn[path]:
                wide_checked.add(path)
                walk.open(path, wide)
                walk.check(path, wide)
    # A page whose turn fell after every account that may open it: as the first that may.
    left = [path for path in paths if path not in wide_checked and path in opened_by]
    for username in accounts:
        if mine := [path for path in left if opened_by[path] == username]:
            walk.sign_in(username)
            for path in mine:
                assert walk.open(path, wide) < 400, f"{username} {path}"
                walk.check(path, wide)
                wide_checked.add(path)
    # Every page some account may open was checked at both widths.
    assert wide_checked == set(opened_by), set(opened_by) - wide_checked
    failures = walk.failures
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
