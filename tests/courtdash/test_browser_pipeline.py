"""The nightly pipeline's panel on the health check page in a real Chromium, open, with a step
failed and the later ones not run: axe-core WCAG 2 A/AA and no horizontal scrolling at 390 px
and 1440 px."""

import datetime

import pytest
from django.utils import timezone

from cases.choices import Role
from cases.runs import RunStatus
from reports.models import PipelineStep
from tests.browser import OUT, axe_violations, horizontal_overflow, sign_in
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_pipeline_panel_is_accessible_at_both_widths(live, page, city_courts):
    now = timezone.now()
    for step, status in [("indicators", RunStatus.DONE), ("abnormalities", RunStatus.FAILED)]:
        PipelineStep.objects.create(
            as_of=datetime.date(2025, 6, 29), step=step, status=status, started_at=now,
            finished_at=now,
        )  # fmt: skip
    UserFactory(username="office", role=Role.OFFICE, court=city_courts["苏05"])
    sign_in(page, live, "office")
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live.url}/reports/health/")
        page.click(".pipeline-night summary")
        assert page.locator(".pipeline-night li[data-status='failed']").count() == 1
        assert page.locator(".pipeline-night li[data-status='']").count() == 6
        assert axe_violations(page) == []
        assert horizontal_overflow(page) == 0
        page.locator(".pipeline-night").screenshot(path=OUT / f"pipeline_panel_{width}.png")
        assert page.console_errors == []
