"""seed_demo: a small demo city (3,000 cases), loaded once for the module and rolled back."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Sum
from django.test import override_settings

from cases.accounts import user_provision
from cases.casenumbers import parse_case_number
from cases.choices import Band, Role
from cases.demo import demo_seed
from cases.demo.generate import generate_cases, time_limits
from cases.demo.load import FILE_COLUMNS, cases_copy, demo_reset, units_create
from cases.demo.people import city_plan
from cases.models import Case, CaseInspector, Court, Judge, TimeLimit, User
from cases.services import case_derived_refresh
from cases.units import Reach, user_scope

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 30)
SEED = 11
COUNT = 3000
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
BASIC_CODES = {"苏0505", "苏0506", "苏0507", "苏0508", "苏0509", "苏0581", "苏0582", "苏0583"}


def case_rows():
    """Every case as natural values (no database ids), in case-number order."""
    return list(
        Case.objects.order_by("case_number").values_list(
            "case_number", "court__code", "division__name", "judge__staff_id", "judge__name",
            "track", "cause", "filed_on", "closed_on", "closing_method", "deadline_on",
            "extension_days", "excluded_days", "origin_case_number", "appealed",
            "appeal_outcome", "appeal_decided_on", "amount_applied", "amount_recovered",
            "deadline", "effective_appealed", "effective_appeal_outcome",
        )
    )  # fmt: skip


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo city seeded through the command, inside a transaction that is rolled back."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = io.StringIO()
            call_command(
                "seed_demo", "--cases", str(COUNT), "--seed", str(SEED),
                "--today", TODAY.isoformat(), "--no-supervision", stdout=out,
            )  # fmt: skip
            yield {"output": out.getvalue(), "rows": case_rows()}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER


def test_seed_loads_the_asked_number_of_cases_in_nine_courts(demo):
    assert Case.objects.count() == COUNT
    courts = dict(Court.objects.values_list("code", "level"))
    assert courts == {"苏05": "intermediate", **dict.fromkeys(BASIC_CODES, "basic")}
    assert set(Court.objects.filter(level="basic").values_list("parent__code", flat=True)) == {
        "苏05"
    }
    per_court = dict(Case.objects.values_list("court__code").annotate(n=Count("id")))
    assert set(per_court) == set(courts)
    assert min(per_court.values()) > COUNT * 0.04


def test_seed_creates_about_six_hundred_judges_with_chinese_names(demo):
    assert 550 <= Judge.objects.count() <= 650
    names = list(Judge.objects.values_list("name", flat=True))
    assert all(2 <= len(name) <= 3 for name in names)
    assert len(set(names)) == len(names)
    assert Court.objects.get(code="苏05").divisions.filter(name="行政审判庭").exists()
    assert not Court.objects.get(code="苏0505").divisions.filter(name="行政审判庭").exists()
    assert Court.objects.get(code="苏0583").divisions.filter(name__endswith="人民法庭").count() == 4


def test_same_seed_writes_identical_case_rows_and_another_seed_different_ones(demo):
    demo_seed(count=COUNT, seed=SEED, today=TODAY, reset=True)
    assert case_rows() == demo["rows"]
    demo_seed(count=COUNT, seed=SEED + 1, today=TODAY, reset=True)
    other = case_rows()
    assert len(other) == COUNT
    assert other != demo["rows"]


def test_every_case_number_parses_and_matches_its_court_type_and_year(demo):
    previous = {}
    for number, court, type_code, year, serial, filed_on, category, procedure in (
        Case.objects.order_by("court__code", "type_code", "year", "serial").values_list(
            "case_number", "court__code", "type_code", "year", "serial", "filed_on",
            "category", "procedure",
        )
    ):  # fmt: skip
        parsed = parse_case_number(number)
        assert parsed.text == number
        assert (parsed.court_code, parsed.type_code, parsed.year, parsed.serial) == (
            court, type_code, year, serial,
        )  # fmt: skip
        assert (parsed.category, parsed.procedure) == (category, procedure)
        assert filed_on.year == year
        key = (court, type_code, year)
        if key in previous:  # serials run 1, 2, 3… in filing order
            assert serial == previous[key][0] + 1
            assert filed_on >= previous[key][1]
        else:
            assert serial == 1
        previous[key] = (serial, filed_on)


def test_dates_and_closing_methods_are_consistent(demo):
    assert not Case.objects.filter(filed_on__gt=TODAY).exists()
    assert not Case.objects.filter(closed_on__gt=TODAY).exists()
    assert not Case.objects.filter(filed_on__lt=TODAY.replace(year=TODAY.year - 5)).exists()
    closed = Case.objects.filter(closed_on__isnull=False)
    assert not closed.filter(closing_method="").exists()
    assert not Case.objects.filter(closed_on__isnull=True).exclude(closing_method="").exists()
    assert not closed.filter(closed_on__lt=F("filed_on")).exists()
    first = Case.objects.filter(procedure="first_instance")
    assert not first.filter(track="").exists()
    assert not first.filter(court__code="苏05").exclude(track="ordinary").exists()
    assert not Case.objects.exclude(procedure="first_instance").exclude(track="").exists()


def test_some_courts_export_the_spc_columns_and_others_do_not(demo):
    """The demo shows indicators 16 and 17 with values and with "no data" (DATA_FORMAT.md's
    three optional columns come from every other court's system), and their days in order."""
    lodged = Case.objects.filter(appeal_lodged_on__isnull=False)
    carrying = set(lodged.values_list("court__code", flat=True))
    first_instance_courts = set(
        Case.objects.filter(procedure="first_instance", closed_on__isnull=False).values_list(
            "court__code", flat=True
        )
    )
    assert carrying and first_instance_courts - carrying
    assert Case.objects.filter(hearing_held__isnull=False, procedure="second_instance").exists()
    assert not lodged.filter(appeal_lodged_on__lt=F("closed_on")).exists()
    assert not lodged.filter(appeal_transferred_on__lt=F("appeal_lodged_on")).exists()
    assert not lodged.filter(appeal_transferred_on__gt=TODAY).exists()
    assert (
        not Case.objects.filter(appeal_lodged_on__isnull=False)
        .exclude(procedure="first_instance")
        .exists()
    )


def test_pending_cases_fall_in_every_warning_band(demo):
    bands = set(Case.objects.pending().with_band(TODAY).values_list("band", flat=True))
    assert bands == {Band.NORMAL, Band.WARNING, Band.URGENT, Band.OVERDUE, Band.NO_LIMIT}


def test_most_closed_cases_close_within_their_limit(demo):
    with_deadline = Case.objects.filter(closed_on__isnull=False, deadline__isnull=False)
    within = with_deadline.filter(closed_on__lte=F("deadline")).count()
    assert 0.9 < within / with_deadline.count() < 0.995


def test_some_cases_are_long_pending(demo):
    pending = Case.objects.pending().filter(category__in=["civil", "criminal", "administrative"])
    for months in (12, 24, 36):
        cutoff = TODAY.replace(year=TODAY.year - months // 12)
        assert pending.filter(filed_on__lt=cutoff).exists(), months
    assert pending.filter(filed_on__lt=TODAY.replace(year=TODAY.year - 1)).count() < (
        0.1 * pending.count()
    )


def test_appeals_are_linked_and_mark_their_origins_appealed(demo):
    appeals = Case.objects.filter(procedure="second_instance")
    assert appeals.count() > COUNT * 0.02
    assert set(appeals.values_list("court__code", flat=True)) == {"苏05"}
    assert not appeals.filter(origin__isnull=True).exists()
    origins = Case.objects.filter(derived_cases__procedure="second_instance")
    assert not origins.filter(effective_appealed=False).exists()
    assert set(origins.values_list("court__code", flat=True)) <= BASIC_CODES
    assert set(origins.values_list("procedure", flat=True)) == {"first_instance"}
    closed = appeals.filter(closed_on__isnull=False).select_related("origin")
    for appeal in closed:
        assert appeal.origin.effective_appeal_decided_on == appeal.closed_on
    outcomes = dict(
        origins.exclude(effective_appeal_outcome="")
        .values_list("effective_appeal_outcome")
        .annotate(n=Count("id"))
    )
    assert max(outcomes, key=outcomes.get) == "affirmed"
    assert outcomes.get("modified", 0) > 0


def test_remanded_cases_come_back_as_first_instance_cases_with_their_origin(demo):
    retried = Case.objects.filter(procedure="first_instance").exclude(origin_case_number="")
    assert retried.exists()
    for case in retried.select_related("origin"):
        assert case.origin.effective_appeal_outcome == "remanded"
        assert case.origin.court_id == case.court_id
        assert case.track == "ordinary"
        assert case.filed_on > case.origin.effective_appeal_decided_on


def test_civil_first_instance_is_mediated_or_withdrawn_about_half_the_time(demo):
    closed = Case.objects.filter(type_code="民初", closed_on__isnull=False)
    settled = closed.filter(closing_method__in=["mediation", "withdrawal"]).count()
    assert 0.33 < settled / closed.count() < 0.57


def test_enforcement_cases_have_amounts_and_recover_part_of_them(demo):
    enforcement = Case.objects.filter(type_code="执")
    assert enforcement.count() > COUNT * 0.1
    assert not enforcement.filter(amount_applied__isnull=True).exists()
    assert not enforcement.filter(amount_recovered__gt=F("amount_applied")).exists()
    closed = enforcement.filter(closed_on__isnull=False).aggregate(
        applied=Sum("amount_applied"), recovered=Sum("amount_recovered")
    )
    assert Decimal("0.25") < closed["recovered"] / closed["applied"] < Decimal("0.65")
    from_judgments = enforcement.exclude(origin_case_number="")
    assert from_judgments.count() > 0.3 * enforcement.count()
    assert not from_judgments.filter(origin__isnull=True).exists()
    assert set(from_judgments.values_list("origin__procedure", flat=True)) <= {
        "first_instance", "second_instance",
    }  # fmt: skip


def test_demo_accounts_have_their_roles_and_scopes(demo):
    city = set(Court.objects.values_list("id", flat=True))
    huqiu = Court.objects.get(code="苏0505")
    expected = {
        "demo_judge": (Role.JUDGE, Reach.JUDGE, {huqiu.id}),
        "demo_division_head": (Role.DIVISION_HEAD, Reach.DIVISION, {huqiu.id}),
        "demo_analyst": (Role.ANALYST, Reach.DIVISION, {huqiu.id}),
        "demo_office": (Role.OFFICE, Reach.COURTS, city),
        "demo_office_basic": (Role.OFFICE, Reach.COURTS, {huqiu.id}),
        "demo_court_leader": (Role.COURT_LEADER, Reach.COURTS, city),
        "demo_party": (Role.PARTY_LEADERSHIP, Reach.COURTS, city),
        "demo_inspector": (Role.INSPECTOR, Reach.COURTS, city),
    }
    for username, (role, reach, courts) in expected.items():
        user = User.objects.get(username=username)
        scope = user_scope(user)
        assert (user.role, scope.reach, set(scope.court_ids)) == (role, reach, courts), username
        assert user.check_password("Courtdash-Demo-2026")
    judge = User.objects.get(username="demo_judge")
    assert (judge.judge.court.code, judge.judge.division.name) == ("苏0505", "民一庭")
    assert Case.objects.in_scope(judge).exists()
    bands = {}  # the division's judge with pending cases in the most warning bands
    for judge_id, band in (
        Case.objects.filter(division=judge.judge.division).pending().with_band(TODAY)
    ).values_list("judge_id", "band"):
        bands.setdefault(judge_id, set()).add(band)
    assert len(bands.get(judge.judge_id, ())) == max(map(len, bands.values()), default=0)
    head = User.objects.get(username="demo_division_head")
    assert head.division.name == "民一庭"
    assert User.objects.get(username="demo_office").division.name == "审判管理办公室"
    inspector = User.objects.get(username="demo_inspector")
    assert user_scope(inspector).cases_joined_only
    joined = CaseInspector.objects.filter(user=inspector).count()
    assert joined >= 3
    assert Case.objects.in_scope(inspector).count() == joined
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("Courtdash-Demo-2026")
    for username in [*expected, "admin"]:
        assert username in demo["output"]


def test_seed_refuses_a_database_that_has_cases_unless_reset(demo):
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", "--cases", "10", "--today", TODAY.isoformat())
    assert Case.objects.count() == COUNT


def test_seed_refuses_a_weak_demo_password_before_touching_anything(demo, monkeypatch):
    generated = []
    monkeypatch.setattr("cases.demo.generate_cases", lambda **kwargs: generated.append(kwargs))
    with pytest.raises(CommandError, match="演示账号的密码不符合要求"):
        call_command("seed_demo", "--cases", "10", "--reset", "--password", "weak")
    assert generated == []  # refused before any case was generated, let alone written
    assert Case.objects.count() == COUNT


def test_reset_keeps_other_users_and_attaches_them_to_the_new_units(demo):
    court = Court.objects.get(code="苏0582")
    judge = Judge.objects.filter(court=court).order_by("staff_id").first()
    user_provision(username="wang", role=Role.JUDGE, court=court, judge=judge, password=None)
    demo_seed(count=200, seed=SEED, today=TODAY, reset=True, accounts=False)
    user = User.objects.get(username="wang")
    assert (user.court.code, user.judge.staff_id) == ("苏0582", judge.staff_id)
    assert user.judge == Judge.objects.get(court__code="苏0582", staff_id=judge.staff_id)
    assert Case.objects.count() == 200


@pytest.mark.parametrize("headers", ["en", "zh"])
def test_write_file_writes_the_same_cases_as_a_valid_import_file(demo, tmp_path, headers):
    path = tmp_path / "cases.csv"
    call_command(
        "seed_demo", "--cases", str(COUNT), "--seed", str(SEED), "--today", TODAY.isoformat(),
        "--write-file", str(path), "--headers", headers, stdout=io.StringIO(),
    )  # fmt: skip
    assert Case.objects.count() == COUNT  # written, not loaded
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    names = [zh if headers == "zh" else en for en, zh in FILE_COLUMNS]
    assert rows[0] == names
    records = [dict(zip([en for en, _ in FILE_COLUMNS], row, strict=True)) for row in rows[1:]]
    assert len(records) == COUNT
    assert {r["case_number"] for r in records} == {row[0] for row in demo["rows"]}
    closed_word = {"en": "judgment", "zh": "判决"}[headers]
    assert any(r["closing_method"] == closed_word for r in records)
    yes = {"en": "true", "zh": "是"}[headers]
    for record in records[::7]:
        parsed = parse_case_number(record["case_number"])
        assert parsed.court_code == record["court_code"]
        filed_on = datetime.date.fromisoformat(record["filed_on"])
        assert filed_on.year == parsed.year and filed_on <= TODAY
        assert record["division"] and record["judge_id"] and record["judge_name"]
        if record["closed_on"]:
            assert datetime.date.fromisoformat(record["closed_on"]) >= filed_on
            assert record["closing_method"]
        else:
            assert not record["closing_method"]
        if record["origin_case_number"]:
            parse_case_number(record["origin_case_number"])
        assert record["appealed"] in ("", yes, {"en": "false", "zh": "否"}[headers])
        if parsed.type_code == "执":
            assert Decimal(record["amount_recovered"]) <= Decimal(record["amount_applied"])


def test_loaded_deadlines_and_origins_agree_with_case_derived_refresh(demo):
    """The load writes deadlines and origin ids precomputed; the refresh must find nothing to
    change in them (it stays the authority)."""
    plan = city_plan(SEED)
    frame = generate_cases(
        plan=plan, count=COUNT, seed=SEED, today=TODAY,
        limits=time_limits(list(TimeLimit.objects.values())),
    )  # fmt: skip
    demo_reset()
    cases_copy(frame, units_create(plan))
    loaded = list(Case.objects.order_by("id").values_list("id", "origin_id", "deadline"))
    assert sum(origin is not None for _, origin, _ in loaded) > COUNT * 0.1
    case_derived_refresh()
    assert list(Case.objects.order_by("id").values_list("id", "origin_id", "deadline")) == loaded


def test_written_file_imports_over_the_loaded_demo_without_changing_a_case(demo, tmp_path):
    path = tmp_path / "cases.csv"
    call_command(
        "seed_demo", "--cases", str(COUNT), "--seed", str(SEED), "--today", TODAY.isoformat(),
        "--write-file", str(path), "--headers", "zh", stdout=io.StringIO(),
    )  # fmt: skip
    call_command("import_cases", str(path), stdout=io.StringIO())  # exits non-zero on a reject
    assert case_rows() == demo["rows"]
