"""Deadlines (DOMAIN.md time limits), computed in PostgreSQL by case_derived_refresh."""

import datetime

import pytest

from cases.models import TimeLimit
from cases.services import case_derived_refresh
from tests.factories import CaseFactory, CourtFactory, DivisionFactory, JudgeFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def judge():
    court = CourtFactory(code="苏0505")
    return JudgeFactory(division=DivisionFactory(court=court, name="民一庭"))


@pytest.mark.parametrize(
    ("type_code", "track", "filed_on", "expected"),
    [
        ("民初", "summary", D(2025, 1, 31), D(2025, 4, 30)),  # DOMAIN.md's own example
        ("民初", "small_claims", D(2025, 1, 31), D(2025, 3, 31)),
        ("民初", "ordinary", D(2025, 8, 31), D(2026, 2, 28)),  # month-end clamp
        ("民初", "ordinary", D(2023, 8, 31), D(2024, 2, 29)),  # into a leap day
        ("民初", "summary", D(2024, 2, 29), D(2024, 5, 29)),  # from a leap day
        ("刑初", "summary", D(2025, 3, 1), D(2025, 3, 21)),  # DOMAIN.md: 20 days
        ("刑初", "fast_track", D(2025, 12, 25), D(2026, 1, 4)),
        ("行初", "summary", D(2025, 1, 1), D(2025, 2, 15)),
        ("民特", "", D(2025, 2, 1), D(2025, 3, 3)),
        ("民终", "", D(2025, 11, 30), D(2026, 2, 28)),
        ("刑终", "", D(2025, 12, 31), D(2026, 2, 28)),
        ("执", "", D(2025, 1, 15), D(2025, 7, 15)),
    ],
)
def test_deadline_is_filed_on_plus_limit(judge, type_code, track, filed_on, expected):
    case = CaseFactory(judge=judge, type_code=type_code, track=track, filed_on=filed_on)
    assert case.deadline == expected


def test_extension_and_excluded_days_are_added(judge):
    case = CaseFactory(
        judge=judge, track="summary", filed_on=D(2025, 1, 31), extension_days=30, excluded_days=10
    )
    assert case.deadline == D(2025, 4, 30) + datetime.timedelta(days=40)


def test_deadline_on_is_used_as_given(judge):
    case = CaseFactory(
        judge=judge,
        track="summary",
        filed_on=D(2025, 1, 31),
        deadline_on=D(2025, 9, 1),
        extension_days=30,
        excluded_days=10,
    )
    assert case.deadline == D(2025, 9, 1)


@pytest.mark.parametrize("type_code", ["民督", "执恢", "执保", "刑申", "诉前调确"])
def test_procedures_without_limit_have_no_deadline(judge, type_code):
    assert CaseFactory(judge=judge, type_code=type_code, filed_on=D(2025, 1, 5)).deadline is None


def test_changing_a_time_limit_moves_deadlines_on_refresh(judge):
    case = CaseFactory(judge=judge, track="summary", filed_on=D(2025, 1, 31))
    TimeLimit.objects.filter(category="civil", procedure="first_instance", track="summary").update(
        months=4
    )
    case_derived_refresh()
    case.refresh_from_db()
    assert case.deadline == D(2025, 5, 31)


def test_trial_days_deduct_excluded_days_and_never_go_below_zero(judge):
    case = CaseFactory(
        judge=judge, filed_on=D(2025, 1, 1), closed_on=D(2025, 1, 31), excluded_days=10
    )
    assert case.trial_days == 20
    short = CaseFactory(
        judge=judge, filed_on=D(2025, 1, 1), closed_on=D(2025, 1, 5), excluded_days=10
    )
    assert short.trial_days == 0
    assert CaseFactory(judge=judge, filed_on=D(2025, 1, 1)).trial_days is None
