"""Each of the eleven indicators on a hand-built case set, numbers worked out by hand
(INDICATORS.md). As of 2025-06-30: YTD = 01-01…06-30, QTD = 04-01…06-30, MTD = 06-01…06-30."""

import datetime
from decimal import Decimal

import pytest

from cases.units import ScopeKey
from metrics.choices import Scope
from metrics.models import IndicatorValue
from metrics.services import metrics_compute
from tests.factories import CaseFactory, CourtFactory, DivisionFactory, JudgeFactory

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2025, 6, 30)


@pytest.fixture
def judge():
    court = CourtFactory(code="苏0505")
    return JudgeFactory(division=DivisionFactory(court=court, name="民一庭"), staff_id="J0107")


@pytest.fixture
def case(judge):
    """A case of the judge: case("民初", filed, closed=None, **fields)."""

    def make(type_code, filed_on, closed_on=None, **fields):
        if closed_on is not None:
            fields.setdefault("closing_method", "judgment")
        return CaseFactory(
            judge=judge, type_code=type_code, filed_on=filed_on, closed_on=closed_on, **fields
        )

    return make


def stored(indicator, period="ytd", unit=None, as_of=AS_OF):
    unit = unit or ScopeKey.city()
    row = IndicatorValue.objects.get(unit.rows_q(), indicator=indicator, period=period, as_of=as_of)
    return row.numerator, row.denominator, row.value


def test_closed_to_filed_ratio_counts_workload_closed_over_filed(case):
    case("民初", D(2025, 2, 1), D(2025, 3, 1))
    case("民初", D(2024, 12, 31), D(2025, 1, 1))
    case("民初", D(2025, 6, 30))  # filed on the as-of day
    case("民初", D(2025, 7, 1))  # after it: not filed in P
    case("执保", D(2025, 2, 1), D(2025, 2, 10))  # preservation: not workload
    case("执恢", D(2025, 2, 1), D(2025, 2, 11))  # resumed enforcement: not workload
    case("诉前调确", D(2025, 3, 1), D(2025, 3, 2))  # pre-suit: not workload
    metrics_compute(as_of=AS_OF)
    assert stored("closed_to_filed_ratio", "ytd") == (2, 2, 100.0)
    assert stored("closed_to_filed_ratio", "qtd") == (0, 1, 0.0)
    assert stored("closed_to_filed_ratio", "mtd") == (0, 1, 0.0)


def test_clearance_rate_counts_pending_at_start_once_and_filed_on_start_as_filed(case):
    case("民初", D(2024, 12, 31))  # pending at start (end of 12-31)
    case("民初", D(2025, 1, 1))  # filed on the start day: filed in P, not pending at start
    case("民初", D(2024, 11, 1), D(2024, 12, 31))  # closed the day before start: neither
    case("民初", D(2024, 11, 1), D(2025, 1, 1))  # pending at start, closed on the start day
    case("民初", D(2025, 3, 1), D(2025, 4, 15))
    metrics_compute(as_of=AS_OF)
    assert stored("clearance_rate", "ytd") == (2, 4, 50.0)
    # QTD: pending at 03-31 are the first, second and last case; one closed in the quarter.
    assert stored("clearance_rate", "qtd") == (1, 3, 100 / 3)
    assert stored("clearance_rate", "mtd") == (0, 2, 0.0)


def test_within_limit_counts_closing_on_the_deadline_day_but_not_the_day_after(case):
    on_time = case("民初", D(2025, 1, 31), D(2025, 4, 30), track="summary")
    late = case("民初", D(2025, 1, 31), D(2025, 5, 1), track="summary")
    given = case("民初", D(2025, 1, 2), D(2025, 3, 10), deadline_on=D(2025, 3, 10))
    no_limit = case("民督", D(2025, 1, 5), D(2025, 9, 1))
    case("民督", D(2025, 1, 5), D(2025, 2, 1))  # no time limit, no deadline: not counted
    assert on_time.deadline == late.deadline == D(2025, 4, 30)  # 3 months, month-end clamp
    assert given.deadline == D(2025, 3, 10)
    assert no_limit.deadline is None
    metrics_compute(as_of=AS_OF)
    assert stored("within_limit_rate", "ytd") == (2, 3, 200 / 3)
    assert stored("within_limit_rate", "qtd") == (1, 2, 50.0)
    assert stored("within_limit_rate", "mtd") == (0, 0, None)


def test_avg_trial_days_averages_the_stored_trial_days_of_litigation_closed_in_p(case):
    case("民初", D(2025, 1, 1), D(2025, 3, 2))  # 60 days
    case("刑初", D(2025, 2, 1), D(2025, 2, 21), excluded_days=5)  # 20 - 5 = 15
    case("民终", D(2025, 1, 10), D(2025, 1, 15), excluded_days=10)  # never below 0
    case("执", D(2025, 1, 1), D(2025, 6, 1))  # enforcement: not litigation
    case("民特", D(2025, 1, 1), D(2025, 2, 1))  # special procedure: not litigation
    case("民初", D(2025, 1, 1))  # pending
    metrics_compute(as_of=AS_OF)
    assert stored("avg_trial_days", "ytd") == (75, 3, 25.0)
    assert stored("avg_trial_days", "qtd") == (0, 0, None)


def test_long_pending_at_exactly_twelve_months_is_not_yet_and_one_day_more_is(case):
    case("民初", D(2024, 6, 30))  # + 12 months = 06-30, not before it
    case("民初", D(2024, 6, 29))  # + 12 months = 06-29 < 06-30
    case("民初", D(2024, 1, 1), D(2025, 7, 1))  # closed after the as-of day: still pending then
    case("民初", D(2024, 1, 1), D(2025, 6, 30))  # closed on the as-of day: not pending
    case("执", D(2023, 1, 1))  # enforcement: not litigation
    metrics_compute(as_of=AS_OF)
    assert stored("long_pending_share", "ytd") == (2, 3, 200 / 3)
    # Pending at the end of the period: the same for every period ending that day.
    assert stored("long_pending_share", "mtd") == (2, 3, 200 / 3)


def test_long_pending_from_a_leap_day_clamps_to_the_month_end(case):
    case("民初", D(2024, 2, 29))  # + 12 months = 2025-02-28
    metrics_compute(as_of=D(2025, 2, 28), periods=["ytd"])
    metrics_compute(as_of=D(2025, 3, 1), periods=["ytd"])
    assert stored("long_pending_share", as_of=D(2025, 2, 28)) == (0, 1, 0.0)
    assert stored("long_pending_share", as_of=D(2025, 3, 1)) == (1, 1, 100.0)


def test_acceptance_rate_uses_the_records_appeal_field_else_a_linked_appeal(case):
    case("民初", D(2025, 1, 1), D(2025, 3, 1))  # not appealed
    case("民初", D(2025, 1, 1), D(2025, 3, 2), appealed=True)
    linked = case("民初", D(2025, 1, 1), D(2025, 3, 3))
    case("民终", D(2025, 4, 1), origin_case_number=linked.case_number)  # lodged, pending
    written = case("民初", D(2025, 1, 1), D(2025, 3, 4), appealed=False)
    case("民终", D(2025, 4, 2), origin_case_number=written.case_number)  # the record wins
    metrics_compute(as_of=AS_OF)
    assert stored("first_instance_acceptance_rate", "ytd") == (2, 4, 50.0)


def test_reversal_rate_counts_appeals_decided_in_p_over_first_instance_closed_in_p(case):
    earlier = case("民初", D(2024, 6, 1), D(2024, 11, 1))
    case(
        "民终",
        D(2024, 12, 1),
        D(2025, 2, 1),
        closing_method="modified",
        origin_case_number=earlier.case_number,
    )
    case(
        "民初",
        D(2024, 9, 1),
        D(2025, 1, 10),
        appeal_outcome="remanded",
        appeal_decided_on=D(2025, 7, 5),  # decided after the period
    )
    affirmed = case("民初", D(2024, 9, 1), D(2025, 2, 1))
    case(
        "民终",
        D(2025, 2, 10),
        D(2025, 3, 1),
        closing_method="affirmed",
        origin_case_number=affirmed.case_number,
    )
    case(
        "刑初",
        D(2024, 9, 1),
        D(2025, 3, 1),
        appeal_outcome="modified",
        appeal_decided_on=D(2025, 5, 1),
    )
    metrics_compute(as_of=AS_OF)
    assert stored("first_instance_reversal_rate", "ytd") == (2, 3, 200 / 3)
    # A reversal decided in Q2 of a case closed in Q1: a numerator over a zero denominator.
    assert stored("first_instance_reversal_rate", "qtd") == (1, 0, None)


def test_final_case_reversal_rate_counts_retrials_decided_in_p_over_litigation_closed(case):
    final = case("民终", D(2024, 6, 1), D(2024, 10, 1), closing_method="affirmed")
    case(
        "民再",
        D(2025, 1, 5),
        D(2025, 4, 1),
        closing_method="remanded",
        origin_case_number=final.case_number,
    )
    case(
        "民初",
        D(2024, 9, 1),
        D(2025, 1, 20),
        retrial_outcome="modified",
        retrial_decided_on=D(2025, 6, 1),
    )
    case("民初", D(2024, 9, 1), D(2025, 2, 1))
    metrics_compute(as_of=AS_OF)
    # Closed in P: the retrial itself and the two first-instance cases.
    assert stored("final_case_reversal_rate", "ytd") == (2, 3, 200 / 3)
    assert stored("final_case_reversal_rate", "mtd") == (1, 0, None)


def test_mediation_withdrawal_rate_counts_civil_first_instance_only(case):
    for method in ("mediation", "withdrawal", "judgment", "dismissal"):
        case("民初", D(2025, 1, 1), D(2025, 2, 1), closing_method=method)
    case("刑初", D(2025, 1, 1), D(2025, 2, 1), closing_method="mediation")
    case("民终", D(2025, 1, 1), D(2025, 2, 1), closing_method="mediation")
    metrics_compute(as_of=AS_OF)
    assert stored("mediation_withdrawal_rate", "ytd") == (2, 4, 50.0)


def test_enforcement_recovery_sums_only_first_enforcement_closed_with_an_amount_applied(case):
    case("执", D(2025, 1, 1), D(2025, 3, 1), amount_applied=1000, amount_recovered="450.50")
    case("执", D(2025, 1, 1), D(2025, 4, 1), amount_applied=200)  # nothing recovered
    case("执", D(2025, 1, 1), D(2025, 4, 2), amount_applied=0, amount_recovered=10)
    case("执", D(2025, 1, 1), D(2025, 4, 3))  # no amount applied
    case("执", D(2025, 1, 1), amount_applied=500, amount_recovered=500)  # pending
    case("执恢", D(2025, 1, 1), D(2025, 4, 3), amount_applied=100, amount_recovered=100)
    metrics_compute(as_of=AS_OF)
    numerator, denominator, value = stored("enforcement_recovery_rate", "ytd")
    assert (numerator, denominator) == (Decimal("450.50"), Decimal("1200.00"))
    assert value == 450.5 * 100 / 1200


def test_case_to_proceeding_ratio_is_for_the_city_and_courts_only(case, judge):
    case("民初", D(2025, 1, 1))
    case("民初", D(2025, 1, 2))
    case("民终", D(2025, 1, 3), origin_case_number="（2024）苏0505民初1号")
    case("执", D(2025, 1, 4), origin_case_number="（2024）苏0505民初2号")
    case("执恢", D(2025, 1, 5), origin_case_number="（2024）苏0505执1号")
    case("执保", D(2025, 1, 6))  # preservation: not a proceeding here
    case("诉前调确", D(2025, 1, 7))
    metrics_compute(as_of=AS_OF)
    assert stored("case_to_proceeding_ratio", "ytd") == (5, 2, 2.5)
    court = ScopeKey.of(court=judge.court)
    assert stored("case_to_proceeding_ratio", "ytd", court) == (5, 2, 2.5)
    rows = IndicatorValue.objects.filter(indicator="case_to_proceeding_ratio")
    assert set(rows.values_list("scope", flat=True)) == {Scope.CITY, Scope.COURT}


def test_values_add_up_from_judges_to_divisions_courts_and_the_city():
    courts = [CourtFactory(code=code) for code in ("苏0505", "苏0506")]
    judges = []
    for court in courts:
        for name in ("民一庭", "民二庭"):
            division = DivisionFactory(court=court, name=name)
            judges += [JudgeFactory(division=division) for _ in range(2)]
    for n, judge in enumerate(judges):
        for k in range(n + 1):  # judge n files n + 1 cases and closes one of them
            closed = D(2025, 3, 1) if k == 0 else None
            CaseFactory(judge=judge, filed_on=D(2025, 2, 1), closed_on=closed)
    metrics_compute(as_of=AS_OF, periods=["ytd"])
    assert stored("closed_to_filed_ratio") == (8, 36, 800 / 36)
    assert stored("closed_to_filed_ratio", unit=ScopeKey.of(court=courts[1])) == (4, 26, 400 / 26)
    division = judges[2].division
    assert stored(
        "closed_to_filed_ratio", unit=ScopeKey.of(court=courts[0], division=division)
    ) == (2, 7, 200 / 7)
    last = judges[-1]
    unit = ScopeKey.of(court=last.court, division=last.division, judge=last)
    assert stored("closed_to_filed_ratio", unit=unit) == (1, 8, 12.5)
