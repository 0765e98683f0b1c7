"""Scoping proof: every role sees exactly its scope (DOMAIN.md roles), in querysets and the API.

The expected sets are written here by hand, from the city's unit paths (conftest.py city_*),
not derived from cases.units: what a role must see is stated, then compared for equality.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from cases.choices import Role
from cases.models import Case, CaseInspector, Court, Division, Judge

pytestmark = pytest.mark.django_db

CITY = ("苏05", "苏0505", "苏0506")  # the intermediate court's office and leaders see all three
JOINED_CASE = "苏0505/刑事审判庭/2/pending"


@dataclass(frozen=True)
class Viewer:
    role: str = ""
    unit: str = ""  # where the role is held
    sees: tuple[str, ...] = ()  # unit paths whose courts, divisions, judges and cases are seen
    cases_joined_only: bool = False  # inspectors: the units of their court, but only joined cases
    attributes: dict = field(default_factory=dict)
    anonymous: bool = False
    refused_by_api: bool = False  # not authenticated: the API answers 401/403, not an empty list


VIEWERS = {
    "judge": Viewer(Role.JUDGE, "苏0505/民一庭/1", sees=("苏0505/民一庭/1",)),
    "judge_of_intermediate_court": Viewer(Role.JUDGE, "苏05/民一庭/2", sees=("苏05/民一庭/2",)),
    "division_head": Viewer(Role.DIVISION_HEAD, "苏0505/民一庭", sees=("苏0505/民一庭",)),
    # a division of the intermediate court is its own division, not the city's divisions of
    # the same name
    "division_head_of_intermediate_court": Viewer(
        Role.DIVISION_HEAD, "苏05/民一庭", sees=("苏05/民一庭",)
    ),
    "analyst": Viewer(Role.ANALYST, "苏0506/刑事审判庭", sees=("苏0506/刑事审判庭",)),
    "office_of_basic_court": Viewer(Role.OFFICE, "苏0505", sees=("苏0505",)),
    "office_of_intermediate_court": Viewer(Role.OFFICE, "苏05", sees=CITY),
    "court_leader_of_basic_court": Viewer(Role.COURT_LEADER, "苏0506", sees=("苏0506",)),
    "court_leader_of_intermediate_court": Viewer(Role.COURT_LEADER, "苏05", sees=CITY),
    "party_leadership_of_basic_court": Viewer(Role.PARTY_LEADERSHIP, "苏0505", sees=("苏0505",)),
    "party_leadership_of_intermediate_court": Viewer(Role.PARTY_LEADERSHIP, "苏05", sees=CITY),
    "inspector": Viewer(Role.INSPECTOR, "苏0505", sees=("苏0505",), cases_joined_only=True),
    "superuser": Viewer(sees=CITY, attributes={"is_superuser": True, "is_staff": True}),
    "judge_without_judge_record": Viewer(Role.JUDGE, "苏0505"),
    "division_head_without_division": Viewer(Role.DIVISION_HEAD, "苏0505"),
    "user_without_role": Viewer("", "苏05"),
    "inactive_office": Viewer(
        Role.OFFICE, "苏05", attributes={"is_active": False}, refused_by_api=True
    ),
    "anonymous": Viewer(anonymous=True, refused_by_api=True),
}


def test_every_role_is_proved():
    assert {viewer.role for viewer in VIEWERS.values()} >= set(Role)


def within(path: str, prefixes: tuple[str, ...]) -> bool:
    """A unit is in sight when it lies under a seen unit, or above one (its court, division)."""
    parts = path.split("/")
    for prefix in prefixes:
        seen = prefix.split("/")
        length = min(len(parts), len(seen))
        if parts[:length] == seen[:length]:
            return True
    return False


def below(path: str, prefixes: tuple[str, ...]) -> bool:
    parts = path.split("/")
    return any(parts[: len(prefix.split("/"))] == prefix.split("/") for prefix in prefixes)


@dataclass
class Expected:
    cases: set[int]
    courts: set[int]
    divisions: set[int]
    judges: set[int]


@pytest.fixture
def viewer_and_expected(request, city_courts, city_divisions, city_judges, city_cases, city_user):
    viewer = VIEWERS[request.param]
    if viewer.anonymous:
        user = AnonymousUser()
    else:
        user = city_user(viewer.role, viewer.unit, **viewer.attributes)
    if viewer.cases_joined_only:
        CaseInspector.objects.create(case=city_cases[JOINED_CASE], user=user)
        # joined to nothing else: another inspector's link must not widen this one's view
        other = city_user(Role.INSPECTOR, "苏0506")
        CaseInspector.objects.create(case=city_cases["苏0506/民一庭/1/pending"], user=other)
        cases = {city_cases[JOINED_CASE].id}
    else:
        cases = {case.id for key, case in city_cases.items() if below(key, viewer.sees)}
    expected = Expected(
        cases=cases,
        courts={court.id for key, court in city_courts.items() if within(key, viewer.sees)},
        divisions={d.id for key, d in city_divisions.items() if within(key, viewer.sees)},
        judges={judge.id for key, judge in city_judges.items() if below(key, viewer.sees)},
    )
    return viewer, user, expected


ALL_VIEWERS = pytest.mark.parametrize("viewer_and_expected", list(VIEWERS), indirect=True)


def api_client(user) -> APIClient:
    client = APIClient()
    if user.is_authenticated:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def listed_ids(client, url) -> set[int] | str:
    response = client.get(url, {"page_size": 500})
    if response.status_code in (401, 403):
        return "refused"
    assert response.status_code == 200
    assert response.data["count"] == len(response.data["results"])
    return {row["id"] for row in response.data["results"]}


def found(client, url) -> str:
    return {200: "found", 401: "refused", 403: "refused", 404: "404"}[client.get(url).status_code]


@ALL_VIEWERS
def test_querysets_in_scope_are_exactly_the_scope(viewer_and_expected):
    _viewer, user, expected = viewer_and_expected
    assert {
        "cases": set(Case.objects.in_scope(user).values_list("id", flat=True)),
        "courts": set(Court.objects.in_scope(user).values_list("id", flat=True)),
        "divisions": set(Division.objects.in_scope(user).values_list("id", flat=True)),
        "judges": set(Judge.objects.in_scope(user).values_list("id", flat=True)),
    } == {
        "cases": expected.cases,
        "courts": expected.courts,
        "divisions": expected.divisions,
        "judges": expected.judges,
    }


@ALL_VIEWERS
def test_api_answers_exactly_the_scope_and_404_outside(
    viewer_and_expected, city_cases, city_courts, city_judges
):
    """Lists equal the scope; every case, court and judge detail is found in it, 404 outside."""
    viewer, user, expected = viewer_and_expected
    client = api_client(user)
    details = {
        **{f"cases/{case.id}": case.id in expected.cases for case in city_cases.values()},
        **{f"courts/{court.id}": court.id in expected.courts for court in city_courts.values()},
        **{f"judges/{judge.id}": judge.id in expected.judges for judge in city_judges.values()},
    }
    answers = {
        "lists": {
            name: listed_ids(client, f"/api/v1/{name}/")
            for name in ("cases", "courts", "divisions", "judges")
        },
        "details": {path: found(client, f"/api/v1/{path}/") for path in details},
    }
    if viewer.refused_by_api:
        assert answers == {
            "lists": dict.fromkeys(answers["lists"], "refused"),
            "details": dict.fromkeys(details, "refused"),
        }
    else:
        assert answers == {
            "lists": {
                "cases": expected.cases,
                "courts": expected.courts,
                "divisions": expected.divisions,
                "judges": expected.judges,
            },
            "details": {path: "found" if seen else "404" for path, seen in details.items()},
        }
