"""A browser walk of the reference ranges pages (区间参考值, issue 14): the city's office enters a
range through the form; the list shows it and a demo range's label; both pages pass axe-core and
fit the screen at 390 and 1440 px."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from cases.choices import CourtLevel, Role
from metrics.models import ReferenceRange
from metrics.services import reference_range_set
from tests.browser import OUT, axe_violations, horizontal_overflow, overflowing, sign_in
from tests.factories import CourtFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    # A live server's flush, then the migrations' seed rows back (as every browser module).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WIDTHS = (390, 1440)
SHOTS = OUT / "ranges"


def _check(page, name: str, failures: list[str]) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_load_state("networkidle")
        failures.extend(f"{name} @{width}: {v}" for v in axe_violations(page))
        if horizontal_overflow(page):
            failures.append(f"{name} @{width}: wider than the screen {overflowing(page)}")
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def test_the_office_enters_a_range_and_every_page_passes_axe(live, page):
    city = CourtFactory(code="苏05", level=CourtLevel.INTERMEDIATE, parent=None)
    CourtFactory(code="苏0505", level=CourtLevel.BASIC, parent=city)
    office = UserFactory(username="ranges_office", role=Role.OFFICE, court=city)
    reference_range_set(
        indicator="within_limit_rate", court_level=None, lower=Decimal("95"), upper=None,
        effective_from=datetime.date(2025, 1, 1), actor=office, demo=True,
        note="演示数值，非最高人民法院发布的区间参考值",
    )  # fmt: skip
    failures: list[str] = []
    sign_in(page, live, office.username)
    page.wait_for_load_state("networkidle")
    page.goto(f"{live.url}/reports/ranges/")
    assert "演示数值，非最高人民法院发布的区间参考值" in page.inner_text("body")
    _check(page, "list", failures)
    page.click("text=设定区间参考值")
    page.wait_for_url("**/reports/ranges/edit/")
    _check(page, "form", failures)
    page.select_option("#id_indicator", "appeal_rate")
    page.select_option("#id_court_level", "basic")
    page.fill("#id_lower", "40")
    page.fill("#id_upper", "30")
    page.fill("#id_effective_from", "2025-01-01")
    page.click("form.range-form button[type=submit]")
    assert "下限不能高于上限" in page.inner_text(".alert-error")
    _check(page, "form-error", failures)
    page.fill("#id_lower", "")
    page.click("form.range-form button[type=submit]")
    page.wait_for_url("**/reports/ranges/")
    row = page.locator('tr[data-indicator="appeal_rate"][data-level="basic"]')
    assert "≤ 30.00%" in row.inner_text()
    _check(page, "list-after", failures)
    assert ReferenceRange.objects.filter(indicator="appeal_rate", demo=False).count() == 1
    assert not page.console_errors
    assert not failures, "\n".join(failures)
