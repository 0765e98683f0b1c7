"""The weekly page (周推进) in the bands mode in a real Chromium: a funnel plot instead of ranks,
the flagged units as cards, each linking to the unit's drill-down; axe-core WCAG 2 A/AA and no
horizontal scrolling at 390 px and 1440 px. Screenshots in out/ (gitignored), to look at."""

import pytest

from cases.choices import Role
from tests.browser import OUT, axe_violations, horizontal_overflow, sign_in
from tests.factories import UserFactory
from tests.metrics.funnel_city import plant_city

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
# Nine courts of different sizes around the city's rates; 苏0514's difference is its case mix,
# 苏0515's is real.
MIX = {
    "苏0511": (200, 10, 20, 8),
    "苏0512": (90, 4, 10, 4),
    "苏0513": (300, 15, 30, 12),
    "苏0514": (20, 1, 200, 80),
    "苏0515": (200, 40, 20, 8),
    "苏0516": (60, 3, 6, 3),
    "苏0517": (420, 20, 40, 16),
    "苏0518": (140, 7, 14, 5),
    "苏0519": (30, 2, 4, 2),
}
NAMES = {
    "苏0511": "姑苏区人民法院",
    "苏0512": "虎丘区人民法院",
    "苏0513": "吴中区人民法院",
    "苏0514": "相城区人民法院",
    "苏0515": "吴江区人民法院",
    "苏0516": "常熟市人民法院",
    "苏0517": "张家港市人民法院",
    "苏0518": "昆山市人民法院",
    "苏0519": "太仓市人民法院",
}


@pytest.fixture
def city(settings):
    settings.COURTDASH_RANKING_MODE = "bands"
    courts = plant_city(MIX, closed=12, names=NAMES)
    UserFactory(username="shenguan", role=Role.OFFICE, court=courts["苏05"], last_name="顾")
    return courts


def drawn(page):
    page.wait_for_function("() => document.querySelectorAll('.chart-drawn .main-svg').length > 0")


def test_the_weekly_page_in_bands_mode_shows_a_funnel_and_no_ranks(live, page, city):
    sign_in(page, live, "shenguan")
    url = f"{live.url}/metrics/ranking/?funnel=long_pending_share"
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        drawn(page)
        assert page.locator("#funnel .funnel-chart.chart-drawn").count() == 1
        assert page.locator(".bands-table").count() == 1
        assert page.locator(".ranking-table .rank").count() == 0
        assert "名次" not in page.locator("main").inner_text()
        flagged = page.locator(".funnel-flag-card[data-flagged^='long_pending_share:']")
        codes = {item.get_attribute("data-flagged").split(":")[1] for item in flagged.all()}
        assert codes == {"苏0514", "苏0515"}
        assert axe_violations(page) == []
        assert horizontal_overflow(page) == 0
        page.screenshot(path=OUT / f"funnel_ranking_{width}.png", full_page=True)
        page.locator("#funnel").screenshot(path=OUT / f"funnel_section_{width}.png")
        assert page.console_errors == []

    # Adjusted for case mix: 苏0514's difference was its case mix.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(url)
    page.click("[data-funnel-toggle]")
    drawn(page)
    flagged = page.locator(".funnel-flag-card[data-flagged^='long_pending_share:']")
    codes = {item.get_attribute("data-flagged").split(":")[1] for item in flagged.all()}
    assert codes == {"苏0515"}
    page.screenshot(path=OUT / "funnel_ranking_adjusted_1440.png", full_page=True)

    # A flagged unit leads to its drill-down of that indicator.
    page.locator(".funnel-flag-card[data-flagged='long_pending_share:苏0515'] a").click()
    assert "/metrics/long_pending_share/drill/" in page.url
    assert "吴江区人民法院" in page.locator(".page-head h1").inner_text()

    # The funnel page of one indicator, on a phone and at a desk.
    for width in (390, 1440):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live.url}/metrics/avg_trial_days/funnel/")
        drawn(page)
        assert axe_violations(page) == []
        assert horizontal_overflow(page) == 0
        page.screenshot(path=OUT / f"funnel_page_{width}.png", full_page=True)
