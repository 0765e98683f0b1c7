"""The dashboards (质效指标): each role sees its own unit and nothing outside it; every number
down the drill-down is the stored one, and the case lists and their XLSX add up to it.

The small city of conftest.py (city_*), computed as of 2025-06-30 (every period), a week
before, and at the month ends of the year (the monthly flow).
"""

import datetime
import io
import re
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from cases.choices import AuditAction, ClosingMethod, CourtLevel, Role
from cases.models import AuditEvent, Court
from cases.units import ScopeKey
from metrics.choices import Scope
from metrics.definitions.indicators import INDICATORS, LOCAL_INDICATORS
from metrics.definitions.periods import Period
from metrics.definitions.words import DEFINITIONS
from metrics.models import (
    IndicatorTarget,
    IndicatorTargetChange,
    IndicatorValue,
    PendingAgeProfile,
)
from metrics.reading import charts, dashboard
from metrics.selectors import indicator_cases
from metrics.services import metrics_compute
from metrics.templatetags.metrics_display import indicator_value, quantity
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2025, 6, 30)
WEEK_BEFORE = D(2025, 6, 23)
MONTH_ENDS = [D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 31), D(2025, 4, 30), D(2025, 5, 31)]
OVERVIEW = reverse("metrics:overview")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>")


@pytest.fixture
def computed(city_cases, city_judges):
    """The city's cases, plus a long-pending one (filed 2024-03-01) and one closed in the last
    week, computed for the days the pages read."""
    judge = city_judges["苏0505/民一庭/1"]
    CaseFactory(judge=judge, filed_on=D(2024, 3, 1), cause="long pending")
    CaseFactory(
        judge=judge,
        filed_on=D(2025, 6, 2),
        closed_on=D(2025, 6, 27),
        closing_method=ClosingMethod.MEDIATION,
    )
    for day in [*MONTH_ENDS, WEEK_BEFORE]:
        metrics_compute(as_of=day, periods=["ytd"])
    metrics_compute(as_of=AS_OF)
    return city_cases


def logged_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def unit_of(city, path: str) -> dict:
    """Query parameters of a unit path of the city fixtures: "苏0505/民一庭/1"."""
    courts, divisions, judges = city
    parts = path.split("/")
    params = {"court": courts[parts[0]].pk}
    if len(parts) > 1:
        params["division"] = divisions["/".join(parts[:2])].pk
    if len(parts) > 2:
        params["judge"] = judges[path].pk
    return params


@pytest.fixture
def city(city_courts, city_divisions, city_judges):
    return city_courts, city_divisions, city_judges


def stored(key: ScopeKey, slug: str, period: str = "ytd", as_of=AS_OF) -> IndicatorValue:
    return IndicatorValue.objects.get(key.rows_q(), indicator=slug, period=period, as_of=as_of)


# Who lands where, who sees what


@pytest.mark.parametrize(
    "role, unit",
    [
        (Role.DIVISION_HEAD, "苏0505/民一庭"),
        (Role.OFFICE, "苏05"),
        (Role.OFFICE, "苏0506"),
        (Role.COURT_LEADER, "苏05"),
        (Role.PARTY_LEADERSHIP, "苏05"),
    ],
)
def test_heads_office_and_leaders_land_on_their_indicators(client, computed, city_user, role, unit):
    response = logged_in(client, city_user(role, unit)).get("/", follow=True)
    assert response.redirect_chain[-1][0] == OVERVIEW
    assert "<h1>质效指标" in response.content.decode()


def test_a_judge_keeps_my_cases_as_home_and_has_a_link_to_own_indicators(
    client, computed, city_user
):
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1")
    response = logged_in(client, judge).get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:case_list")
    page = response.content.decode()
    assert f'<a href="{OVERVIEW}">质效指标</a>' in page
    own = client.get(OVERVIEW)
    assert own.context["unit"] == ScopeKey.of(
        court=judge.judge.court, division=judge.judge.division, judge=judge.judge
    )
    assert "苏0505/民一庭/1" in own.content.decode()


@pytest.mark.parametrize(
    "role, unit, scope",
    [
        (Role.JUDGE, "苏0505/民一庭/1", Scope.JUDGE),
        (Role.DIVISION_HEAD, "苏0505/民一庭", Scope.DIVISION),
        (Role.ANALYST, "苏0506/刑事审判庭", Scope.DIVISION),
        (Role.OFFICE, "苏0505", Scope.COURT),
        (Role.OFFICE, "苏05", Scope.CITY),  # the intermediate court's office sees the city
        (Role.COURT_LEADER, "苏05", Scope.CITY),
        (Role.PARTY_LEADERSHIP, "苏05", Scope.CITY),
    ],
)
def test_overview_shows_eleven_tiles_of_the_viewers_own_unit(
    client, computed, city_user, role, unit, scope
):
    response = logged_in(client, city_user(role, unit)).get(OVERVIEW)
    assert response.status_code == 200
    assert response.context["unit"].scope == scope
    tiles = response.context["data"]["tiles"]
    assert [tile["indicator"].slug for tile in tiles] == list(LOCAL_INDICATORS)
    page = response.content.decode()
    assert page.count('class="tile tile-') == 11
    for tile in tiles:
        if tile["applies"]:
            assert tile["row"] == stored(response.context["unit"], tile["indicator"].slug)
    # 案-件比 stops at the courts: below them its tile says so instead of a number.
    ratio = tiles[-1]
    assert ratio["applies"] is (scope in (Scope.CITY, Scope.COURT))


def test_a_court_with_no_results_yet_shows_dashes(client, computed, city_courts, city_user):
    """A court created since the last nightly (an import's, the admin's) has no stored results:
    its pages show dashes, not an error."""
    new = Court.objects.create(
        code="苏0599", name="新区法院", level=CourtLevel.BASIC, parent=city_courts["苏05"]
    )
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    response = client.get(OVERVIEW, {"court": new.pk})
    assert response.status_code == 200
    assert response.context["unit"] == ScopeKey.of(court=new)
    html = response.content.decode()
    assert "<span data-numerator>—</span> / <span data-denominator>—</span>" in html
    for name in ("drill", "indicator"):
        assert (
            client.get(
                reverse(f"metrics:{name}", args=["closed_to_filed_ratio"]), {"court": new.pk}
            ).status_code
            == 200
        ), name


def test_inspectors_have_no_dashboards(client, computed, city_user):
    client = logged_in(client, city_user(Role.INSPECTOR, "苏05"))
    assert client.get(OVERVIEW).status_code == 403
    assert client.get(reverse("metrics:drill", args=["clearance_rate"])).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, computed):
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["drill", "cases", "trend", "cases_export"])
def test_a_judge_cannot_open_another_judges_numbers(client, computed, city, city_user, name):
    client = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    url = reverse(f"metrics:{name}", args=["closed_to_filed_ratio"])
    assert client.get(url, unit_of(city, "苏0505/民一庭/1")).status_code == 200
    for other in ("苏0505/民一庭/2", "苏0505/民一庭", "苏0505", "苏0506/民一庭/1"):
        assert client.get(url, unit_of(city, other)).status_code == 404, other
    assert client.get(url, {"court": 99999}).status_code == 404
    assert client.get(url, {"judge": "x"}).status_code == 404


def test_division_head_and_basic_office_see_only_their_own_units(client, computed, city, city_user):
    head = logged_in(client, city_user(Role.DIVISION_HEAD, "苏0505/民一庭"))
    assert head.get(OVERVIEW, unit_of(city, "苏0505/民一庭/2")).status_code == 200
    assert head.get(OVERVIEW, unit_of(city, "苏0505/刑事审判庭")).status_code == 404
    assert head.get(OVERVIEW, unit_of(city, "苏0505")).status_code == 404
    office = logged_in(client, city_user(Role.OFFICE, "苏0505"))
    assert office.get(OVERVIEW, unit_of(city, "苏0505/刑事审判庭/1")).status_code == 200
    assert office.get(OVERVIEW, unit_of(city, "苏0506")).status_code == 404
    # A division id under the wrong court is not a unit.
    mixed = {"court": city[0]["苏0505"].pk, "division": city[1]["苏0506/民一庭"].pk}
    assert office.get(OVERVIEW, mixed).status_code == 404


def test_an_unknown_indicator_is_a_404(client, computed, city_user):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    for name in ("indicator", "drill", "cases", "trend"):
        assert client.get(reverse(f"metrics:{name}", args=["no_such_thing"])).status_code == 404


# The drill-down: the stored numbers at every step, and the cases that make them


def _children_numbers(response) -> dict:
    return {
        child["key"]: (child["row"].numerator, child["row"].denominator)
        for child in response.context["data"]["children"]
    }


@pytest.mark.parametrize("slug", ["closed_to_filed_ratio", "avg_trial_days", "clearance_rate"])
def test_each_drill_step_shows_the_stored_numbers_down_to_the_judge(
    client, computed, city, city_user, slug
):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    url = reverse("metrics:drill", args=[slug])
    path = ["苏0505", "苏0505/民一庭", "苏0505/民一庭/1"]
    response = client.get(url)
    parent = ScopeKey.city()
    for step in [*path, None]:
        own = response.context["data"]["own"]
        assert own == stored(parent, slug)
        children = _children_numbers(response)
        if parent.scope is Scope.JUDGE:
            assert children == {}
            break
        expected = IndicatorValue.objects.filter(
            parent.children_q(), indicator=slug, period="ytd", as_of=AS_OF
        )
        assert children == {
            ScopeKey.of_row(row): (row.numerator, row.denominator) for row in expected
        }
        # Counts and sums add up: the children make the parent.
        assert sum(n for n, _d in children.values()) == own.numerator
        assert sum(d for _n, d in children.values()) == own.denominator
        page = response.content.decode()
        for child in response.context["data"]["children"]:
            assert f'data-unit="{child["code"]}"' in page
            assert child["url"] in page.replace("&amp;", "&")
        next_url = next(
            child["url"]
            for child in response.context["data"]["children"]
            if child["key"] == ScopeKey.of(**_ids(city, step))
        )
        response = client.get(next_url)
        assert response.status_code == 200
        parent = ScopeKey.of(**_ids(city, step))


def _ids(city, path: str) -> dict:
    params = unit_of(city, path)
    return {name: params.get(name) for name in ("court", "division", "judge")}


def _listed_total(client, slug, params, part) -> tuple[int, Decimal | None, set[str]]:
    """The case list's count (and sum), following its pages to the last."""
    url = reverse("metrics:cases", args=[slug])
    numbers: set[str] = set()
    response = client.get(url, {**params, "part": part})
    assert response.status_code == 200
    count = response.context["page_obj"].count
    summed = response.context["summed"]
    page = response.context["page_obj"]
    numbers |= {case.case_number for case in page}
    while page.has_next:  # the keyset pages, one after the other
        page = client.get(url, {**params, "part": part, "after": page.next_cursor})
        page = page.context["page_obj"]
        numbers |= {case.case_number for case in page}
    assert len(numbers) == count
    return count, summed, numbers


@pytest.mark.parametrize("path", ["", "苏0505", "苏0505/民一庭", "苏0505/民一庭/1"])
def test_case_lists_add_up_to_the_stored_numerator_and_denominator(
    client, computed, city, city_user, path
):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    params = unit_of(city, path) if path else {}
    key = ScopeKey.of(**_ids(city, path)) if path else ScopeKey.city()
    for indicator in INDICATORS.values():
        if key.scope not in indicator.scopes:
            continue
        row = stored(key, indicator.slug)
        for part in ("numerator", "denominator"):
            count, summed, numbers = _listed_total(client, indicator.slug, params, part)
            measure = indicator.measure(part, Period.of("ytd", AS_OF))
            expected = indicator_cases(indicator, Period.of("ytd", AS_OF), key, part)
            assert numbers == set(expected.values_list("case_number", flat=True))
            if measure.is_sum:
                assert Decimal(summed) == getattr(row, part), (indicator.slug, part)
            else:
                assert count == getattr(row, part), (indicator.slug, part)


def test_case_list_links_each_case_to_its_page_and_is_audited(client, computed, city, city_user):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    params = unit_of(city, "苏0505/民一庭/1")
    response = client.get(
        reverse("metrics:cases", args=["closed_to_filed_ratio"]), {**params, "part": "numerator"}
    )
    page = response.content.decode()
    for case in response.context["page_obj"]:
        assert f'href="{reverse("cases:case_detail", args=[case.pk])}"' in page
        assert f'<td class="num">{case.filed_on.isoformat()}</td>' in page
        closed = case.closed_on.isoformat() if case.closed_on else "—"
        assert f'<td class="num">{closed}</td>' in page
    event = AuditEvent.objects.filter(action=AuditAction.CASE_LIST).latest("at")
    assert event.detail["indicator"] == "closed_to_filed_ratio"
    assert event.detail["count"] == response.context["page_obj"].count


def test_a_case_list_that_no_longer_matches_the_stored_number_says_so(
    client, computed, city, city_judges, city_user
):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    url = reverse("metrics:cases", args=["closed_to_filed_ratio"])
    params = {**unit_of(city, "苏0505/民一庭/2"), "part": "denominator"}
    assert "data-agrees" in client.get(url, params).content.decode()
    # Imported after the night's computation: filed in the period, not yet counted.
    CaseFactory(judge=city_judges["苏0505/民一庭/2"], filed_on=D(2025, 6, 20))
    page = client.get(url, params).content.decode()
    assert "data-disagrees" in page and "data-agrees" not in page


def test_a_long_case_list_is_paginated(client, city_judges, city_user):
    judge = city_judges["苏0506/民一庭/2"]
    CaseFactory.create_batch(60, judge=judge, filed_on=D(2025, 4, 1))
    metrics_compute(as_of=AS_OF)
    client = logged_in(client, city_user(Role.OFFICE, "苏0506"))
    url = reverse("metrics:cases", args=["closed_to_filed_ratio"])
    response = client.get(url, {"part": "denominator"})
    assert response.context["page_obj"].count == 60
    assert len(response.context["page_obj"].object_list) == 50
    assert 'rel="next"' in response.content.decode()


def test_xlsx_export_opens_and_holds_exactly_the_listed_cases(client, computed, city, city_user):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    params = unit_of(city, "苏0505")
    key = ScopeKey.of(**_ids(city, "苏0505"))
    for part in ("numerator", "denominator"):
        response = client.get(
            reverse("metrics:cases_export", args=["avg_trial_days"]), {**params, "part": part}
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"]
        book = load_workbook(io.BytesIO(response.content))
        cases_sheet, about = book["案件清单"], book["说明"]
        rows = list(cases_sheet.iter_rows(values_only=True))
        assert rows[0][:4] == ("案号", "法院", "承办部门", "承办人")
        expected = indicator_cases("avg_trial_days", Period.of("ytd", AS_OF), key, part)
        assert sorted(row[0] for row in rows[1:]) == sorted(
            expected.values_list("case_number", flat=True)
        )
        days_column = rows[0].index("审理天数")
        row = stored(key, "avg_trial_days")
        if part == "numerator":  # the sum of trial days is the stored numerator
            assert sum(r[days_column] for r in rows[1:]) == row.numerator
        else:
            assert len(rows) - 1 == row.denominator
        facts = {label: value for label, value in about.iter_rows(values_only=True)}
        assert facts["指标"] == "平均审理天数"
        assert facts["存储的分子"] == float(row.numerator)
        assert facts["案件数"] == len(rows) - 1
        assert expected.aggregate(s=Sum("trial_days"))["s"] == row.numerator
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2


# Trend, the monthly flow, the weekly ranking


def test_trend_runs_through_the_computed_days_with_last_year_and_the_target(
    client, computed, city_user
):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    response = client.get(reverse("metrics:trend", args=["clearance_rate"]))
    rows = response.context["rows"]
    assert [row["day"] for row in rows] == [*MONTH_ENDS, WEEK_BEFORE, AS_OF]
    assert rows[-1]["value"] == stored(ScopeKey.city(), "clearance_rate").value
    assert rows[-1]["last_year"] is None  # last year was not computed
    # The monthly target of a YTD period ending in June: 55 (INDICATORS.md).
    assert rows[-1]["target"].target == 55
    assert rows[0]["target"].target == 8
    figure = response.context["figure"]
    # Last year was not computed: no line for it.
    assert [trace["name"] for trace in figure["data"]] == ["本年", "目标值", "预警值"]


def test_monthly_flow_is_the_difference_of_month_ends(client, computed, city_user):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    response = client.get(reverse("metrics:trend", args=["closed_to_filed_ratio"]))
    months = {month["month"]: month for month in response.context["months"]}
    # 12 judges: each filed a case on 1 February and one on 1 March, and closed the first on
    # 10 May; one judge filed and closed another in June, and one was filed in 2024.
    assert (months[2]["filed"], months[2]["closed"]) == (12, 0)
    assert (months[3]["filed"], months[3]["closed"]) == (12, 0)
    assert (months[5]["filed"], months[5]["closed"], months[5]["ratio"]) == (0, 12, None)
    assert (months[6]["filed"], months[6]["closed"], months[6]["ratio"]) == (1, 1, 100)
    assert months[6]["pending"] == 12 + 1  # pending at the end of June


def test_weekly_ranking_orders_a_divisions_judges_and_shows_movers(
    client, computed, city, city_user
):
    head = logged_in(client, city_user(Role.DIVISION_HEAD, "苏0505/民一庭"))
    response = head.get(reverse("metrics:ranking"), {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    data = response.context["data"]
    assert {row["unit"].scope for row in data["rows"]} == {Scope.JUDGE}
    assert [row["rank"] for row in data["rows"]] == sorted(row["rank"] for row in data["rows"])
    mover = next(row for row in data["rows"] if row["name"] == "苏0505/民一庭/1")
    # Judge 1 closed a mediated case in the last week: up from the week before.
    assert mover["before"]["rank"] > mover["rank"]
    assert mover["move"] == {"direction": "up", "by": mover["before"]["rank"] - mover["rank"]}
    page = response.content.decode()
    assert "▲" in page and "▼" in page
    judge = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    assert judge.get(reverse("metrics:ranking")).status_code == 403


def test_weekly_ranking_of_the_city_groups_courts_by_level(client, computed, city_user):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    response = client.get(reverse("metrics:ranking"), {"as_of": AS_OF.isoformat()})
    rows = response.context["data"]["rows"]
    assert [row["code"] for row in rows][-1] == "苏05"  # ranks alone, after the basic courts
    assert {row["code"]: row["peers"] for row in rows} == {"苏0505": 2, "苏0506": 2, "苏05": 1}
    # The week's last day by default: 2025-06-29 was not computed, so the last day before it.
    default = client.get(reverse("metrics:ranking"))
    assert default.context["as_of"] == WEEK_BEFORE


def test_bands_mode_shows_no_rank_and_no_order(client, computed, city_user, settings):
    settings.COURTDASH_RANKING_MODE = "bands"
    client = logged_in(client, city_user(Role.DIVISION_HEAD, "苏0505/民一庭"))
    response = client.get(reverse("metrics:ranking"), {"as_of": AS_OF.isoformat()})
    rows = response.context["data"]["rows"]
    assert [row["code"] for row in rows] == sorted(row["code"] for row in rows)
    assert {row["rank"] for row in rows} == {None}
    page = response.content.decode()
    assert "名次" not in page and "达标项数" in page
    overview = client.get(OVERVIEW).content.decode()
    assert "data-rank" not in overview


# The indicator page and the office's target form


def test_indicator_page_states_the_definition_target_and_history(client, computed, city_user):
    client = logged_in(client, city_user(Role.DIVISION_HEAD, "苏0505/民一庭"))
    page = client.get(reverse("metrics:indicator", args=["within_limit_rate"])).content.decode()
    assert str(DEFINITIONS["within_limit_rate"].numerator) in page
    assert "97.00%" in page and "95.00%" in page  # target and warning of INDICATORS.md
    assert "修改目标与权重" not in page  # only the city's office edits


def test_city_office_changes_a_target_recorded_and_rescored(client, computed, city_user):
    office = city_user(Role.OFFICE, "苏05", username="shenguan")
    client = logged_in(client, office)
    url = reverse("metrics:indicator_target", args=["within_limit_rate"])
    form = client.get(url)
    assert form.context["form"].initial["target"] == "97"
    before = {
        row.pk: row.score for row in IndicatorValue.objects.filter(indicator="within_limit_rate")
    }
    response = client.post(url, {"weight": "12", "target": "90", "warning": "80"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "metrics:indicator", args=["within_limit_rate"]
    )
    target = IndicatorTarget.objects.get(indicator="within_limit_rate")
    assert (target.weight, target.target, target.warning) == (12, 90, 80)
    change = IndicatorTargetChange.objects.get(indicator="within_limit_rate")
    assert change.username == "shenguan"
    page = response.content.decode()
    assert "shenguan" in page and "97 → <strong>90</strong>" in page
    after = IndicatorValue.objects.filter(indicator="within_limit_rate", as_of=AS_OF, period="ytd")
    assert {row.weight for row in after if row.value is not None} == {12.0}
    assert any(before[row.pk] != row.score for row in after)


def test_target_form_refuses_a_warning_on_the_wrong_side(client, computed, city_user):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    url = reverse("metrics:indicator_target", args=["within_limit_rate"])
    response = client.post(url, {"weight": "10", "target": "90", "warning": "95"})
    assert response.status_code == 200
    assert "预警值须低于目标值" in response.content.decode()
    assert not IndicatorTargetChange.objects.exists()


def test_monthly_targets_are_edited_month_by_month(client, computed, city_user):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    url = reverse("metrics:indicator_target", args=["clearance_rate"])
    initial = client.get(url).context["form"].initial
    data = {"weight": "10", **{name: value for name, value in initial.items() if "_" in name}}
    data.pop("lower_target", None)
    data = {name: value for name, value in data.items() if value is not None}
    data["target_6"], data["warning_6"] = "60", "50"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    change = IndicatorTargetChange.objects.get(indicator="clearance_rate")
    assert change.new["monthly"]["6"] == ["60", "50"]
    assert "6月目标值 / 预警值" in response.content.decode()


def test_only_the_city_office_may_edit_targets(client, computed, city_user):
    url = reverse("metrics:indicator_target", args=["within_limit_rate"])
    for role, unit in [(Role.OFFICE, "苏0505"), (Role.DIVISION_HEAD, "苏0505/民一庭")]:
        response = logged_in(client, city_user(role, unit)).get(url)
        assert response.status_code == 403


# The companions, periods, days, display


def test_companions_come_from_stored_values_and_the_age_profile(client, computed, city_user):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    response = client.get(OVERVIEW)
    companions = response.context["data"]["companions"]
    flow = stored(ScopeKey.city(), "closed_to_filed_ratio")
    clearance = stored(ScopeKey.city(), "clearance_rate")
    assert companions["clearance_rate"] == pytest.approx(100 * flow.numerator / flow.denominator)
    pending = clearance.denominator - clearance.numerator
    assert companions["pending_end"] == pending == 13
    assert companions["disposition_time"] == pytest.approx(181 * 13 / 13)  # 181 days of 2025
    assert 'data-figure="age-profile"' in response.content.decode()
    profile = {bucket["low"]: bucket["count"] for bucket in response.context["age_profile"]}
    assert profile == {0: 12, 6: 0, 12: 1, 18: 0, 24: 0, 36: 0}  # the case filed 2024-03-01
    # Over 12 months is exactly the long-pending numerator (litigation cases here).
    long_pending = stored(ScopeKey.city(), "long_pending_share").numerator
    assert sum(count for low, count in profile.items() if low >= 12) == long_pending


def test_a_day_computed_before_age_profiles_were_stored_says_how_to_add_one(
    client, computed, city_user
):
    PendingAgeProfile.objects.all().delete()
    response = logged_in(client, city_user(Role.OFFICE, "苏05")).get(OVERVIEW)
    assert response.status_code == 200
    assert response.context["age_profile"] == []
    assert "重新计算该日指标即可补上" in response.content.decode()
    assert 'data-figure="age-profile"' not in response.content.decode()


def test_period_switch_and_the_last_computed_day(client, computed, city_user):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    mtd = client.get(OVERVIEW, {"period": "mtd"})
    assert {tile["row"].period for tile in mtd.context["data"]["tiles"]} == {"mtd"}
    # A day not computed shows the last day computed before it, and says so.
    earlier = client.get(OVERVIEW, {"as_of": "2025-06-25"})
    assert earlier.context["as_of"] == WEEK_BEFORE
    assert "2025-06-25 尚无计算结果" in earlier.content.decode()
    assert client.get(OVERVIEW, {"period": "nonsense"}).context["period"] == "ytd"


def test_a_unit_with_nothing_computed_says_so(client, city_cases, city_user):
    response = logged_in(client, city_user(Role.OFFICE, "苏05")).get(OVERVIEW)
    assert response.status_code == 200
    assert "尚无指标计算结果" in response.content.decode()


def test_values_are_shown_half_up_to_two_places_and_a_dash_for_none():
    rate, days, ratio = (
        INDICATORS[s] for s in ("clearance_rate", "avg_trial_days", "case_to_proceeding_ratio")
    )
    assert indicator_value(2.675, rate) == "2.68%"  # 2.675 is 2.67499… in binary
    assert indicator_value(1 / 3 * 100, rate) == "33.33%"
    assert indicator_value(70.125, days) == "70.13 天"
    assert indicator_value(1.265, ratio) == "1 : 1.27"
    assert indicator_value(None, rate) == "—"
    # A template's missing value ("") or a stray text shows a dash, never a 500.
    assert indicator_value("", rate) == "—"
    assert indicator_value("n/a", rate) == "—"
    assert quantity(Decimal("1234.00")) == "1,234"
    assert quantity(Decimal("1234.5")) == "1,234.50"
    assert quantity("") == quantity("n/a") == quantity(None) == "—"


def test_every_indicator_has_its_definition_in_words():
    assert set(DEFINITIONS) == set(INDICATORS)


def test_pages_have_no_inline_script_or_style_and_embed_valid_plotly_figures(
    client, computed, city, city_user
):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    urls = [
        OVERVIEW,
        reverse("metrics:drill", args=["mediation_withdrawal_rate"]),
        reverse("metrics:trend", args=["mediation_withdrawal_rate"]),
        reverse("metrics:cases", args=["clearance_rate"]),
        reverse("metrics:ranking"),
        reverse("metrics:indicator", args=["clearance_rate"]),
        reverse("metrics:indicator_target", args=["clearance_rate"]),
    ]
    for url in urls:
        page = client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(page), url
        assert "style=" not in page and " onclick" not in page, url
    overview = client.get(OVERVIEW)
    figures = [tile["figure"] for tile in overview.context["data"]["tiles"] if tile["applies"]]
    figures.append(overview.context["age_figure"])
    trend = client.get(reverse("metrics:trend", args=["mediation_withdrawal_rate"]))
    figures += [trend.context["figure"], trend.context["flow_figure"]]
    drill = client.get(reverse("metrics:drill", args=["mediation_withdrawal_rate"]))
    figures.append(drill.context["figure"])
    for figure in figures:
        go.Figure(data=figure["data"], layout=figure["layout"])  # raises on a bad attribute
    assert 'id="spark-clearance_rate" type="application/json"' in overview.content.decode()


def test_charts_draw_a_band_indicator_with_both_bounds():
    target = dashboard.TargetBook().get(INDICATORS["mediation_withdrawal_rate"], "ytd", AS_OF)
    figure = charts.indicator_figure(
        INDICATORS["mediation_withdrawal_rate"],
        [{"day": AS_OF, "value": 50.0, "last_year": None, "target": target}],
    )
    assert [trace["name"] for trace in figure["data"]][1:] == ["目标区间下限", "目标区间上限"]
    assert figure["data"][1]["y"] == [35.0] and figure["data"][2]["y"] == [65.0]


# Query counts: bounded, whatever the number of units and cases


@pytest.mark.parametrize(
    "name, slug, bound",
    [
        # with the top bar's work-queue count and the ranking mode; issue 12: + the stored
        # rows of the units below (比贡献), + the targets in force on the weekly page; issue 14:
        # + the indicator sets shown (the set switcher)
        ("overview", None, 20),
        ("drill", "clearance_rate", 14),
        ("cases", "avg_trial_days", 15),
        ("trend", "clearance_rate", 14),
        ("ranking", None, 18),
        ("indicator", "clearance_rate", 14),
    ],
)
def test_page_queries_are_bounded(
    client, computed, city_judges, city_user, django_assert_max_num_queries, name, slug, bound
):
    # More units and cases must not mean more queries.
    for judge in list(city_judges.values())[:6]:
        CaseFactory.create_batch(3, judge=judge, filed_on=D(2025, 4, 1), closed_on=D(2025, 5, 1))
    metrics_compute(as_of=AS_OF)
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    url = reverse(f"metrics:{name}", args=[slug] if slug else [])
    client.get(url)  # the session and the user, once
    with django_assert_max_num_queries(bound):
        assert client.get(url, {"as_of": AS_OF.isoformat()}).status_code == 200


def test_xlsx_export_writes_a_formula_like_cause_as_text(
    client, computed, city, city_judges, city_user
):
    from tests.cases.test_spreadsheets import FORMULA, assert_no_formulas

    CaseFactory(judge=city_judges["苏0505/民一庭/1"], filed_on=D(2025, 6, 2), cause=FORMULA)
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    response = client.get(
        reverse("metrics:cases_export", args=["closed_to_filed_ratio"]),
        {**unit_of(city, "苏0505"), "part": "denominator"},
    )
    assert response.status_code == 200
    assert_no_formulas(response.content, FORMULA)
