"""The SPC view (issue 14): the overview, weekly page, drill-down and trend show the SPC's 2024
set against its reference ranges, with no score, total or rank; the user switches between the
sets and the choice holds across pages; the office chooses which sets the deployment shows.

On the planted data of test_spc2024 (AS_OF 2025-06-30): 苏05 (intermediate) with J1's appeals
(2 of 4 second-instance cases closed in 2025 modified or remanded: 50%) and J2's retrials; 苏0505
with first instance and enforcement; 苏0506 whose export lacks the appeal dates (no data for 17).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from cases.choices import CourtLevel, Role
from metrics.choices import IndicatorSet, RangeStatus
from metrics.models import IndicatorSetSetting
from metrics.reading import dashboard
from metrics.services import metrics_compute, reference_range_set
from tests.factories import UserFactory
from tests.metrics.test_spc2024 import AS_OF, planted, unit  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
D = datetime.date
OVERVIEW = reverse("metrics:overview")
WEEKLY = reverse("metrics:ranking")
# What the SPC view must never show: a score, a total, a rank or a place (INDICATORS.md).
FORBIDDEN = ("得分", "综合", "排名", "名次", "满分", "计分")
PLACE = re.compile(r"第\s*\d+\s*名")


def _text(response) -> str:
    """The visible text of the page's main content (tags and scripts left out)."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r"<script.*?</script>", "", main, flags=re.S)
    return re.sub(r"<[^>]+>", " ", main)


def _no_rank_or_score(text: str) -> None:
    for word in FORBIDDEN:
        assert word not in text, word
    assert not PLACE.search(text)


@pytest.fixture
def office(planted):  # noqa: F811
    return UserFactory(role=Role.OFFICE, court=planted["J1"].division.court)


@pytest.fixture
def viewer(client, office):
    client.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
    return client


JANUARY = D(2025, 1, 1)


def _range(office, slug, *, lower=None, upper=None, level=None, since=JANUARY):
    return reference_range_set(
        indicator=slug,
        court_level=level,
        lower=lower,
        upper=upper,
        effective_from=since,
        actor=office,
    )


def _params(planted, path):  # noqa: F811
    key = unit(planted, path)
    return {
        name: value
        for name, value in (
            ("court", key.court_id),
            ("division", key.division_id),
            ("judge", key.judge_id),
        )
        if value is not None
    }


def test_the_overview_shows_each_value_against_its_range_and_no_score_or_rank(
    viewer,
    office,
    planted,  # noqa: F811
):
    _range(office, "appeal_modify_remand_ratio", upper=20)  # 苏05: 50% → above
    _range(office, "retrial_modify_remand_ratio", lower=10, upper=60)  # 1 of 2: 50% → inside
    response = viewer.get(OVERVIEW, {**_params(planted, "苏05"), "set": "spc2024"})
    assert response.status_code == 200
    assert response.templates[0].name == "metrics/overview_spc.html"
    tiles = {tile["indicator"].slug: tile for tile in response.context["data"]["tiles"]}
    assert list(tiles)[:4] == [
        "within_limit_rate",
        "long_pending_share",
        "enforcement_recovery_rate",
        "case_to_proceeding_ratio",
    ]
    assert len(tiles) == 10
    assert tiles["appeal_modify_remand_ratio"]["row"].value == 50.0
    assert tiles["appeal_modify_remand_ratio"]["status"] == RangeStatus.ABOVE
    assert tiles["retrial_modify_remand_ratio"]["status"] == RangeStatus.INSIDE
    assert tiles["appeal_rate"]["status"] == RangeStatus.NO_VALUE  # no first instance here
    assert tiles["within_limit_rate"]["status"] == RangeStatus.NO_RANGE
    # 3, 5, 11 and 16 have values and no range; 10, 14, 15, 17 no value at an appeal court.
    assert response.context["data"]["counts"] == {"inside": 1, "outside": 1, "no_range": 4}
    text = _text(response)
    _no_rank_or_score(text)
    assert "高于区间" in text and "达标" in text and "≤ 20.00%" in text
    assert "审限内结案率" in text  # the SPC's own name of #3 (法定审限内结案率 locally)
    html = response.content.decode()
    assert 'data-indicator="appeal_modify_remand_ratio" data-status="above"' in html


def test_no_data_is_said_in_words_never_zero(viewer, planted):  # noqa: F811
    response = viewer.get(OVERVIEW, {**_params(planted, "苏0506"), "set": "spc2024"})
    tiles = {tile["indicator"].slug: tile for tile in response.context["data"]["tiles"]}
    assert tiles["appeal_transfer_days"]["state"] == "no_data"
    html = response.content.decode()
    tile = html[html.index('data-indicator="appeal_transfer_days"') :]
    tile = tile[: tile.index("</article>")]
    assert "无数据" in tile and "0.00" not in tile


def test_the_units_below_are_in_code_order_whatever_their_values(
    viewer,
    office,
    planted,  # noqa: F811
):
    _range(office, "appeal_rate", lower=0, upper=10)
    response = viewer.get(OVERVIEW, {"set": "spc2024"})
    codes = [child["code"] for child in response.context["children"]]
    assert codes == sorted(codes) and {"苏05", "苏0505", "苏0506"} <= set(codes)
    by_code = {child["code"]: child for child in response.context["children"]}
    cells = {cell["indicator"].slug: cell for cell in by_code["苏0506"]["cells"]}
    assert cells["appeal_transfer_days"]["state"] == "no_data"
    # 苏0505: 3 of 4 first-instance closed in 2025 appealed (75%) → above 10
    cells = {cell["indicator"].slug: cell for cell in by_code["苏0505"]["cells"]}
    assert cells["appeal_rate"]["status"] == RangeStatus.ABOVE
    assert by_code["苏0505"]["outside"] == 1
    text = _text(response)
    _no_rank_or_score(text)


def test_the_choice_holds_across_pages_until_switched_back(viewer, planted):  # noqa: F811
    viewer.get(OVERVIEW, {"set": "spc2024"})
    assert viewer.get(OVERVIEW).templates[0].name == "metrics/overview_spc.html"
    drill = viewer.get(reverse("metrics:drill", args=["within_limit_rate"]))
    assert drill.context["spc"] is True and "合理区间" in _text(drill)
    local = viewer.get(OVERVIEW, {"set": "local"})
    assert local.templates[0].name == "metrics/overview.html"
    assert "综合得分" in _text(local)
    assert viewer.get(reverse("metrics:drill", args=["within_limit_rate"])).context["spc"] is False
    # An indicator of the SPC set alone is always read against its range.
    only = viewer.get(reverse("metrics:drill", args=["appeal_rate"]))
    assert only.context["spc"] is True and only.context["set_links"] == []
    # A stale or made-up ?set= is no error: the page opens in the view held.
    assert viewer.get(OVERVIEW, {"set": "<script>"}).templates[0].name == "metrics/overview.html"


def test_the_weekly_page_shows_movements_without_ranks(viewer, office, planted):  # noqa: F811
    # 10 June: J1's appeals closed 10 Feb (modified), 10 May (remanded), 10 June (affirmed):
    # 2 of 3, 66.67%; 17 June: and 11 June (affirmed): 2 of 4, 50%.
    for day in (D(2025, 6, 10), D(2025, 6, 17)):
        metrics_compute(as_of=day, periods=["ytd"])
    _range(office, "appeal_modify_remand_ratio", upper=20)
    response = viewer.get(WEEKLY, {"set": "spc2024", "as_of": "2025-06-17"})
    assert response.status_code == 200
    assert response.templates[0].name == "metrics/ranking_spc.html"
    children = response.context["children"]
    assert [c["code"] for c in children] == sorted(c["code"] for c in children)
    by_code = {child["code"]: child for child in children}
    cells = {cell["indicator"].slug: cell for cell in by_code["苏05"]["cells"]}
    assert cells["appeal_modify_remand_ratio"]["move"]["direction"] == "down"
    assert round(cells["appeal_modify_remand_ratio"]["move"]["delta"], 2) == -16.67
    text = _text(response)
    _no_rank_or_score(text)
    assert "-16.67 个百分点" in text


def test_the_drill_down_and_trend_read_each_day_against_the_range_then_in_force(
    viewer,
    office,
    planted,  # noqa: F811
):
    _range(office, "appeal_modify_remand_ratio", upper=20, since=D(2025, 1, 1))
    _range(office, "appeal_modify_remand_ratio", upper=60, since=D(2025, 6, 1))
    _range(office, "appeal_modify_remand_ratio", upper=10, level=CourtLevel.BASIC)
    drill = viewer.get(
        reverse("metrics:drill", args=["appeal_modify_remand_ratio"]), _params(planted, "苏05")
    )
    own = drill.context["data"]["own"]
    assert own["status"] == RangeStatus.INSIDE and own["range"].upper == 60
    text = _text(drill)
    _no_rank_or_score(text)
    # 31 May: J1's appeals closed 10 Feb (modified) and 10 May (remanded): 2 of 2, 100%,
    # read against the range of then (≤ 20); 30 June: 50% against the June range (≤ 60).
    metrics_compute(as_of=D(2025, 5, 31), periods=["ytd"])
    rows = dashboard.spc_trend(unit=unit(planted, "苏05"), indicator=own["indicator"], as_of=AS_OF)
    assert [(row["day"], row["value"]) for row in rows] == [(D(2025, 5, 31), 100.0), (AS_OF, 50.0)]
    assert [row["range"].upper for row in rows] == [20, 60]
    assert [row["status"] for row in rows] == [RangeStatus.ABOVE, RangeStatus.INSIDE]
    trend = viewer.get(
        reverse("metrics:trend", args=["appeal_modify_remand_ratio"]), _params(planted, "苏05")
    )
    assert "合理区间" in _text(trend) and "目标" not in _text(trend)


def test_the_office_chooses_which_sets_the_pages_show(viewer, client, office, planted):  # noqa: F811
    settings_url = reverse("reports:ranking_settings")
    refused = viewer.post(settings_url, {"form": "sets"})  # none chosen: the form says why
    assert refused.status_code == 200 and not IndicatorSetSetting.objects.exists()
    assert "至少选择一个指标体系" in refused.content.decode()
    made_up = viewer.post(settings_url, {"form": "sets", "sets": ["national"]})
    assert made_up.status_code == 200 and not IndicatorSetSetting.objects.exists()
    viewer.post(settings_url, {"form": "sets", "sets": ["local"], "note": "只看本地"})
    assert list(IndicatorSetSetting.objects.values_list("sets", flat=True)) == [["local"]]
    response = viewer.get(OVERVIEW, {"set": "spc2024"})
    assert response.templates[0].name == "metrics/overview.html"
    assert response.context["set_links"] == []
    viewer.post(settings_url, {"form": "sets", "sets": ["spc2024"]})
    response = viewer.get(OVERVIEW)
    assert response.templates[0].name == "metrics/overview_spc.html"
    assert response.context["set_links"] == []
    assert "只看本地" in viewer.get(settings_url).content.decode()
    judge = UserFactory(role=Role.JUDGE, judge=planted["J1"])
    client.force_login(judge, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(settings_url, {"form": "sets", "sets": ["local"]}).status_code == 403
    assert IndicatorSet.SPC2024 in [
        IndicatorSet(s) for s in IndicatorSetSetting.objects.first().sets
    ]


def test_the_monthly_review_shows_either_set(viewer, office, planted):  # noqa: F811
    from reports.services.monthly import monthly_report_generate

    _range(office, "appeal_modify_remand_ratio", upper=20)
    report = monthly_report_generate(unit=unit(planted, "苏05"), month=D(2025, 6, 1))
    url = reverse("reports:monthly", args=[report.pk])
    local = viewer.get(url, {"set": "local"})
    assert "综合得分" in _text(local) and "对照合理区间" in _text(local)
    assert [link["set"] for link in local.context["set_links"]] == ["local", "spc2024"]
    spc = viewer.get(url, {"set": "spc2024"})
    assert spc.context["spc_view"] is True
    text = _text(spc)
    _no_rank_or_score(text)
    assert "二审改判-发回重审比" in text and "高于区间" in text
    # A review kept where the city shows the SPC's set alone has no local sections at all.
    report.content["local_shown"] = False
    report.save(update_fields=["content"])
    alone = viewer.get(url, {"set": "local"})
    assert alone.context["set_links"] == []
    _no_rank_or_score(_text(alone))


def test_the_definition_page_of_the_spc_set_shows_ranges_never_a_target(
    viewer,
    office,
    planted,  # noqa: F811
):
    _range(office, "appeal_rate", upper=12)
    _range(office, "appeal_rate", lower=5, upper=15, level=CourtLevel.BASIC)
    page = viewer.get(reverse("metrics:indicator", args=["appeal_rate"]))
    assert page.templates[0].name == "metrics/indicator_spc.html"
    ranges = {row["level"]: row["range"] for row in page.context["ranges"]}
    assert ranges["全部层级"].upper == 12 and ranges["基层人民法院"].lower == 5
    assert ranges["中级人民法院"].upper == 12  # no range of its own: the all-levels one
    text = _text(page)
    _no_rank_or_score(text)
    for word in ("权重", "目标值", "第一方阵"):
        assert word not in text, word
    assert "区间设定记录" in text and text.count("≤ 12.00%") >= 2
    # An indicator of both sets: the local view keeps its target, with the switcher.
    local = viewer.get(reverse("metrics:indicator", args=["within_limit_rate"]), {"set": "local"})
    assert local.templates[0].name == "metrics/indicator.html"
    assert [link["set"] for link in local.context["set_links"]] == ["local", "spc2024"]
    spc = viewer.get(reverse("metrics:indicator", args=["within_limit_rate"]), {"set": "spc2024"})
    assert spc.templates[0].name == "metrics/indicator_spc.html"
    assert "审限内结案率" in _text(spc)
