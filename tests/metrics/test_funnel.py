"""Funnel plots on planted data (issue 12, item 7): exactly the planted outliers are flagged and
none in a clean city; the case-mix adjustment clears a unit whose difference is its case mix
alone; the weekly page in the bands mode shows the funnel and no ranks; the API is scoped; the
monthly review carries the flagged units and reads a review kept without them."""

from __future__ import annotations

import datetime
from datetime import UTC

import pytest
from django.template.loader import render_to_string
from scipy import stats

from cases.choices import CourtLevel, Role
from cases.models import Case
from cases.units import ScopeKey
from metrics.choices import PeriodKind, Scope
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.periods import Period
from metrics.models import ComputationRun, IndicatorValue
from metrics.reading.funnel import QUANTILES, funnel, funnels, strata_counts
from tests.factories import CourtFactory, UserFactory
from tests.metrics.funnel_city import MIX, plant_city

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2025, 6, 30)
YTD = PeriodKind.YTD.value


def reference_limits(n: int, p: float) -> list[float]:
    """scipy's exact binomial limits (interpolated as Spiegelhalter), in %."""
    limits = []
    for q in QUANTILES:
        r = stats.binom.ppf(q, n, p)
        alpha = (stats.binom.cdf(r, n, p) - q) / stats.binom.pmf(r, n, p)
        limits.append(100 * min(max((r - alpha) / n, 0.0), 1.0))
    return limits


# --- planted stored values: a city of 14 courts -----------------------------------------


def _plant(slug: str, rows: dict[str, tuple[int, int]]) -> dict:
    """Stored values of one indicator for the city's courts (code -> numerator, denominator),
    and the city's own (their sum), as the nightly computation stores them."""
    courts = {}
    for code in rows:
        courts[code] = CourtFactory(code=code, level=CourtLevel.BASIC, parent=None)
    ComputationRun.objects.get_or_create(
        as_of=AS_OF,
        period=YTD,
        defaults={"status": "done", "started_at": datetime.datetime(2025, 7, 1, tzinfo=UTC)},
    )
    factor = INDICATORS[slug].factor
    for code, (numerator, denominator) in rows.items():
        IndicatorValue.objects.create(
            as_of=AS_OF, period=YTD, scope=Scope.COURT, court=courts[code], indicator=slug,
            numerator=numerator, denominator=denominator, value=numerator / denominator * factor,
        )  # fmt: skip
    numerator = sum(n for n, _d in rows.values())
    denominator = sum(d for _n, d in rows.values())
    IndicatorValue.objects.create(
        as_of=AS_OF, period=YTD, scope=Scope.CITY, indicator=slug,
        numerator=numerator, denominator=denominator, value=numerator / denominator * factor,
    )  # fmt: skip
    return courts


SIZES = [40, 60, 90, 120, 150, 200, 260, 300, 400, 500, 700, 1000]


def _clean(rate: float, offset: int = 0) -> dict[str, tuple[int, int]]:
    return {f"苏05{10 + i + offset}": (round(rate * n), n) for i, n in enumerate(SIZES)}


def _flags(slug: str) -> dict[str, tuple]:
    found = funnel(indicator=INDICATORS[slug], parent=ScopeKey.city(), as_of=AS_OF)
    return {point.code: (point.flag, point.side) for point in found.points if point.flag}


def test_a_clean_city_flags_nobody():
    _plant("within_limit_rate", _clean(0.95))
    assert _flags("within_limit_rate") == {}


def test_exactly_the_planted_outliers_are_flagged_on_their_bad_side():
    rows = _clean(0.95)
    rows["苏0590"] = (340, 400)  # 85%: far below — alarm
    rows["苏0591"] = (366, 400)  # 91.5%: below the 95% limit, inside 99.8% — alert
    rows["苏0592"] = (400, 400)  # 100%: far above, the good side — not flagged
    rows["苏0593"] = (16, 20)  # 80% of 20 cases: a small unit's spread — inside
    _plant("within_limit_rate", rows)
    centre = IndicatorValue.objects.get(scope=Scope.CITY).value / 100
    alarm_low, alert_low, *_rest = reference_limits(400, centre)
    assert 91.5 < alert_low and 91.5 > alarm_low and 85 < alarm_low  # the planting is right
    assert 80 > reference_limits(20, centre)[0]
    assert _flags("within_limit_rate") == {"苏0590": ("alarm", "low"), "苏0591": ("alert", "low")}


def test_a_lower_is_better_indicator_flags_only_high_values():
    rows = _clean(0.02)
    rows["苏0590"] = (40, 400)  # 10% long-pending: alarm
    rows["苏0591"] = (0, 400)  # none: the good side
    _plant("long_pending_share", rows)
    assert _flags("long_pending_share") == {"苏0590": ("alarm", "high")}


def test_a_band_indicator_flags_both_sides():
    rows = _clean(0.5)
    rows["苏0590"] = (120, 400)  # 30%
    rows["苏0591"] = (290, 400)  # 72.5%
    _plant("mediation_withdrawal_rate", rows)
    assert _flags("mediation_withdrawal_rate") == {
        "苏0590": ("alarm", "low"),
        "苏0591": ("alarm", "high"),
    }


def test_every_point_carries_the_reference_limits_at_its_own_size():
    _plant("within_limit_rate", _clean(0.9))
    found = funnel(indicator=INDICATORS["within_limit_rate"], parent=ScopeKey.city(), as_of=AS_OF)
    centre = found.centre / 100
    for point in found.points:
        expected = reference_limits(int(point.denominator), centre)
        assert list(point.limits) == pytest.approx(expected, rel=1e-9)
    assert [point.code for point in found.points] == sorted(p.code for p in found.points)


# --- real cases: case mix ------------------------------------------------------------------


@pytest.fixture
def mixed_city():
    return plant_city(MIX)


def test_the_strata_add_up_to_the_stored_numbers(mixed_city):
    indicator = INDICATORS["long_pending_share"]
    strata = strata_counts([indicator], ScopeKey.city(), Period.of(YTD, AS_OF))[indicator.slug]
    for row in IndicatorValue.objects.filter(scope=Scope.COURT, indicator=indicator.slug):
        by_stratum = strata[ScopeKey.of_row(row)]
        assert sum(n for n, _d in by_stratum.values()) == float(row.numerator)
        assert sum(d for _n, d in by_stratum.values()) == float(row.denominator)


def test_case_mix_adjustment_clears_a_unit_whose_difference_is_its_case_mix(mixed_city):
    assert _flags("long_pending_share").keys() == {"苏0514", "苏0515"}
    adjusted = funnel(
        indicator=INDICATORS["long_pending_share"],
        parent=ScopeKey.city(),
        as_of=AS_OF,
        adjusted=True,
    )
    assert {point.code for point in adjusted.flagged} == {"苏0515"}
    by_code = {point.code: point for point in adjusted.points}
    # 苏0514: observed 81 long-pending; expected: its 20 civil cases at the city's civil rate
    # (71 of 820) and its 200 administrative ones at the administrative rate (112 of 280).
    assert by_code["苏0514"].expected == pytest.approx(20 * 71 / 820 + 200 * 112 / 280)


def test_average_days_use_the_parents_dispersion(mixed_city):
    found = funnels(parent=ScopeKey.city(), as_of=AS_OF)
    slugs = {item.indicator.slug for item in found}
    assert "enforcement_recovery_rate" not in slugs  # money: not plotted
    assert "case_to_proceeding_ratio" in slugs  # courts: computed


# --- pages, API, monthly review ----------------------------------------------------------


@pytest.fixture
def office(mixed_city):
    from cases.models import Court

    return UserFactory(role=Role.OFFICE, court=Court.objects.get(code="苏05"))


def test_the_weekly_page_in_bands_mode_shows_the_funnel_and_no_ranks(client, office, settings):
    settings.COURTDASH_RANKING_MODE = "bands"
    client.force_login(office)
    page = client.get("/metrics/ranking/", {"funnel": "long_pending_share"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="funnel"' in html and 'data-figure="funnel-chart"' in html
    assert "名次" not in html and "综合得分" not in html
    assert 'data-flagged="long_pending_share:苏0514"' in html
    assert 'data-flagged="long_pending_share:苏0515"' in html
    assert "/metrics/long_pending_share/drill/?court=" in html  # each point: its drill-down
    adjusted = client.get("/metrics/ranking/", {"funnel": "long_pending_share", "adjusted": "1"})
    text = adjusted.content.decode()
    assert 'data-flagged="long_pending_share:苏0514"' not in text
    assert 'data-flagged="long_pending_share:苏0515"' in text


def test_the_weekly_page_in_ranks_mode_has_no_funnel(client, office, settings):
    settings.COURTDASH_RANKING_MODE = "ranks"
    client.force_login(office)
    assert 'id="funnel"' not in client.get("/metrics/ranking/").content.decode()


def test_the_funnel_page_and_its_refusals(client, office, mixed_city):
    client.force_login(office)
    page = client.get("/metrics/long_pending_share/funnel/")
    assert page.status_code == 200 and "funnel-chart" in page.content.decode()
    money = client.get("/metrics/enforcement_recovery_rate/funnel/")
    assert money.status_code == 200 and "不适用漏斗图" in money.content.decode()
    assert client.get("/metrics/no_such/funnel/").status_code == 404
    assert client.get("/metrics/long_pending_share/funnel/?court=x").status_code == 404
    judge = UserFactory(role=Role.JUDGE, judge=Case.objects.first().judge)
    client.force_login(judge)
    assert client.get("/metrics/long_pending_share/funnel/").status_code == 403


def test_the_api_answers_points_limits_and_flags_in_scope(client, office):
    from cases.models import Court

    client.force_login(office)
    answer = client.get("/api/v1/funnels/", {"indicator": "long_pending_share"})
    assert answer.status_code == 200
    (result,) = answer.json()["results"]
    assert result["model"] == "binomial"
    flagged = {point["code"]: point["flag"] for point in result["points"] if point["flag"]}
    assert flagged.keys() == {"苏0514", "苏0515"}
    point = result["points"][0]
    assert set(point["limits"]) == {"alarm_low", "alert_low", "alert_high", "alarm_high"}
    assert len(result["curve"]) > 10
    adjusted = client.get("/api/v1/funnels/", {"indicator": "long_pending_share", "adjusted": "1"})
    points = adjusted.json()["results"][0]["points"]
    assert {point["code"] for point in points if point["flag"]} == {"苏0515"}
    assert client.get("/api/v1/funnels/", {"indicator": "nope"}).status_code == 400
    assert client.get("/api/v1/funnels/", {"as_of": "not a day"}).status_code == 400
    basic = UserFactory(role=Role.OFFICE, court=Court.objects.get(code="苏0511"))
    client.force_login(basic)
    assert client.get("/api/v1/funnels/", {"court": "苏0514"}).status_code == 404
    own = client.get("/api/v1/funnels/", {"indicator": "long_pending_share"})
    assert own.json()["scope"] == "court"


def test_the_monthly_review_lists_the_flagged_units_in_bands_mode(mixed_city, settings):
    from reports.monthly.snapshot import monthly_snapshot

    settings.COURTDASH_RANKING_MODE = "bands"
    content = monthly_snapshot(unit=ScopeKey.city(), month=D(2025, 6, 1))
    flags = {(flag["indicator"], flag["code"]) for flag in content["funnel"]["flags"]}
    assert {("long_pending_share", "苏0514"), ("long_pending_share", "苏0515")} <= flags
    assert content["funnel"]["figures"]
    html = render_to_string("reports/_monthly_body.html", {"report": content})
    assert 'data-funnel-flag="long_pending_share:苏0514"' in html
    settings.COURTDASH_RANKING_MODE = "ranks"
    ranked = monthly_snapshot(unit=ScopeKey.city(), month=D(2025, 6, 1))
    assert ranked["funnel"] is None
    del content["funnel"]  # a review kept before the section existed
    assert "data-review-funnel" not in render_to_string(
        "reports/_monthly_body.html", {"report": content}
    )


def test_a_division_head_sees_the_funnel_of_their_judges(client, mixed_city, settings):
    from cases.models import Division

    settings.COURTDASH_RANKING_MODE = "bands"
    division = Division.objects.get(court__code="苏0514")
    head = UserFactory(role=Role.DIVISION_HEAD, court=division.court, division=division)
    client.force_login(head)
    for query in ({}, {"adjusted": "1", "funnel": "long_pending_share"}):
        page = client.get("/metrics/ranking/", query)
        assert page.status_code == 200 and 'id="funnel"' in page.content.decode()
    answer = client.get("/api/v1/funnels/", {"indicator": "long_pending_share"})
    assert answer.status_code == 200 and answer.json()["scope"] == "division"
    assert len(answer.json()["results"][0]["points"]) == 1
    assert client.get("/api/v1/funnels/", {"court": "苏0515"}).status_code == 404
