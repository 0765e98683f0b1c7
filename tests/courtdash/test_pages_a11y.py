"""Every main page, as every demo account, at 390 px (a phone) and at 1440 px: axe-core's WCAG 2
A/AA rules pass (tests/browser.py injects axe-core from the npm registry) and nothing is wider
than the screen. A small demo city (seed_demo, then one nightly computation) gives the pages
real rows, charts and forms.

Each page a role may not open is still asked: its 403/404 page is checked the same way. Every
failure is collected and listed at the end (role, width, page, what), so one run says all that
is wrong. With A11Y_SCREENSHOTS=1, screenshots of each page at each width land in out/a11y/
for a person to look at. A role's 403 and 404 pages are checked once each."""

from __future__ import annotations

import datetime
import io
import os

import pytest
from django.core.management import call_command
from django.test import override_settings

from cases.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from cases.models import Case
from metrics.registry import INDICATORS
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
        "/audit/",
        "/import/",
        "/accounts/password/",
        "/no-such-page/",
    ]


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
    out = OUT / "a11y"
    out.mkdir(parents=True, exist_ok=True)

    failures: list[str] = []
    page.goto(f"{live.url}/accounts/login/")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        failures += [f"anonymous {width}px /accounts/login/ {v}" for v in axe_violations(page)]
        if overflow := horizontal_overflow(page):
            failures.append(f"anonymous {width}px /accounts/login/ {overflow}px too wide")
    for username, *_rest in DEMO_ACCOUNTS:
        page.context.clear_cookies()
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(f"{live.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_load_state()
        error_pages: set[int] = set()
        for path in paths:
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            status = page.goto(f"{live.url}{path}").status
            if status >= 400:  # a 403 or 404 page: the same page for every path, checked once
                if status in error_pages:
                    continue
                error_pages.add(status)
            for width in WIDTHS:  # opened afresh at each width, as a phone or a desk would
                if width != WIDTHS[0]:
                    page.set_viewport_size({"width": width, "height": 900})
                    page.goto(f"{live.url}{path}")
                where = f"{username} {width}px {path}"
                failures += [f"{where} {violation}" for violation in axe_violations(page)]
                if overflow := horizontal_overflow(page):
                    failures.append(
                        f"{where} {overflow}px wider than the screen: {overflowing(page)}"
                    )
                if SCREENSHOTS:
                    name = path.strip("/").replace("/", "_") or "home"
                    page.screenshot(path=out / f"{username}_{name}_{width}.png", full_page=True)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
