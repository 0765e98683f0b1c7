"""A small court for supervision tests: 苏05 over 苏0505 and 苏0506, one person per role in
苏0505 (the judge handles `case`), the court leader designated as the extension approver."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.test import Client
from rest_framework.test import APIClient

from cases.choices import CourtLevel, Role
from cases.models import Case, Court, Division, Judge, User
from supervision.models import ExtensionApprover
from tests.factories import CaseFactory, CourtFactory, DivisionFactory, JudgeFactory, UserFactory

D = datetime.date
ROLES = [
    Role.JUDGE,
    Role.DIVISION_HEAD,
    Role.ANALYST,
    Role.OFFICE,
    Role.COURT_LEADER,
    Role.PARTY_LEADERSHIP,
    Role.INSPECTOR,
]


@dataclass
class World:
    city: Court
    court: Court
    other_court: Court
    division: Division
    other_division: Division
    judge: Judge
    colleague: Judge
    users: dict[str, User]
    case: Case
    other_court_case: Case
    extra: dict = field(default_factory=dict)

    def user(self, role: str) -> User:
        return self.users[role]

    def new_case(self, **fields) -> Case:
        return CaseFactory(judge=fields.pop("judge", self.judge), **fields)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Seven users per test: a fast hasher keeps the suite quick (no test here is about it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    city = CourtFactory(code="苏05", name="苏州市中级人民法院", level=CourtLevel.INTERMEDIATE)
    court = CourtFactory(code="苏0505", parent=city)
    other_court = CourtFactory(code="苏0506", parent=city)
    division = DivisionFactory(court=court, name="民一庭")
    other_division = DivisionFactory(court=court, name="民二庭")
    judge = JudgeFactory(division=division, staff_id="J1", name="张法官")
    colleague = JudgeFactory(division=division, staff_id="J2", name="李法官")
    foreign_judge = JudgeFactory(
        division=DivisionFactory(court=other_court, name="民一庭"), staff_id="J9", name="王法官"
    )
    units = {
        Role.JUDGE: {"court": court, "division": division, "judge": judge},
        Role.DIVISION_HEAD: {"court": court, "division": division},
        Role.ANALYST: {"court": court, "division": division},
        Role.OFFICE: {"court": court},
        Role.COURT_LEADER: {"court": court},
        Role.PARTY_LEADERSHIP: {"court": court},
        Role.INSPECTOR: {"court": court},
    }
    users = {
        role: UserFactory(username=role.value, role=role, email=f"{role.value}@court.test", **unit)
        for role, unit in units.items()
    }
    ExtensionApprover.objects.create(court=court, user=users[Role.COURT_LEADER])
    return World(
        city=city,
        court=court,
        other_court=other_court,
        division=division,
        other_division=other_division,
        judge=judge,
        colleague=colleague,
        users=users,
        case=CaseFactory(judge=judge, filed_on=D(2025, 3, 1)),
        other_court_case=CaseFactory(judge=foreign_judge, filed_on=D(2025, 3, 1)),
    )


def _signed_in(world, role_or_user, make, sign_in):
    user = world.user(role_or_user) if isinstance(role_or_user, str) else role_or_user
    client = make()
    sign_in(client, user)
    return client


@pytest.fixture
def web(world):
    """A test client signed in as a role of the world (or a user): web(Role.OFFICE).get(…)."""
    return lambda who: _signed_in(world, who, Client, Client.force_login)


@pytest.fixture
def as_role(world):
    """An API client authenticated as a role of the world (or a user)."""
    return lambda who: _signed_in(world, who, APIClient, APIClient.force_authenticate)
