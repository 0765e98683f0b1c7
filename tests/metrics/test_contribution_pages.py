"""比贡献 and 第一方阵 on the pages: the overview's and the weekly page's panel (its shares add up
to the gap it states, its links open the numbers' cases), the first-third values on the
overview and beside the targets the office sets; ranks mode and bands mode."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.choices import Role
from metrics.computation.engine import metrics_compute
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2025, 6, 29)  # a Sunday: the weekly page's default day
OVERVIEW = reverse("metrics:overview")
RANKING = reverse("metrics:ranking")
GAP = re.compile(r'<tr data-unit="([^"]+)" data-gap="([^"]*)"')
TOTAL = re.compile(r"data-total-gap>([^<]+)<")


@pytest.fixture
def computed(city_cases, city_judges):
    """The small city, plus closings in 苏0505's 民一庭 so that its judges differ."""
    judge = city_judges["苏0505/民一庭/1"]
    for day in (3, 4, 5):
        CaseFactory(judge=judge, filed_on=D(2025, 4, day), closed_on=D(2025, 6, day))
    CaseFactory(judge=city_judges["苏0506/民一庭/2"], filed_on=D(2025, 6, 1))
    metrics_compute(as_of=AS_OF, periods=["ytd"])
    metrics_compute(as_of=AS_OF - datetime.timedelta(days=7), periods=["ytd"])


def _login(client, user):
    client.force_login(user)
    return client


def _gaps(page: str) -> dict[str, Decimal]:
    return {code: Decimal(gap) for code, gap in GAP.findall(page) if gap}


def test_the_overview_shows_each_courts_share_of_the_citys_gap(client, computed, city_user):
    client = _login(client, city_user(Role.OFFICE, "苏05"))
    response = client.get(OVERVIEW, {"contrib": "closed_to_filed_ratio"})
    assert response.status_code == 200
    panel = response.context["contribution"]
    result = panel["result"]
    assert result["indicator"].slug == "closed_to_filed_ratio"
    page = response.content.decode()
    assert 'data-contribution="closed_to_filed_ratio"' in page
    gaps = _gaps(page)
    assert set(gaps) == {"苏05", "苏0505", "苏0506"}
    assert sum(gaps.values()) == result["gap"]
    # the links open the cases behind each court's numbers
    child = panel["children"][0]
    assert child["numerator_url"].startswith(
        reverse("metrics:cases", args=["closed_to_filed_ratio"])
    )
    cases = client.get(child["denominator_url"])
    assert cases.status_code == 200
    # the city has no peers: no 第一方阵 panel for it
    assert "first-group-title" not in page


def test_the_default_indicator_is_the_worst_gap_and_a_wrong_one_falls_back(
    client, computed, city_user
):
    client = _login(client, city_user(Role.OFFICE, "苏05"))
    default = client.get(OVERVIEW).context["contribution"]
    wrong = client.get(OVERVIEW, {"contrib": "<script>"})
    assert wrong.status_code == 200
    assert wrong.context["contribution"]["result"]["indicator"] == default["result"]["indicator"]
    assert default["choices"][0]["selected"]


def test_a_courts_overview_tells_what_puts_it_in_the_first_third(client, computed, city_user):
    client = _login(client, city_user(Role.OFFICE, "苏0505"))
    response = client.get(OVERVIEW)
    page = response.content.decode()
    assert "进入第一方阵需达到" in page
    rows = {row["indicator"].slug: row for row in response.context["first_group"]}
    # 苏0505's peers: the two basic courts — fewer than three, so no value, and it says so
    assert rows["clearance_rate"]["peers"] == 2 and rows["clearance_rate"]["needed"] is None
    assert "不足 3 个" in page


def test_a_judge_sees_no_contribution_panel(client, computed, city_user):
    client = _login(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    assert response.context["contribution"] is None
    assert "contributions-title" not in response.content.decode()


def test_the_weekly_page_shows_the_contributions_by_share_in_ranks_mode(
    client, computed, city_user
):
    client = _login(client, city_user(Role.OFFICE, "苏0505"))
    response = client.get(RANKING, {"contrib": "clearance_rate"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "对差距的贡献" in page
    result = response.context["contribution"]["result"]
    gaps = _gaps(page)
    assert sum(gaps.values()) == result["gap"]
    assert list(gaps.values()) == sorted(gaps.values(), reverse=True)


def test_the_weekly_page_in_bands_mode_lists_by_code_without_ranks(
    client, computed, city_user, settings
):
    settings.COURTDASH_RANKING_MODE = "bands"
    client = _login(client, city_user(Role.OFFICE, "苏05"))
    response = client.get(RANKING, {"contrib": "closed_to_filed_ratio"})
    page = response.content.decode()
    assert "名次" not in page
    codes = [code for code, _gap in GAP.findall(page)]
    assert codes == sorted(codes)
    assert "按单位代码排列" in page


def test_the_first_third_stands_beside_the_targets_the_office_sets(client, computed, city_user):
    client = _login(client, city_user(Role.OFFICE, "苏05"))
    for url in (
        reverse("metrics:indicator", args=["clearance_rate"]),
        reverse("metrics:indicator_target", args=["clearance_rate"]),
    ):
        page = client.get(url).content.decode()
        assert "第一方阵参考" in page, url
        assert 'data-group="court-basic"' in page
    band = client.get(reverse("metrics:indicator", args=["mediation_withdrawal_rate"]))
    assert "区间指标没有优劣方向" in band.content.decode()
    edit = client.get(reverse("reports:targets_edit"), {"court": computed_court(city_user)})
    assert edit.status_code == 200
    assert "进入第一方阵需达到" in edit.content.decode()
    assert edit.content.decode().count("data-first-group") >= 10


def computed_court(city_user):
    from cases.models import Court

    return Court.objects.get(code="苏0505").pk


def test_a_courts_office_sees_the_peer_groups_of_its_own_way_only(client, computed, city_user):
    client = _login(client, city_user(Role.OFFICE, "苏0505"))
    page = client.get(reverse("metrics:indicator", args=["clearance_rate"])).content.decode()
    # the basic courts' boundary (what 苏0505 must reach) and its own divisions'; not the other
    # court's divisions, nor its name
    assert 'data-group="court-basic"' in page
    assert 'data-group="division-苏0505"' in page
    assert "division-苏0506" not in page and "苏0506人民法院" not in page
