"""THE key property: a number and its case list can never disagree; and the engine agrees with
a naive reference written from INDICATORS.md, on a few hundred random cases."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from cases.models import Case
from cases.units import ScopeKey
from metrics.choices import Scope
from metrics.definitions.conditions import AGE_BUCKETS, pending_aged
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.periods import Period
from metrics.models import IndicatorValue, PendingAgeProfile
from metrics.selectors import indicator_cases
from metrics.services import metrics_compute
from tests.metrics.generate import generate_cases
from tests.metrics.reference import reference_values

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2025, 5, 31)  # a month end inside Q2


@pytest.fixture
def computed():
    generate_cases(n=400, seed=20250531, as_of=AS_OF)
    metrics_compute(as_of=AS_OF)
    return list(IndicatorValue.objects.filter(as_of=AS_OF))


def _drilled(row: IndicatorValue, part: str) -> Decimal:
    indicator = INDICATORS[row.indicator]
    cases = indicator_cases(indicator, Period.of(row.period, AS_OF), ScopeKey.of_row(row), part)
    measure = indicator.measure(part, Period.of(row.period, AS_OF))
    if measure.is_sum:
        return cases.aggregate(total=Sum(measure.field))["total"] or Decimal(0)
    return Decimal(cases.count())


def test_drilldown_counts_and_sums_equal_every_stored_numerator_and_denominator(computed):
    assert len(computed) > 1000
    mismatches = [
        (row.period, row.scope, row.court_id, row.division_id, row.judge_id, row.indicator, part)
        for row in computed
        for part in ("numerator", "denominator")
        if _drilled(row, part) != getattr(row, part)
    ]
    assert mismatches == []


def test_engine_equals_the_naive_reference_for_ytd_qtd_and_mtd(computed):
    expected = reference_values(AS_OF)
    stored = {
        (row.period, row.scope, row.court_id, row.division_id, row.judge_id, row.indicator): (
            row.numerator,
            row.denominator,
            row.value,
        )
        for row in computed
    }
    assert stored.keys() == expected.keys()
    for key, (numerator, denominator, value) in expected.items():
        got_numerator, got_denominator, got_value = stored[key]
        assert (got_numerator, got_denominator) == (numerator, denominator), key
        assert got_value == pytest.approx(value, rel=1e-12), key
    # The random set reaches every indicator with a nonzero denominator in every period.
    for period in ("ytd", "qtd", "mtd"):
        for slug in INDICATORS:
            assert expected[(period, "city", None, None, None, slug)][1] > 0, (period, slug)


def test_every_unit_with_cases_is_computed_at_every_level(computed):
    units = set(Case.objects.values_list("court_id", "division_id", "judge_id"))
    judge_rows = {
        (row.court_id, row.division_id, row.judge_id)
        for row in computed
        if row.scope == Scope.JUDGE
    }
    assert judge_rows == units
    assert {row.court_id for row in computed if row.scope == Scope.COURT} == {
        court for court, _, _ in units
    }


def test_drilldown_combines_with_the_users_scope(computed, django_user_model):
    from cases.choices import Role

    row = next(row for row in computed if row.scope == Scope.DIVISION and row.denominator > 0)
    other_judge = Case.objects.exclude(division_id=row.division_id).values("judge_id").first()
    user = django_user_model.objects.create(
        username="judge", role=Role.JUDGE, judge_id=other_judge["judge_id"]
    )
    indicator = INDICATORS[row.indicator]
    period = Period.of(row.period, AS_OF)
    cases = indicator_cases(indicator, period, ScopeKey.of_row(row), "denominator")
    assert cases.exists()
    assert not cases.in_scope(user).exists()
    scoped = indicator_cases(
        indicator,
        period,
        ScopeKey.of_row(row),
        "denominator",
        queryset=Case.objects.in_scope(user),
    )
    assert not scoped.exists()
    # The division's own head sees every case of the number, and nothing else.
    head = django_user_model.objects.create(
        username="head",
        role=Role.DIVISION_HEAD,
        court_id=row.court_id,
        division_id=row.division_id,
    )
    assert set(cases.in_scope(head)) == set(cases)


def test_stored_age_profile_equals_its_conditions_applied_to_the_cases_of_every_unit(computed):
    profiles = list(PendingAgeProfile.objects.filter(as_of=AS_OF))
    assert {row.period for row in profiles} == {"ytd", "qtd", "mtd"}
    assert len(profiles) == 3 * len({ScopeKey.of_row(row) for row in computed})
    for row in profiles:
        cases = Case.objects.filter(ScopeKey.of_row(row).cases_q())
        expected = [
            cases.filter(pending_aged(AS_OF, low, high)).count() for low, high in AGE_BUCKETS
        ]
        assert row.counts == expected, (row.period, row.scope, row.court_id, row.judge_id)
    city = next(row for row in profiles if row.scope == Scope.CITY and row.period == "ytd")
    assert sum(city.counts[2:]) > 0 and city.counts[0] > 0  # old and young pending cases
