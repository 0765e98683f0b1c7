"""The dashboards in a real Chromium (Playwright) against a live server, the strict CSP enforced
by the browser: the city's office walks overview → a tile → court → division → judge → the case
list, and the numbers agree at every step. Screenshots go to out/ (gitignored).
"""

import datetime
import re

import pytest

from cases.choices import CourtLevel, Role
from cases.models import Court, Judge
from cases.units import ScopeKey
from metrics.models import IndicatorValue
from metrics.services import metrics_compute
from tests.browser import OUT, sign_in
from tests.factories import UserFactory
from tests.metrics.generate import generate_cases

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
D = datetime.date
AS_OF = D(2025, 6, 30)
COURT_NAMES = {
    "苏05": "苏州市中级人民法院",
    "苏0505": "苏州市虎丘区人民法院",
    "苏0506": "苏州市吴中区人民法院",
    "苏0507": "苏州市相城区人民法院",
}
JUDGE_NAMES = (
    "王磊 李娜 张伟 刘洋 陈静 杨帆 赵敏 黄丽 周杰 吴婷 "
    "徐明 孙悦 马超 朱琳 胡斌 郭芳 何勇 林欣 高翔 罗丹"
).split()


@pytest.fixture
def city():
    """A random city of a few hundred cases (tests.metrics.generate) with readable names,
    computed as of 2025-06-30, a week before, and at each month end (the sparklines)."""
    generate_cases(n=700, seed=20250630, as_of=AS_OF)
    for code, name in COURT_NAMES.items():
        Court.objects.filter(code=code).update(name=name)
    names = JUDGE_NAMES
    for index, judge in enumerate(Judge.objects.order_by("pk")):
        judge.name = names[index % len(names)] + ("" if index < len(names) else str(index))
        judge.save(update_fields=["name"])
    days = [D(2025, month + 1, 1) - datetime.timedelta(days=1) for month in range(1, 6)]
    days += [D(2025, 6, 9), D(2025, 6, 16), D(2025, 6, 23)]
    for day in days:
        metrics_compute(as_of=day, periods=["ytd"])
    metrics_compute(as_of=AS_OF)
    city_court = Court.objects.get(code="苏05")
    UserFactory(username="shenguan", role=Role.OFFICE, court=city_court, last_name="顾")
    judge = Judge.objects.filter(court__level=CourtLevel.BASIC).order_by("pk").first()
    UserFactory(username="faguan", role=Role.JUDGE, judge=judge, court=judge.court)
    return {"judge": judge}


def numbers_of(locator) -> tuple[str, str, str]:
    """(value, numerator, denominator) as a page shows them."""
    return tuple(
        locator.locator(f"[data-{name}]").first.inner_text().strip()
        for name in ("value", "numerator", "denominator")
    )


def charts_drawn(page):
    """Every chart of the page drawn by plotly.js (an SVG inside), none left empty."""
    expected = page.locator("[data-figure]").count()
    if expected:
        page.wait_for_function(
            "n => document.querySelectorAll('.chart-drawn .main-svg').length >= n", arg=expected
        )
    return expected


def stored_text(key: ScopeKey, slug: str) -> tuple[str, str]:
    row = IndicatorValue.objects.get(key.rows_q(), indicator=slug, period="ytd", as_of=AS_OF)
    return f"{int(row.numerator):,}", f"{int(row.denominator):,}"


def test_office_walks_from_the_overview_down_to_the_cases_and_the_numbers_agree(live, page, city):
    slug = "closed_to_filed_ratio"
    sign_in(page, live, "shenguan")
    # The office lands on the city's overview.
    assert page.url.endswith("/metrics/")
    assert page.locator(".page-head h1").inner_text() == "质效指标 · 全市"
    assert page.locator(".tile").count() == 11
    assert charts_drawn(page) == 12  # eleven sparklines and the age profile
    tile = page.locator(f".tile[data-indicator={slug}]")
    shown = numbers_of(tile)
    assert shown[1:] == stored_text(ScopeKey.city(), slug)
    page.screenshot(path=OUT / "metrics_1_overview.png", full_page=True)

    # A tile: the city's number, and the courts below it.
    tile.locator("a.tile-value").click()
    assert page.locator(".page-head h1").inner_text() == "结收比 · 全市"
    assert numbers_of(page.locator(".unit-summary")) == shown
    charts_drawn(page)
    page.screenshot(path=OUT / "metrics_2_city.png", full_page=True)

    walk = [("苏0505", "苏州市虎丘区人民法院"), (None, None), (None, None)]
    level = 3
    for step, (code, _name) in enumerate(walk):
        if code is not None:
            row = page.locator(f".children-table tbody tr[data-unit='{code}']")
        else:
            # The first unit below with cases in both numerator and denominator.
            row = (
                page.locator(".children-table tbody tr")
                .filter(has_not=page.locator("td[data-denominator]:text-is('0')"))
                .first
            )
        expected = numbers_of(row)
        name = row.locator("a.drill-link").inner_text()
        row.locator("a.drill-link").click()
        assert page.locator(".page-head h1").inner_text().startswith("结收比 · ")
        assert name in page.locator(".page-head h1").inner_text()
        assert numbers_of(page.locator(".unit-summary")) == expected
        charts_drawn(page)
        page.screenshot(
            path=OUT / f"metrics_{level}_{['court', 'division', 'judge'][step]}.png", full_page=True
        )
        level += 1
    assert page.locator(".children-table").count() == 0  # a judge has nobody below
    crumbs = page.locator(".metrics-crumbs li").all_inner_texts()
    assert crumbs[:2] == ["全市", "苏州市虎丘区人民法院"] and len(crumbs) == 4

    # The judge's case lists: as many cases as the numerator and the denominator say.
    numerator, denominator = expected[1], expected[2]
    page.click("a[data-part=numerator]")
    assert page.locator(".tabs a.current").inner_text() == "分子案件"
    assert page.locator("[data-case-count]").inner_text() == numerator
    assert page.locator(".case-table tbody a.case-number").count() == min(int(numerator), 50)
    page.screenshot(path=OUT / f"metrics_{level}_cases_numerator.png", full_page=True)
    page.click(".tabs a[data-part=denominator]")
    assert page.locator("[data-case-count]").inner_text() == denominator
    page.screenshot(path=OUT / f"metrics_{level + 1}_cases_denominator.png", full_page=True)

    # A case opens on its own page.
    number = page.locator(".case-table tbody a.case-number").first.inner_text()
    page.locator(".case-table tbody a.case-number").first.click()
    assert page.locator("h1.case-title").inner_text() == number

    # The trend and the weekly ranking draw too.
    page.goto(f"{live.url}/metrics/{slug}/trend/")
    assert charts_drawn(page) == 2
    page.screenshot(path=OUT / "metrics_trend.png", full_page=True)
    page.goto(f"{live.url}/metrics/ranking/?as_of={AS_OF.isoformat()}")
    assert page.locator(".ranking-table tbody tr[data-unit]").count() == 4
    page.screenshot(path=OUT / "metrics_ranking.png", full_page=True)
    page.goto(f"{live.url}/metrics/clearance_rate/")
    assert "期初未结" in page.locator("[data-denominator-words]").inner_text()
    page.screenshot(path=OUT / "metrics_indicator.png", full_page=True)

    # No CSP violation, no script error, on any page of the walk.
    assert page.console_errors == []


def test_a_judge_sees_own_indicators_and_not_a_colleagues(live, page, city):
    judge = city["judge"]
    sign_in(page, live, "faguan")
    assert "/cases/" in page.url  # 我的案件 stays a judge's home
    page.click("nav.mainnav >> text=质效指标")
    assert judge.name in page.locator(".page-head h1").inner_text()
    assert page.locator(".tile").count() == 11
    charts_drawn(page)
    page.screenshot(path=OUT / "metrics_judge_overview.png", full_page=True)
    colleague = Judge.objects.filter(division=judge.division).exclude(pk=judge.pk).first()
    other = colleague or Judge.objects.exclude(pk=judge.pk).first()
    query = f"court={other.court_id}&division={other.division_id}&judge={other.pk}"
    response = page.goto(f"{live.url}/metrics/closed_to_filed_ratio/drill/?{query}")
    assert response.status == 404
    assert re.search(r"404|Not Found|未找到", page.content())
