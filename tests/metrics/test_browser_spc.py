"""A browser walk of the SPC view (issue 14): the city's office enters a reference range through
the form, switches the overview to the SPC's 2024 set and reads each value against its range,
with no rank or score anywhere on the page (asserted on the page text); the switch holds on
the weekly page and the drill-down; a value outside its range is on the data-review meeting's
agenda and in the monthly review. Every page passes axe-core and fits 390 and 1440 px.

The planted data of test_spc2024 (苏05's appeals: 2 of 4 modified or remanded, 50%)."""

from __future__ import annotations

import re

import pytest

from cases.choices import Role
from cases.units import ScopeKey
from reports.services.monthly import monthly_report_generate
from tests.browser import OUT, axe_violations, horizontal_overflow, overflowing, sign_in
from tests.factories import UserFactory
from tests.metrics.test_spc2024 import AS_OF, planted  # noqa: F401 (the fixture)

pytestmark = [
    pytest.mark.browser,
    # A live server's flush, then the migrations' seed rows back (as every browser module).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WIDTHS = (390, 1440)
SHOTS = OUT / "spc"
FORBIDDEN = ("得分", "综合", "排名", "名次", "满分", "计分")
PLACE = re.compile(r"第\s*\d+\s*名")


def _check(page, name: str, failures: list[str]) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()  # the charts are laid out for the width they load at
        page.wait_for_load_state("networkidle")
        failures.extend(f"{name} @{width}: {v}" for v in axe_violations(page))
        if horizontal_overflow(page):
            failures.append(f"{name} @{width}: wider than the screen {overflowing(page)}")
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def _no_rank_or_score(page) -> None:
    text = page.inner_text("main")
    for word in FORBIDDEN:
        assert word not in text, word
    assert not PLACE.search(text), PLACE.search(text)


def test_the_office_reads_the_spc_set_against_its_ranges(live, page, planted):  # noqa: F811
    city = planted["J1"].division.court
    office = UserFactory(username="spc_office", role=Role.OFFICE, court=city)
    failures: list[str] = []
    sign_in(page, live, office.username)
    page.wait_for_load_state("networkidle")
    # The office enters the range of 二审改判-发回重审比: at most 20% (all levels).
    page.goto(f"{live.url}/reports/ranges/edit/")
    page.select_option("#id_indicator", "appeal_modify_remand_ratio")
    page.fill("#id_upper", "20")
    page.fill("#id_effective_from", "2025-01-01")
    page.click("form.range-form button[type=submit]")
    page.wait_for_url("**/reports/ranges/")
    # The overview of 苏05 on 30 June 2025, switched to the SPC's set.
    page.goto(f"{live.url}/metrics/?court={city.pk}&as_of=2025-06-30")
    page.click('.set-switch a[data-set="spc2024"]')
    page.wait_for_url("**set=spc2024**")
    tile = page.locator('article[data-indicator="appeal_modify_remand_ratio"]')
    assert tile.get_attribute("data-status") == "above"
    assert "50.00%" in tile.inner_text() and "≤ 20.00%" in tile.inner_text()
    assert "高于区间" in tile.inner_text()
    _no_rank_or_score(page)
    _check(page, "overview", failures)
    # The switch holds: the weekly page and a drill-down in the SPC view, no rank there either.
    page.click("text=周推进")
    page.wait_for_url("**/metrics/ranking/**")
    assert page.locator(".spc-week").count() == 1
    _no_rank_or_score(page)
    _check(page, "weekly", failures)
    page.goto(
        f"{live.url}/metrics/appeal_modify_remand_ratio/drill/?court={city.pk}&as_of=2025-06-30"
    )
    assert "高于区间" in page.inner_text(".unit-summary")
    _no_rank_or_score(page)
    _check(page, "drill", failures)
    # The data-review meeting of June 2025: the value outside its range is on the agenda.
    page.goto(f"{live.url}/reports/meetings/new/?court={city.pk}&month=2025-06")
    agenda = page.inner_text("main")
    assert "二审改判-发回重审比高于合理区间" in agenda, agenda[:2000]
    _check(page, "agenda", failures)
    # The monthly review of June 2025 (as the worker makes it): the section and the value.
    report = monthly_report_generate(unit=ScopeKey.of(court=city), month=AS_OF.replace(day=1))
    page.goto(f"{live.url}/reports/monthly/{report.pk}/")
    section = page.locator("section#spc")
    assert "二审改判-发回重审比" in section.inner_text()
    assert "高于区间" in section.inner_text()
    _no_rank_or_score(page)  # the view switched to holds here too: no score, rank or target
    _check(page, "monthly", failures)
    page.click('.set-switch a[data-set="local"]')
    page.wait_for_url("**set=local**")
    assert "综合得分" in page.inner_text("main")
    assert not page.console_errors
    assert not failures, "\n".join(failures)
