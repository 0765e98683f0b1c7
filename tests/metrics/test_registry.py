"""The registry: the eleven indicators of INDICATORS.md, declared once; periods and scopes."""

import datetime

import pytest
from django.db import connection

from cases.models import Case
from cases.units import ScopeKey
from metrics.choices import Direction, Scope, Unit
from metrics.definitions.indicators import INDICATORS, LOCAL_INDICATORS
from metrics.definitions.periods import Period, add_months, long_pending_cutoff
from metrics.definitions.registry import Indicator, registry

D = datetime.date

CONTRACT = [  # slug, unit, better (INDICATORS.md, "The eleven")
    ("closed_to_filed_ratio", Unit.PERCENT, Direction.HIGHER),
    ("clearance_rate", Unit.PERCENT, Direction.HIGHER),
    ("within_limit_rate", Unit.PERCENT, Direction.HIGHER),
    ("avg_trial_days", Unit.DAYS, Direction.LOWER),
    ("long_pending_share", Unit.PERCENT, Direction.LOWER),
    ("first_instance_acceptance_rate", Unit.PERCENT, Direction.HIGHER),
    ("first_instance_reversal_rate", Unit.PERCENT, Direction.LOWER),
    ("final_case_reversal_rate", Unit.PERCENT, Direction.LOWER),
    ("mediation_withdrawal_rate", Unit.PERCENT, Direction.BAND),
    ("enforcement_recovery_rate", Unit.PERCENT, Direction.HIGHER),
    ("case_to_proceeding_ratio", Unit.RATIO, Direction.LOWER),
]


SPC2024_CONTRACT = [  # slug, unit (INDICATORS.md, "The SPC's 2024 set": 12–17)
    ("appeal_modify_remand_ratio", Unit.PERCENT),
    ("retrial_modify_remand_ratio", Unit.PERCENT),
    ("appeal_rate", Unit.PERCENT),
    ("enforcement_completion_rate", Unit.PERCENT),
    ("appeal_hearing_rate", Unit.PERCENT),
    ("appeal_transfer_days", Unit.DAYS),
]


def test_the_registry_holds_the_eleven_indicators_in_contract_order():
    assert [
        (indicator.slug, indicator.unit, indicator.direction)
        for indicator in LOCAL_INDICATORS.values()
    ] == CONTRACT
    assert [indicator.number for indicator in LOCAL_INDICATORS.values()] == list(range(1, 12))


def test_the_registry_holds_both_sets_each_indicator_once_in_contract_order():
    assert [indicator.number for indicator in INDICATORS.values()] == list(range(1, 18))
    assert [(i.slug, i.unit) for i in INDICATORS.values()][11:] == SPC2024_CONTRACT


def test_only_the_case_to_proceeding_ratio_is_limited_to_city_and_court():
    limited = {slug: i.scopes for slug, i in INDICATORS.items() if i.scopes != frozenset(Scope)}
    assert limited == {"case_to_proceeding_ratio": {Scope.CITY, Scope.COURT}}


def test_a_duplicate_slug_is_refused():
    twice = INDICATORS["clearance_rate"]
    with pytest.raises(ValueError, match="duplicate indicator slug: clearance_rate"):
        registry(twice, INDICATORS["avg_trial_days"], twice)


def test_an_unknown_slug_is_a_key_error():
    with pytest.raises(KeyError):
        INDICATORS["clearance"]


@pytest.mark.parametrize("slug", list(INDICATORS))
def test_every_measure_compiles_to_one_aggregate_over_the_case_row_without_joins(slug):
    query = Case.objects.all().query
    compiler = query.get_compiler(connection=connection)
    period = Period.of("ytd", D(2025, 6, 30))
    for part in ("numerator", "denominator"):
        measure = INDICATORS[slug].measure(part, period)
        expression = measure.aggregate().resolve_expression(query, allow_joins=False)
        sql, _ = compiler.compile(expression)
        assert "FILTER (WHERE" in sql and "JOIN" not in sql


def test_a_part_must_be_numerator_or_denominator():
    indicator: Indicator = INDICATORS["clearance_rate"]
    with pytest.raises(ValueError):
        indicator.measure("value", Period.of("ytd", D(2025, 6, 30)))


@pytest.mark.parametrize(
    ("kind", "as_of", "start"),
    [
        ("ytd", D(2025, 6, 30), D(2025, 1, 1)),
        ("ytd", D(2025, 1, 1), D(2025, 1, 1)),
        ("qtd", D(2025, 6, 30), D(2025, 4, 1)),
        ("qtd", D(2025, 3, 31), D(2025, 1, 1)),
        ("qtd", D(2025, 10, 1), D(2025, 10, 1)),
        ("qtd", D(2025, 12, 31), D(2025, 10, 1)),
        ("mtd", D(2025, 2, 28), D(2025, 2, 1)),
    ],
)
def test_periods_run_from_the_start_of_year_quarter_or_month_to_the_as_of_day(kind, as_of, start):
    assert Period.of(kind, as_of) == Period(start=start, end=as_of, kind=kind)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 1, 15), -12, D(2024, 1, 15)),
    ],
)
def test_calendar_months_clamp_to_the_last_day_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_long_pending_cutoff_is_the_last_filing_day_with_twelve_months_before_the_day():
    day = D(2023, 1, 1)
    while day <= D(2026, 12, 31):
        cutoff = long_pending_cutoff(day)
        assert add_months(cutoff, 12) < day <= add_months(cutoff + datetime.timedelta(days=1), 12)
        day += datetime.timedelta(days=1)


def test_a_scope_key_needs_exactly_the_ids_above_its_level():
    assert ScopeKey.of(court=1, division=2) == ScopeKey(Scope.DIVISION, 1, 2)
    with pytest.raises(ValueError):
        ScopeKey(Scope.JUDGE, 1, None, 3)
    with pytest.raises(ValueError):
        ScopeKey(Scope.CITY, 1)
    assert ScopeKey.city().contains(ScopeKey(Scope.JUDGE, 1, 2, 3))
    assert ScopeKey(Scope.COURT, 1).contains(ScopeKey(Scope.DIVISION, 1, 2))
    assert not ScopeKey(Scope.COURT, 1).contains(ScopeKey(Scope.DIVISION, 4, 2))
    assert not ScopeKey(Scope.DIVISION, 1, 2).contains(ScopeKey(Scope.COURT, 1))
