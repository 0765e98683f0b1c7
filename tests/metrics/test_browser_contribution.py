"""比贡献 and 第一方阵 in a real Chromium (Playwright) against a live server: the city's office
opens the overview, picks an indicator in the contribution panel, follows a court's share to
its cases, reads a court's first-third values and the weekly page — at 1440 and 390 px, in the
ranks and the bands mode, with axe-core's WCAG 2 A/AA check and no horizontal scrolling.
Screenshots go to out/ (gitignored)."""

import datetime
from decimal import Decimal

import pytest

from cases.choices import Role
from cases.models import Court
from metrics.services import metrics_compute
from tests.browser import OUT, axe_violations, horizontal_overflow, overflowing, sign_in
from tests.factories import UserFactory
from tests.metrics.generate import generate_cases

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
D = datetime.date
AS_OF = D(2025, 6, 29)  # a Sunday: the weekly page's default day
COURT_NAMES = {
    "苏05": "苏州市中级人民法院",
    "苏0505": "苏州市虎丘区人民法院",
    "苏0506": "苏州市吴中区人民法院",
    "苏0507": "苏州市相城区人民法院",
}
WIDTHS = {"desktop": 1440, "phone": 390}


@pytest.fixture
def city():
    generate_cases(n=600, seed=20250629, as_of=AS_OF)
    for code, name in COURT_NAMES.items():
        Court.objects.filter(code=code).update(name=name)
    metrics_compute(as_of=AS_OF - datetime.timedelta(days=7), periods=["ytd"])
    metrics_compute(as_of=AS_OF, periods=["ytd"])
    UserFactory(username="shenguan", role=Role.OFFICE, court=Court.objects.get(code="苏05"))
    return Court.objects.get(code="苏0506")


def _look(page, name: str, width: int, locator: str):
    """The page as loaded at `width` (the charts lay out at load), checked and photographed."""
    page.set_viewport_size({"width": width, "height": 900})
    page.reload()
    page.locator(locator).scroll_into_view_if_needed()
    assert horizontal_overflow(page) == 0, overflowing(page)
    assert axe_violations(page) == []
    page.screenshot(path=str(OUT / f"contribution-{name}-{width}.png"), full_page=True)
    page.locator(locator).screenshot(path=str(OUT / f"contribution-{name}-{width}-panel.png"))


def _shares_add_up(page):
    rows = page.locator("#contributions tbody tr")
    gaps = [rows.nth(i).get_attribute("data-gap") for i in range(rows.count())]
    total = page.locator("#contributions .contribution-summary").get_attribute("data-gap")
    assert sum(Decimal(gap) for gap in gaps) == Decimal(total)
    return rows.count()


def test_the_office_reads_contributions_and_the_first_third(page, live, city):
    sign_in(page, live, "shenguan")
    page.goto(f"{live.url}/metrics/?as_of={AS_OF}")
    panel = page.locator("#contributions")
    assert panel.is_visible()
    page.select_option("#contribution-indicator", "within_limit_rate")
    page.click("#contributions button[type=submit]")
    page.wait_for_url("**contrib=within_limit_rate**")
    assert page.locator("#contributions").get_attribute("data-contribution") == "within_limit_rate"
    assert _shares_add_up(page) == 4  # the intermediate court and the three basic courts
    for width in WIDTHS.values():
        _look(page, "overview-city", width, "#contributions")

    # a court's share opens its cases
    page.set_viewport_size({"width": 1440, "height": 900})
    row = page.locator('#contributions tbody tr[data-unit="苏0506"]')
    row.locator("td.contribution-cases a").first.click()
    page.wait_for_url("**/within_limit_rate/cases/**")
    assert page.locator("h1").first.is_visible()

    # a court: its divisions' shares, and what puts it in the first third of the basic courts
    page.goto(f"{live.url}/metrics/?court={city.pk}&as_of={AS_OF}")
    assert page.locator("#first-group").is_visible()
    needed = page.locator('#first-group tr[data-indicator="clearance_rate"]')
    assert needed.get_attribute("data-needed") != ""
    for width in WIDTHS.values():
        _look(page, "overview-court", width, "#first-group")

    # beside the target the office sets: the first-third boundary of each peer group
    page.goto(f"{live.url}/metrics/within_limit_rate/")
    assert page.locator('#first-group tr[data-group="court-basic"]').is_visible()
    for width in WIDTHS.values():
        _look(page, "indicator", width, "#first-group")

    # the weekly page
    page.goto(f"{live.url}/metrics/ranking/?contrib=clearance_rate")
    assert page.locator("#contributions").is_visible()
    _shares_add_up(page)
    for width in WIDTHS.values():
        _look(page, "ranking", width, "#contributions")


def test_the_bands_mode_lists_contributions_by_code(page, live, city, settings):
    settings.COURTDASH_RANKING_MODE = "bands"
    sign_in(page, live, "shenguan")
    page.goto(f"{live.url}/metrics/ranking/?contrib=clearance_rate")
    codes = page.locator("#contributions tbody tr").evaluate_all(
        "rows => rows.map(row => row.dataset.unit)"
    )
    assert codes == sorted(codes)
    assert "名次" not in page.content()
    _shares_add_up(page)
    for width in WIDTHS.values():
        _look(page, "ranking-bands", width, "#contributions")
