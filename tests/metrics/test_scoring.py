"""Scores, totals and rankings (INDICATORS.md, scores and rankings), with the seeded targets."""

import datetime

import pytest
from django.db import DatabaseError, transaction

from cases.choices import CourtLevel
from cases.units import ScopeKey
from metrics.choices import RankingMode, Scope, ScoreBand
from metrics.computation.scoring import scores_refresh
from metrics.models import IndicatorTargetChange, IndicatorValue, ScopeScore
from metrics.selectors import rankings
from metrics.services import indicator_target_update, metrics_compute
from tests.factories import CaseFactory, CourtFactory, DivisionFactory, JudgeFactory

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2025, 6, 30)  # clearance_rate: June target 55, warning 45


def put(indicator, value, *, unit=None, period="ytd", as_of=AS_OF):
    """A stored value as the engine would leave it (scores come from scores_refresh)."""
    unit = unit or ScopeKey.city()
    return IndicatorValue.objects.create(
        as_of=as_of,
        period=period,
        scope=unit.scope,
        court_id=unit.court_id,
        division_id=unit.division_id,
        judge_id=unit.judge_id,
        indicator=indicator,
        numerator=0 if value is None else value,
        denominator=0 if value is None else 100,
        value=value,
    )


def score_of(indicator, value, *, period="ytd", as_of=AS_OF):
    row = put(indicator, value, period=period, as_of=as_of)
    scores_refresh(as_of_from=as_of, as_of_to=as_of)
    row.refresh_from_db()
    return row.score


@pytest.mark.parametrize(
    ("indicator", "value", "expected"),
    [
        ("closed_to_filed_ratio", 100.0, 10.0),  # at the target: full weight
        ("closed_to_filed_ratio", 120.0, 10.0),  # beyond it
        ("closed_to_filed_ratio", 95.0, 5.0),  # halfway: linear
        ("closed_to_filed_ratio", 92.5, 2.5),
        ("closed_to_filed_ratio", 90.0, 0.0),  # at the warning
        ("closed_to_filed_ratio", 50.0, 0.0),
        ("within_limit_rate", 95.0, 0.0),  # INDICATORS.md's own example
        ("avg_trial_days", 60.0, 8.0),  # lower is better
        ("avg_trial_days", 75.0, 4.0),
        ("avg_trial_days", 90.0, 0.0),
        ("avg_trial_days", 30.0, 8.0),
        ("long_pending_share", 2.5, 2.5),
        ("final_case_reversal_rate", 0.2, 4.0),
        ("enforcement_recovery_rate", 31.0, 3.2),
        ("case_to_proceeding_ratio", 1.4, 4.0),
        ("case_to_proceeding_ratio", 1.0, 8.0),
    ],
)
def test_score_is_full_at_target_zero_at_warning_and_linear_between(indicator, value, expected):
    assert score_of(indicator, value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (50.0, 8.0),  # inside the band 35–65
        (35.0, 8.0),
        (65.0, 8.0),
        (30.0, 4.0),  # halfway down to the lower warning 25
        (25.0, 0.0),
        (10.0, 0.0),
        (70.0, 4.0),  # halfway up to the upper warning 75
        (75.0, 0.0),
        (90.0, 0.0),
    ],
)
def test_band_indicator_scores_full_inside_and_falls_to_zero_at_each_warning(value, expected):
    assert score_of("mediation_withdrawal_rate", value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("as_of", "value", "expected"),
    [
        (D(2025, 6, 30), 50.0, 5.0),  # June: target 55, warning 45
        (D(2025, 6, 30), 55.0, 10.0),
        (D(2025, 3, 31), 13.0, 5.0),  # March: target 18, warning 8
        (D(2025, 1, 15), 8.0, 10.0),  # January: target 8
        (D(2025, 12, 31), 88.0, 5.0),  # December: target 93
    ],
)
def test_clearance_rate_is_scored_against_the_target_of_the_as_of_month(as_of, value, expected):
    assert score_of("clearance_rate", value, as_of=as_of) == pytest.approx(expected)


@pytest.mark.parametrize("period", ["qtd", "mtd"])
def test_clearance_rate_has_no_target_outside_ytd_and_is_left_out(period):
    row = put("clearance_rate", 99.0, period=period)
    put("closed_to_filed_ratio", 95.0, period=period)
    scores_refresh(as_of_from=AS_OF, as_of_to=AS_OF)
    row.refresh_from_db()
    assert (row.score, row.weight) == (None, None)
    total = ScopeScore.objects.get(period=period, scope=Scope.CITY)
    assert (total.total, total.scored, total.weight_sum) == (50.0, 1, 10.0)


def test_total_leaves_out_indicators_without_a_value():
    put("closed_to_filed_ratio", 95.0)  # 5 of 10
    put("avg_trial_days", 60.0)  # 8 of 8
    put("within_limit_rate", None)  # zero denominator: left out, not 0
    scores_refresh(as_of_from=AS_OF, as_of_to=AS_OF)
    total = ScopeScore.objects.get(period="ytd", scope=Scope.CITY)
    assert total.total == pytest.approx(100 * 13 / 18)
    assert (total.score_sum, total.weight_sum, total.scored) == (13.0, 18.0, 2)
    assert IndicatorValue.objects.get(indicator="within_limit_rate").score is None


def test_a_unit_with_no_scored_indicator_has_no_total():
    put("within_limit_rate", None)
    scores_refresh(as_of_from=AS_OF, as_of_to=AS_OF)
    assert ScopeScore.objects.get(scope=Scope.CITY).total is None


@pytest.fixture
def division():
    return DivisionFactory(court=CourtFactory(code="苏0505"), name="民一庭")


def test_judges_rank_by_total_then_clearance_rate_and_ties_share_a_rank(division):
    judges = {
        staff_id: JudgeFactory(division=division, staff_id=staff_id)
        for staff_id in ("J1", "J2", "J3", "J4")
    }
    # (closed_to_filed_ratio, clearance_rate) -> total
    values = {
        "J2": (95.0, 60.0),  # 5 + 10 of 20: 75, clearance 60
        "J3": (100.0, 50.0),  # 10 + 5 of 20: 75, clearance 50
        "J1": (95.0, 60.0),  # the same as J2: a tie
        "J4": (None, None),  # nothing scored: unranked
    }
    for staff_id, (ratio, clearance) in values.items():
        judge = judges[staff_id]
        unit = ScopeKey.of(court=division.court, division=division, judge=judge)
        put("closed_to_filed_ratio", ratio, unit=unit)
        put("clearance_rate", clearance, unit=unit)
    scores_refresh(as_of_from=AS_OF, as_of_to=AS_OF)
    parent = ScopeKey.of(court=division.court, division=division)
    ranked = [
        (row["code"], row["total"], row["rank"], row["peers"])
        for row in rankings(parent=parent, as_of=AS_OF, period="ytd")
    ]
    # Standard competition ranking: 1, 1, 3; equal ranks listed by code.
    assert ranked == [
        ("J1", 75.0, 1, 3),
        ("J2", 75.0, 1, 3),
        ("J3", 75.0, 3, 3),
        ("J4", None, None, 3),
    ]


def test_courts_rank_among_courts_of_the_same_level():
    intermediate = CourtFactory(code="苏05", level=CourtLevel.INTERMEDIATE)
    basic = [CourtFactory(code=code, parent=intermediate) for code in ("苏0505", "苏0506")]
    put("closed_to_filed_ratio", 90.0, unit=ScopeKey.of(court=intermediate))  # 0 points
    put("closed_to_filed_ratio", 95.0, unit=ScopeKey.of(court=basic[0]))
    put("closed_to_filed_ratio", 100.0, unit=ScopeKey.of(court=basic[1]))
    scores_refresh(as_of_from=AS_OF, as_of_to=AS_OF)
    ranked = {
        row["code"]: (row["rank"], row["peers"])
        for row in rankings(parent=ScopeKey.city(), as_of=AS_OF, period="ytd")
    }
    assert ranked == {"苏05": (1, 1), "苏0506": (1, 2), "苏0505": (2, 2)}


def test_bands_mode_shows_no_rank_no_total_and_no_order(division, settings):
    settings.COURTDASH_RANKING_MODE = RankingMode.BANDS
    for staff_id, ratio in (("J2", 100.0), ("J1", 95.0), ("J3", 80.0)):
        judge = JudgeFactory(division=division, staff_id=staff_id)
        put(
            "closed_to_filed_ratio",
            ratio,
            unit=ScopeKey.of(court=division.court, division=division, judge=judge),
        )
    scores_refresh(as_of_from=AS_OF, as_of_to=AS_OF)
    rows = rankings(
        parent=ScopeKey.of(court=division.court, division=division), as_of=AS_OF, period="ytd"
    )
    assert [row["code"] for row in rows] == ["J1", "J2", "J3"]  # by code, not by score
    assert {(row["rank"], row["peers"], row["total"]) for row in rows} == {(None, None, None)}
    assert [row["bands"]["closed_to_filed_ratio"] for row in rows] == [
        ScoreBand.BETWEEN,
        ScoreBand.MET,
        ScoreBand.MISSED,
    ]


@pytest.fixture
def ninety_five_percent(division):
    """A court where 19 of 20 cases filed this year are closed: 结收比 95%."""
    judge = JudgeFactory(division=division)
    for k in range(20):
        CaseFactory(judge=judge, filed_on=D(2025, 2, 1), closed_on=D(2025, 3, 1) if k else None)
    metrics_compute(as_of=AS_OF, periods=["ytd"])


def test_changing_a_target_is_recorded_and_rescores_the_stored_results(
    ninety_five_percent, django_user_model
):
    city = ScopeKey.city()
    row = IndicatorValue.objects.get(city.rows_q(), indicator="closed_to_filed_ratio")
    assert (row.value, row.score) == (95.0, 5.0)
    office = django_user_model.objects.create(username="office")
    indicator_target_update(indicator="closed_to_filed_ratio", actor=office, target=95, warning=85)
    row.refresh_from_db()
    assert row.score == 10.0
    change = IndicatorTargetChange.objects.get()
    assert change.username == "office"
    assert (change.old["target"], change.old["warning"]) == ("100", "90")
    assert (change.new["target"], change.new["warning"]) == ("95", "85")
    total = ScopeScore.objects.get(city.rows_q(), period="ytd")
    assert total.score_sum == pytest.approx(
        sum(
            IndicatorValue.objects.filter(city.rows_q())
            .exclude(score=None)
            .values_list("score", flat=True)
        )
    )


def test_target_history_is_append_only(django_user_model):
    indicator_target_update(
        indicator="avg_trial_days", actor=None, target=50, warning=80, rescore=False
    )
    change = IndicatorTargetChange.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        IndicatorTargetChange.objects.filter(pk=change.pk).update(username="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        IndicatorTargetChange.objects.filter(pk=change.pk).delete()


def test_the_admin_shows_targets_but_changes_them_only_through_the_service(admin_client):
    # The admin would bypass the permission check (the city's office) of the target page.
    from metrics.models import IndicatorTarget

    target = IndicatorTarget.objects.get(indicator="clearance_rate")
    url = f"/admin/metrics/indicatortarget/{target.pk}/change/"
    assert admin_client.get(url).status_code == 200
    assert (
        admin_client.post(url, {"indicator": "clearance_rate", "weight": "12"}).status_code == 403
    )
    assert admin_client.get("/admin/metrics/indicatortarget/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/metrics/indicatortarget/{target.pk}/delete/").status_code == 403
    )
    target.refresh_from_db()
    assert target.weight == 10 and not IndicatorTargetChange.objects.exists()


def test_a_target_change_is_recorded_with_the_monthly_targets():
    monthly = {6: (60, 45)}
    indicator_target_update(
        indicator="clearance_rate", actor=None, weight=12, monthly=monthly, rescore=False
    )
    change = IndicatorTargetChange.objects.get()
    assert (change.old["weight"], change.new["weight"]) == ("10", "12")
    assert (change.old["monthly"]["6"], change.new["monthly"]["6"]) == (["55", "45"], ["60", "45"])


def test_a_target_change_rescores_this_year_and_leaves_earlier_years_as_scored():
    last_year = put("closed_to_filed_ratio", 95.0, as_of=D(2024, 12, 31))
    this_year = put("closed_to_filed_ratio", 95.0)
    scores_refresh()
    indicator_target_update(indicator="closed_to_filed_ratio", actor=None, target=95, warning=85)
    last_year.refresh_from_db()
    this_year.refresh_from_db()
    assert (last_year.score, this_year.score) == (5.0, 10.0)  # today is 2025-06-30 in tests
    assert ScopeScore.objects.get(as_of=AS_OF, scope=Scope.CITY).total == 100.0
    assert ScopeScore.objects.get(as_of=D(2024, 12, 31), scope=Scope.CITY).total == 50.0
