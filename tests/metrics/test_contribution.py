"""比贡献 and 第一方阵 (metrics.reading.dashboard.contribution): contributions add up exactly to the
parent's gap — every indicator kind, every scope, every period — and the first-third value is
the hand-computed order statistic, on planted data."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.choices import CourtLevel, Role
from cases.units import ScopeKey
from metrics.choices import Direction, PeriodKind, Scope
from metrics.computation.engine import metrics_compute
from metrics.definitions.indicators import INDICATORS
from metrics.models import IndicatorTarget, IndicatorValue
from metrics.reading.dashboard import TargetBook
from metrics.reading.dashboard.contribution import (
    EXCESS,
    NONE,
    SHORTFALL,
    contributions,
)
from metrics.reading.dashboard.first_group import (
    first_group_boundary,
    group_suggestions,
    unit_suggestions,
)
from tests.factories import CourtFactory, DivisionFactory, JudgeFactory, UserFactory
from tests.metrics.generate import generate_cases

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2025, 6, 30)


def _parents(as_of, period):
    """Every unit with units below it that has stored values that day."""
    rows = IndicatorValue.objects.filter(as_of=as_of, period=period).exclude(scope=Scope.JUDGE)
    return {ScopeKey.of_row(row) for row in rows.only("scope", "court_id", "division_id")}


def _check_adds_up(result):
    own, children = result["own"], result["children"]
    assert own is not None
    assert sum((child["numerator"] for child in children), Decimal(0)) == own.numerator
    assert sum((child["denominator"] for child in children), Decimal(0)) == own.denominator
    if result["gap"] is not None:
        # exactly, not approximately: Decimal shares of an exact gap
        assert sum((child["gap"] for child in children), Decimal(0)) == result["gap"]
        assert sum(child["gap_points"] for child in children) == pytest.approx(
            result["gap_points"], abs=1e-9
        )
    if own.value is not None:
        assert sum(child["part"] for child in children) == pytest.approx(own.value, rel=1e-12)
        assert sum(child["pull"] for child in children) == pytest.approx(0, abs=1e-9), [
            (result["indicator"].slug, c["numerator"], c["denominator"], c["value"], c["pull"])
            for c in children
        ]


@pytest.fixture
def random_city(db):
    """Four courts, their divisions and judges, 600 random cases dense around the periods'
    boundaries, computed for every period."""
    generate_cases(n=600, seed=12, as_of=AS_OF)
    metrics_compute(as_of=AS_OF)


@pytest.mark.usefixtures("random_city")
def test_contributions_add_up_to_the_parents_gap_for_every_indicator_and_scope():
    book = TargetBook()
    kinds = set()
    checked = 0
    parents = [
        (parent, period) for period in PeriodKind.values for parent in _parents(AS_OF, period)
    ]
    assert {parent.scope for parent, _period in parents} == {
        Scope.CITY,
        Scope.COURT,
        Scope.DIVISION,
    }
    for parent, period in parents:
        for indicator in INDICATORS.values():
            result = contributions(
                parent=parent, indicator=indicator, as_of=AS_OF, period=period, book=book
            )
            if not result["applies"]:
                assert indicator.slug == "case_to_proceeding_ratio"
                assert parent.scope is not Scope.CITY
                continue
            _check_adds_up(result)
            kinds.add((indicator.direction, result["basis"].kind))
            checked += 1
    assert checked > 100
    # the two kinds of gap were both met (and, YTD, the band on one side or inside it)
    assert (Direction.HIGHER, SHORTFALL) in kinds
    assert (Direction.LOWER, EXCESS) in kinds


BANDS = {
    SHORTFALL: (90, 95, 80, 99),  # every parent below the band
    EXCESS: (1, 2, 0.5, 3),  # above it
    NONE: (0, 100, 0, 100),  # inside it
}


@pytest.mark.usefixtures("random_city")
def test_a_band_indicators_gap_is_to_the_bound_the_parent_misses():
    indicator = INDICATORS["mediation_withdrawal_rate"]
    for expected, band in BANDS.items():
        IndicatorTarget.objects.filter(indicator=indicator.slug).update(
            lower_target=band[0], upper_target=band[1], lower_warning=band[2], upper_warning=band[3]
        )
        book = TargetBook()
        seen = 0
        for parent in _parents(AS_OF, "ytd"):
            result = contributions(
                parent=parent, indicator=indicator, as_of=AS_OF, period="ytd", book=book
            )
            if result["own"].value is None or result["own"].value in (0, 100):
                continue
            seen += 1
            assert result["basis"].kind == expected, parent
            _check_adds_up(result)
            if expected == NONE:
                assert result["gap"] == 0
                assert all(child["gap"] == 0 for child in result["children"])
        assert seen


@pytest.fixture
def planted(city_courts):
    """Three courts of the city with planted 结收比 (higher) and 平均审理天数 (lower, a sum of
    days over cases) and 执行到位率 (money sums) — the city's rows the sums of theirs."""
    courts = [city_courts[code] for code in ("苏05", "苏0505", "苏0506")]
    planted = {
        "closed_to_filed_ratio": [(80, 100), (120, 100), (45, 50)],
        "avg_trial_days": [(3000, 50), (2000, 40), (1300, 20)],
        "enforcement_recovery_rate": [
            (Decimal("1000.50"), Decimal("4000")),
            (Decimal("300.25"), Decimal("500")),
            (0, 0),
        ],
    }
    for slug, pairs in planted.items():
        factor = INDICATORS[slug].factor
        for court, (numerator, denominator) in zip(courts, pairs, strict=True):
            value = numerator * factor / denominator if denominator else None
            IndicatorValue.objects.create(
                as_of=AS_OF,
                period="ytd",
                scope=Scope.COURT,
                court=court,
                indicator=slug,
                numerator=numerator,
                denominator=denominator,
                value=value,
            )
        numerator = sum(Decimal(pair[0]) for pair in pairs)
        denominator = sum(Decimal(pair[1]) for pair in pairs)
        IndicatorValue.objects.create(
            as_of=AS_OF,
            period="ytd",
            scope=Scope.CITY,
            indicator=slug,
            numerator=numerator,
            denominator=denominator,
            value=float(numerator * factor / denominator),
        )
    return courts


def _gaps(slug):
    result = contributions(
        parent=ScopeKey.city(), indicator=INDICATORS[slug], as_of=AS_OF, period="ytd"
    )
    return result, {child["code"]: child["gap"] for child in result["children"]}


def test_the_citys_missing_closings_are_its_courts_shortfalls(planted):
    # target 100%: the city closed 245 of 250 filed — 5 closings short; 苏05 is 20 short,
    # 苏0505 20 ahead (it covers 苏05's), 苏0506 5 short.
    result, gaps = _gaps("closed_to_filed_ratio")
    assert result["basis"].kind == SHORTFALL and result["basis"].bound == 100
    assert result["gap"] == 5
    assert gaps == {"苏05": 20, "苏0505": -20, "苏0506": 5}
    shares = {child["code"]: child["gap_share"] for child in result["children"]}
    assert shares == {"苏05": 400, "苏0505": -400, "苏0506": 100}
    # the parts of the value: 80/250, 120/250, 45/250 of 100%
    parts = [child["part"] for child in result["children"]]
    assert parts == pytest.approx([32, 48, 18])


def test_an_averages_gap_is_the_excess_days_over_the_target_per_case(planted):
    # target 60 days: the city's 110 closed cases may take 6,600 days; they took 6,300.
    # 苏05 50 cases, 3,000 days (target: 3,000) → 0; 苏0505 2,000 for 40 (2,400) → −400;
    # 苏0506 1,300 for 20 (1,200) → +100.
    result, gaps = _gaps("avg_trial_days")
    assert result["basis"].kind == EXCESS and result["basis"].bound == 60
    assert result["gap"] == -300
    assert gaps == {"苏05": 0, "苏0505": -400, "苏0506": 100}


def test_a_money_sums_gap_adds_up_to_the_cent(planted):
    # target 40%: 4,500 applied asks 1,800 recovered; 1,300.75 were.
    result, gaps = _gaps("enforcement_recovery_rate")
    assert result["gap"] == Decimal("499.25")
    assert gaps == {"苏05": Decimal("599.50"), "苏0505": Decimal("-100.25"), "苏0506": 0}
    assert sum(gaps.values()) == result["gap"]


def test_no_target_in_force_gives_the_value_parts_only(planted):
    IndicatorTarget.objects.filter(indicator="closed_to_filed_ratio").delete()
    result, gaps = _gaps("closed_to_filed_ratio")
    assert result["gap"] is None and set(gaps.values()) == {None}
    assert sum(child["part"] for child in result["children"]) == pytest.approx(98)


# --- 第一方阵 ------------------------------------------------------------------------------

WITHIN = [90, 95, 80, 99, 95, 70, 85]  # higher is better
DAYS = [30, 50, 40, 60, 45, 70, 55]  # lower is better


@pytest.fixture
def division_of_seven(city_courts):
    court = city_courts["苏0505"]
    division = DivisionFactory(court=court, name="民二庭")
    judges = [
        JudgeFactory(division=division, staff_id=f"M2-{n}", name=f"法官{n}") for n in range(7)
    ]
    for slug, values in (("within_limit_rate", WITHIN), ("avg_trial_days", DAYS)):
        for judge, value in zip(judges, values, strict=True):
            IndicatorValue.objects.create(
                as_of=AS_OF,
                period="ytd",
                scope=Scope.JUDGE,
                court=court,
                division=division,
                judge=judge,
                indicator=slug,
                numerator=value,
                denominator=100 if slug == "within_limit_rate" else 1,
                value=value,
            )
    return division, judges


def _suggestion(judge, slug):
    unit = ScopeKey.of(court=judge.court_id, division=judge.division_id, judge=judge)
    rows = unit_suggestions(unit=unit, as_of=AS_OF, period="ytd")
    return next(row for row in rows if row["indicator"].slug == slug)


def test_the_first_third_boundary_is_the_kth_best_value():
    # 7 peers: the first third is the best ⌈7/3⌉ = 3. Best first: 99, 95, 95 | 90, 85, 80, 70.
    assert first_group_boundary(WITHIN, Direction.HIGHER) == 95
    # lower is better: 30, 40, 45 | 50, 55, 60, 70
    assert first_group_boundary(DAYS, Direction.LOWER) == 45
    # 6 peers: the best 2
    assert first_group_boundary([10, 40, 20, 30, 60, 50], Direction.HIGHER) == 50
    # 3 peers: the best one; fewer: no suggestion; a band: none
    assert first_group_boundary([1, 3, 2], Direction.HIGHER) == 3
    assert first_group_boundary([1, 3], Direction.HIGHER) is None
    assert first_group_boundary([40, 50, 60], Direction.BAND) is None


def test_a_units_first_group_value_is_the_kth_best_of_its_peers(division_of_seven):
    _division, judges = division_of_seven
    # 法官2 (80%): the others best first 99, 95, 95, 90…: it must reach the 3rd, 95%.
    row = _suggestion(judges[2], "within_limit_rate")
    assert (row["peers"], row["size"], row["needed"], row["inside"]) == (7, 3, 95, False)
    # 法官3 (99%) is in: to stay, the 3rd best of the others — 95, 95, 90 — 90%.
    row = _suggestion(judges[3], "within_limit_rate")
    assert (row["needed"], row["inside"]) == (90, True)
    # 法官1 (95%, tied with 法官4): others 99, 95, 90 → 90; a tie counts in.
    assert _suggestion(judges[1], "within_limit_rate")["needed"] == 90
    # lower is better: 法官1 (50 days), others 30, 40, 45, 55… → 45 days
    row = _suggestion(judges[1], "avg_trial_days")
    assert (row["needed"], row["inside"]) == (45, False)
    # 法官0 (30 days) is in; to stay, at most the 3rd best of the others (40, 45, 50…): 50.
    row = _suggestion(judges[0], "avg_trial_days")
    assert (row["needed"], row["inside"]) == (50, True)
    # no values of the other indicators: fewer than three peers
    row = _suggestion(judges[0], "clearance_rate")
    assert row["needed"] is None and row["few"]
    # the group's boundary on the target page: the 3rd best of all seven
    groups = group_suggestions(
        indicator=INDICATORS["within_limit_rate"], as_of=AS_OF, period="ytd", levels=[Scope.JUDGE]
    )
    assert [(group["scope"], group["peers"], group["boundary"]) for group in groups] == [
        (Scope.JUDGE, 7, 95)
    ]


def test_courts_are_peers_of_courts_of_one_level(city_courts):
    extra = [CourtFactory(code=f"苏05{n}", level=CourtLevel.BASIC) for n in (81, 82)]
    values = {"苏05": 99.0, "苏0505": 90.0, "苏0506": 80.0, "苏0581": 85.0, "苏0582": 70.0}
    courts = {**city_courts, **{court.code: court for court in extra}}
    for code, value in values.items():
        IndicatorValue.objects.create(
            as_of=AS_OF,
            period="ytd",
            scope=Scope.COURT,
            court=courts[code],
            indicator="within_limit_rate",
            numerator=value,
            denominator=100,
            value=value,
        )
    unit = ScopeKey.of(court=courts["苏0506"])
    row = next(
        row
        for row in unit_suggestions(unit=unit, as_of=AS_OF, period="ytd")
        if row["indicator"].slug == "within_limit_rate"
    )
    # four basic courts (the intermediate court's 99% is not a peer): the best ⌈4/3⌉ = 2;
    # the others best first 90, 85, 70 → 85
    assert (row["peers"], row["needed"], row["inside"]) == (4, 85, False)
    # the intermediate court ranks alone: no suggestion
    alone = unit_suggestions(unit=ScopeKey.of(court=courts["苏05"]), as_of=AS_OF, period="ytd")
    assert next(r for r in alone if r["indicator"].slug == "within_limit_rate")["few"]
    # the city has no peers
    assert unit_suggestions(unit=ScopeKey.city(), as_of=AS_OF, period="ytd") == []


# --- the API -------------------------------------------------------------------------------


def test_the_contributions_api_adds_up_and_keeps_to_the_scope(client, planted, city_courts):
    client.force_login(UserFactory(role=Role.OFFICE, court=city_courts["苏05"]))
    url = reverse("contribution-list")
    answer = client.get(url, {"indicator": "closed_to_filed_ratio", "as_of": "2025-06-30"})
    assert answer.status_code == 200
    data = answer.json()
    assert data["gap"] == 5 and data["gap_kind"] == "shortfall"
    assert sum(row["gap"] for row in data["results"]) == data["gap"]
    # ranks mode: the largest share first
    assert [row["code"] for row in data["results"]] == ["苏05", "苏0506", "苏0505"]
    assert client.get(url, {"indicator": "nope"}).status_code == 400
    assert client.get(url, {"indicator": "clearance_rate", "as_of": "x"}).status_code == 400
    # a basic court's office does not reach the city
    client.force_login(UserFactory(role=Role.OFFICE, court=city_courts["苏0505"]))
    answer = client.get(url, {"indicator": "closed_to_filed_ratio", "court": "苏05"})
    assert answer.status_code == 404
    assert client.get(url, {"indicator": "closed_to_filed_ratio"}).status_code == 200


def test_the_contributions_api_in_the_bands_mode_lists_by_code(
    client, planted, city_courts, settings
):
    settings.COURTDASH_RANKING_MODE = "bands"
    client.force_login(UserFactory(role=Role.OFFICE, court=city_courts["苏05"]))
    data = client.get(
        reverse("contribution-list"), {"indicator": "closed_to_filed_ratio", "as_of": "2025-06-30"}
    ).json()
    assert data["mode"] == "bands"
    assert [row["code"] for row in data["results"]] == ["苏05", "苏0505", "苏0506"]
    assert "rank" not in data["results"][0]


def test_the_suggestions_api(client, division_of_seven, city_courts):
    _division, judges = division_of_seven
    user = UserFactory(
        role=Role.JUDGE, court=city_courts["苏0505"], division=judges[2].division, judge=judges[2]
    )
    client.force_login(user)
    answer = client.get(reverse("target-suggestion-list"), {"as_of": "2025-06-30"})
    assert answer.status_code == 200
    rows = {row["indicator"]: row for row in answer.json()["results"]}
    assert rows["within_limit_rate"]["needed"] == 95
    assert rows["within_limit_rate"]["inside"] is False
    assert rows["mediation_withdrawal_rate"]["needed"] is None
    # another judge of the division is outside a judge's scope
    other = client.get(reverse("target-suggestion-list"), {"judge": judges[3].pk})
    assert other.status_code == 404
