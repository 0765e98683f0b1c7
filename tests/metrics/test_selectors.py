"""Read selectors for dashboards: a unit over time, the units below it, the viewer's unit."""

import datetime

import pytest

from cases.choices import CourtLevel, Role
from cases.units import ScopeKey, reaches, user_unit
from metrics.choices import Scope
from metrics.selectors import (
    by_registry,
    children_values,
    indicator_or_404,
    indicator_series,
    latest_as_of,
    unit_values,
)
from metrics.services import metrics_backfill
from tests.factories import CaseFactory, CourtFactory, DivisionFactory, JudgeFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def city():
    intermediate = CourtFactory(code="苏05", level=CourtLevel.INTERMEDIATE)
    units = {"苏05": intermediate}
    for code in ("苏0505", "苏0506"):
        court = CourtFactory(code=code, parent=intermediate)
        units[code] = court
        for name in ("民一庭", "民二庭"):
            division = DivisionFactory(court=court, name=name)
            units[f"{code}/{name}"] = division
            judge = JudgeFactory(division=division, staff_id=f"{name}1")
            units[f"{code}/{name}/1"] = judge
            for day in (1, 2, 3):
                CaseFactory(judge=judge, filed_on=D(2025, 6, day), closed_on=D(2025, 6, day + 2))
    metrics_backfill(date_from=D(2025, 6, 1), date_to=D(2025, 6, 5), periods=["ytd", "mtd"])
    return units


def test_a_units_series_runs_day_by_day(city):
    court = ScopeKey.of(court=city["苏0505"])
    rows = indicator_series(unit=court, indicator="closed_to_filed_ratio", period="ytd")
    assert [(row.as_of, row.numerator, row.denominator) for row in rows] == [
        (D(2025, 6, 1), 0, 2),
        (D(2025, 6, 2), 0, 4),
        (D(2025, 6, 3), 2, 6),
        (D(2025, 6, 4), 4, 6),
        (D(2025, 6, 5), 6, 6),
    ]
    window = indicator_series(
        unit=court,
        indicator="closed_to_filed_ratio",
        date_from=D(2025, 6, 2),
        date_to=D(2025, 6, 3),
    )
    assert window.count() == 2


def test_children_of_the_city_are_its_courts_of_a_court_its_divisions(city):
    courts = children_values(
        unit=ScopeKey.city(), as_of=D(2025, 6, 5), period="ytd", indicator="clearance_rate"
    )
    assert [row.court.code for row in courts] == ["苏0505", "苏0506"]
    divisions = children_values(
        unit=ScopeKey.of(court=city["苏0506"]), as_of=D(2025, 6, 5), period="ytd"
    )
    assert {(row.scope, row.court.code, row.division.name) for row in divisions} == {
        (Scope.DIVISION, "苏0506", "民一庭"),
        (Scope.DIVISION, "苏0506", "民二庭"),
    }
    # Both sets, each slug once (17); no case_to_proceeding_ratio below the courts.
    assert len(divisions) == 2 * 16


def test_unit_values_come_in_registry_order(city):
    rows = by_registry(unit_values(unit=ScopeKey.city(), as_of=D(2025, 6, 5), period="mtd"))
    assert [row.indicator for row in rows][:3] == [
        "closed_to_filed_ratio",
        "clearance_rate",
        "within_limit_rate",
    ]
    assert len(rows) == 17  # both sets, each slug once


def test_latest_as_of_is_the_last_finished_day(city):
    assert latest_as_of("ytd") == D(2025, 6, 5)
    assert latest_as_of("qtd") is None


def test_an_unknown_indicator_slug_is_a_404():
    from django.http import Http404

    with pytest.raises(Http404):
        indicator_or_404("no_such_indicator")
    assert indicator_or_404("clearance_rate").label == "结案率"


def test_each_role_sees_its_own_unit_and_the_units_below(city):
    office = UserFactory(role=Role.OFFICE, court=city["苏05"])
    basic_office = UserFactory(role=Role.OFFICE, court=city["苏0505"])
    head = UserFactory(role=Role.DIVISION_HEAD, division=city["苏0505/民一庭"])
    judge = UserFactory(role=Role.JUDGE, judge=city["苏0505/民一庭/1"])
    division = ScopeKey.of(court=city["苏0505"], division=city["苏0505/民一庭"])
    assert user_unit(office) == ScopeKey.city()
    assert user_unit(basic_office) == ScopeKey.of(court=city["苏0505"])
    assert user_unit(head) == division
    assert user_unit(judge) == ScopeKey.of(
        court=city["苏0505"], division=city["苏0505/民一庭"], judge=city["苏0505/民一庭/1"]
    )
    assert reaches(basic_office, division)
    assert not reaches(basic_office, ScopeKey.city())
    assert not reaches(head, ScopeKey.of(court=city["苏0505"]))
    assert not reaches(UserFactory(role=""), ScopeKey.city())
