"""seed_demo --province: a small demo province (5,000 cases in slices of 400), loaded once for
the module and rolled back."""

import datetime
import io
import re
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from cases.casenumbers import parse_case_number
from cases.choices import CourtLevel, Role
from cases.demo import demo_seed
from cases.demo.people import city_plan
from cases.demo.province import CITIES, SLICE, province_plans, province_slices
from cases.models import Case, CaseInspector, Court, Judge, User
from cases.units import Reach, ScopeKey, user_scope, user_unit

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 30)
SEED = 11
COUNT = 5000
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            progress = []
            result = demo_seed(
                count=COUNT, seed=SEED, today=TODAY, province=True, slice_size=400,
                progress=progress.append,
            )  # fmt: skip
            yield {"result": result, "progress": progress}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER


def test_a_high_court_over_thirteen_intermediate_courts_over_their_basic_courts(province):
    courts = {code: (level, parent) for code, level, parent in Court.objects.values_list(
        "code", "level", "parent__code"
    )}  # fmt: skip
    assert courts.pop("苏") == (CourtLevel.HIGH, None)
    intermediate = {code for code, (level, _) in courts.items() if level == "intermediate"}
    assert intermediate == {f"苏{n:02d}" for n in range(1, 14)}
    assert all(courts[code][1] == "苏" for code in intermediate)
    basic = {code: parent for code, (level, parent) in courts.items() if level == "basic"}
    assert 90 <= len(basic) <= 110
    # DOMAIN.md: a basic court's code is its intermediate court's plus two digits
    assert all(
        re.fullmatch(r"苏\d{4}", code) and code[:3] == parent for code, parent in basic.items()
    )
    assert province["result"].courts == len(courts) + 1


def test_suzhou_is_the_demo_city_with_the_same_courts_divisions_and_judges(province):
    city = city_plan(SEED)
    suzhou = next(plan for plan in province_plans(SEED) if plan.courts[0].code == "苏05")
    assert [(c.code, c.name, c.level) for c in suzhou.courts] == [
        (c.code, c.name, c.level) for c in city.courts
    ]
    assert suzhou.divisions == city.divisions
    assert Court.objects.get(code="苏05").parent.code == "苏"


def test_the_asked_number_of_cases_in_every_court_with_unique_continuous_serials(province):
    assert Case.objects.count() == COUNT == province["result"].cases
    per_court = dict(Case.objects.values_list("court__code").annotate(n=Count("id")))
    assert set(per_court) >= {"苏", *(f"苏{n:02d}" for n in range(1, 14))}
    serials = defaultdict(list)
    for number, court, type_code, year, serial in Case.objects.values_list(
        "case_number", "court__code", "type_code", "year", "serial"
    ):
        parsed = parse_case_number(number)
        assert (parsed.court_code, parsed.type_code, parsed.year, parsed.serial) == (
            court, type_code, year, serial,
        )  # fmt: skip
        serials[(court, type_code, year)].append(serial)
    # several slices of one city continue each other's serials: 1, 2, 3 … without a gap
    assert all(sorted(found) == list(range(1, len(found) + 1)) for found in serials.values())
    assert any("第 2 批" in line for line in province["progress"])


def test_judges_are_in_proportion_to_the_citys_cases(province):
    judges = dict(
        Judge.objects.values_list("court__parent__code")
        .annotate(n=Count("id"))
        .exclude(court__parent__code=None)
    )
    # basic-court judges: 南京 (weight 0.125) has more than 宿迁 (0.05)
    assert judges["苏01"] > 2 * judges["苏13"]
    assert 3000 <= province["result"].judges <= 7000


def test_the_province_office_sees_everything_and_a_city_office_its_own_court(province):
    every = set(Court.objects.values_list("id", flat=True))
    high, suzhou = Court.objects.get(code="苏"), Court.objects.get(code="苏05")
    for username in ("demo_province_office", "demo_province_leader"):
        user = User.objects.get(username=username)
        assert user.court == high
        assert (user_scope(user).reach, set(user_scope(user).court_ids)) == (Reach.COURTS, every)
        assert user_unit(user) == ScopeKey.city()
    office = User.objects.get(username="demo_province_office")
    assert (office.role, office.division.name) == (Role.OFFICE, "审判管理办公室")
    for username in ("demo_office", "demo_court_leader", "demo_party", "demo_inspector"):
        user = User.objects.get(username=username)
        assert user_unit(user) == ScopeKey.of(court=suzhou), username
    inspector = User.objects.get(username="demo_inspector")
    joined = set(CaseInspector.objects.filter(user=inspector).values_list("case_id", flat=True))
    assert set(Case.objects.in_scope(inspector).values_list("id", flat=True)) == joined


def test_slices_cover_the_count_with_the_high_courts_share_first():
    slices = province_slices(20_000_000)
    assert sum(cases for _, _, cases in slices) == 20_000_000
    assert max(cases for _, _, cases in slices) <= SLICE
    assert slices[0][0] == 0 and 150_000 <= sum(c for p, _, c in slices if p == 0) <= 250_000
    assert {plan for plan, _, _ in slices} == set(range(len(CITIES) + 1))


def test_a_province_cannot_be_written_as_an_import_file(tmp_path):
    with pytest.raises(CommandError, match="--province"):
        call_command(
            "seed_demo", "--province", "--cases", "100", "--write-file", str(tmp_path / "x.csv"),
            stdout=io.StringIO(),
        )  # fmt: skip
