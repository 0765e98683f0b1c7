"""The top unit in both deployment shapes (cases.units): a city (an intermediate court at the
top, as DOMAIN.md describes) and a province (a high court over intermediate courts over basic
courts). In a province the high court's people reach every court; an intermediate court's
people reach their own court only — not their basic courts, not another city."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from cases.accounts import unit_describe
from cases.choices import CourtLevel, Role, Scope
from cases.models import Case, Court, Division, Judge
from cases.units import (
    ScopeKey,
    city_court_ids,
    reaches,
    unit_info,
    unit_q,
    user_unit,
)
from metrics.models import IndicatorValue
from tests.factories import CaseFactory, CourtFactory, DivisionFactory, JudgeFactory, UserFactory

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2025, 6, 29)

# code -> (level, parent code)
PROVINCE = {
    "苏": (CourtLevel.HIGH, None),
    "苏01": (CourtLevel.INTERMEDIATE, "苏"),
    "苏0102": (CourtLevel.BASIC, "苏01"),
    "苏05": (CourtLevel.INTERMEDIATE, "苏"),
    "苏0505": (CourtLevel.BASIC, "苏05"),
}
CITY = {
    "苏05": (CourtLevel.INTERMEDIATE, None),
    "苏0505": (CourtLevel.BASIC, "苏05"),
    "苏0506": (CourtLevel.BASIC, "苏05"),
}


def build(shape: dict) -> dict:
    """Courts of the shape, each with a division, a judge, a pending case, and a stored
    indicator row for the court; plus one stored row of the top unit."""
    world: dict = {"courts": {}, "cases": {}, "rows": {}}
    for code, (level, parent) in shape.items():
        court = CourtFactory(
            code=code, name=f"{code}法院", level=level, parent=world["courts"].get(parent)
        )
        division = DivisionFactory(court=court, name="民一庭")
        judge = JudgeFactory(division=division, staff_id=f"{code}-1")
        world["courts"][code] = court
        world["cases"][code] = CaseFactory(judge=judge, filed_on=datetime.date(2025, 3, 1))
        world["rows"][code] = stored_row(Scope.COURT, court=court)
    world["rows"]["top"] = stored_row(Scope.CITY)
    return world


def stored_row(scope, court=None) -> IndicatorValue:
    return IndicatorValue.objects.create(
        as_of=AS_OF, period="ytd", scope=scope, court=court, indicator="closed_to_filed_ratio",
        numerator=Decimal(1), denominator=Decimal(2), value=0.5,
    )  # fmt: skip


def office(world, code: str, role=Role.OFFICE):
    court = world["courts"][code]
    return UserFactory(role=role, court=court)


def seen(world, user) -> dict:
    """Court codes of what the user's queries return, per kind of row."""
    codes = {court.id: code for code, court in world["courts"].items()}
    return {
        "cases": {codes[c] for c in Case.objects.in_scope(user).values_list("court", flat=True)},
        "courts": {codes[c] for c in Court.objects.in_scope(user).values_list("id", flat=True)},
        "divisions": {
            codes[c] for c in Division.objects.in_scope(user).values_list("court", flat=True)
        },
        "judges": {codes[c] for c in Judge.objects.in_scope(user).values_list("court", flat=True)},
        "stored": {
            codes.get(c, "top")
            for c in IndicatorValue.objects.filter(unit_q(user)).values_list("court", flat=True)
        },
    }


def everything(world) -> dict:
    codes = set(world["courts"])
    return {
        "cases": codes,
        "courts": codes,
        "divisions": codes,
        "judges": codes,
        "stored": codes | {"top"},
    }


def only(code: str) -> dict:
    return {
        "cases": {code},
        "courts": {code},
        "divisions": {code},
        "judges": {code},
        "stored": {code},
    }


# --- a province -----------------------------------------------------------------------------


@pytest.fixture
def province(db) -> dict:
    return build(PROVINCE)


@pytest.mark.parametrize("role", [Role.OFFICE, Role.COURT_LEADER, Role.PARTY_LEADERSHIP])
def test_the_high_courts_people_reach_every_court_of_the_province(province, role):
    user = office(province, "苏", role)
    assert user_unit(user) == ScopeKey.city()
    assert all(reaches(user, ScopeKey.of(court=court)) for court in province["courts"].values())
    assert seen(province, user) == everything(province)


@pytest.mark.parametrize("role", [Role.OFFICE, Role.COURT_LEADER, Role.PARTY_LEADERSHIP])
def test_an_intermediate_courts_people_in_a_province_reach_their_own_court_only(province, role):
    user = office(province, "苏01", role)
    own = province["courts"]["苏01"]
    assert user_unit(user) == ScopeKey.of(court=own)
    assert city_court_ids(own) == {own.id}
    assert not reaches(user, ScopeKey.city())
    for code in ("苏", "苏0102", "苏05", "苏0505"):
        assert not reaches(user, ScopeKey.of(court=province["courts"][code])), code
    assert seen(province, user) == only("苏01")


def test_a_basic_courts_office_in_a_province_reaches_its_own_court(province):
    user = office(province, "苏0505")
    assert user_unit(user) == ScopeKey.of(court=province["courts"]["苏0505"])
    assert seen(province, user) == only("苏0505")


def test_another_citys_cases_are_404_on_pages_and_in_the_api(province, client):
    user = office(province, "苏01")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    other, own = province["cases"]["苏05"], province["cases"]["苏01"]
    listed = client.get("/cases/")
    assert listed.status_code == 200
    assert own.case_number in listed.content.decode()
    for code in ("苏05", "苏0505", "苏0102"):
        assert province["cases"][code].case_number not in listed.content.decode(), code
    assert client.get(f"/cases/{other.id}/").status_code == 404
    assert client.get(f"/cases/{own.id}/").status_code == 200
    # the case list's court filter (a code) finds nothing of another city's court
    filtered = client.get("/cases/", {"court": "苏05"}).content.decode()
    assert other.case_number not in filtered
    # a unit page of another city's court, or of the city's own basic court, is not found
    for code in ("苏05", "苏0102", "苏"):
        assert client.get("/metrics/", {"court": province["courts"][code].id}).status_code == 404
    assert client.get("/metrics/", {"court": own.court_id}).status_code == 200

    api = APIClient()
    api.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cases = api.get("/api/v1/cases/", {"page_size": 100}).data["results"]
    assert {row["id"] for row in cases} == {own.id}
    courts = api.get("/api/v1/courts/", {"page_size": 100}).data["results"]
    assert {row["id"] for row in courts} == {province["courts"]["苏01"].id}
    assert api.get(f"/api/v1/cases/{other.id}/").status_code == 404


def test_the_province_office_opens_another_citys_court(province, client):
    client.force_login(office(province, "苏"), backend="django.contrib.auth.backends.ModelBackend")
    other = province["cases"]["苏0505"]
    assert client.get(f"/cases/{other.id}/").status_code == 200
    assert other.case_number in client.get("/cases/", {"court": "苏0505"}).content.decode()
    assert client.get("/metrics/", {"court": other.court_id}).status_code == 200


def test_the_top_unit_of_a_province_is_named_for_the_province(province):
    assert unit_info(ScopeKey.city()).name == "全省"
    assert unit_describe(office(province, "苏")) == "苏法院（全省）"
    assert unit_describe(office(province, "苏05")) == "苏05法院"


# --- a city, as before ----------------------------------------------------------------------


@pytest.fixture
def city(db) -> dict:
    return build(CITY)


@pytest.mark.parametrize("role", [Role.OFFICE, Role.COURT_LEADER, Role.PARTY_LEADERSHIP])
def test_a_citys_intermediate_court_still_reaches_the_whole_city(city, role):
    user = office(city, "苏05", role)
    assert user_unit(user) == ScopeKey.city()
    assert city_court_ids(city["courts"]["苏05"]) == {c.id for c in city["courts"].values()}
    assert seen(city, user) == everything(city)


def test_a_citys_basic_court_still_reaches_its_own_court(city):
    user = office(city, "苏0506")
    assert user_unit(user) == ScopeKey.of(court=city["courts"]["苏0506"])
    assert seen(city, user) == only("苏0506")


def test_the_top_unit_of_a_city_is_still_named_for_the_city(city):
    assert unit_info(ScopeKey.city()).name == "全市"
    assert unit_describe(office(city, "苏05")) == "苏05法院（全市）"


def test_a_court_outside_the_top_courts_tree_stays_out_of_its_reach(city):
    """The top court's people get no court filter only when they reach every court there is."""
    stray = CourtFactory(code="苏0599", name="苏0599法院", level=CourtLevel.BASIC, parent=None)
    stray_case = CaseFactory(
        judge=JudgeFactory(division=DivisionFactory(court=stray), staff_id="stray-1")
    )
    user = office(city, "苏05")
    assert user_unit(user) == ScopeKey.city()
    assert not Case.objects.in_scope(user).filter(pk=stray_case.pk).exists()
    assert not reaches(user, ScopeKey.of(court=stray))
    assert Case.objects.in_scope(user).count() == len(city["cases"])
