"""factory_boy factories over the real models (real PostgreSQL in every test)."""

import datetime

import factory
from django.contrib.auth import get_user_model

from cases.casenumbers import parse_case_number
from cases.choices import CourtLevel, Role
from cases.models import Case, Court, Division, Judge
from cases.services import case_derived_refresh


class CourtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Court
        django_get_or_create = ("code",)

    # Always a valid basic-court code (province + 4 digits), however long the session runs.
    code = factory.Sequence(lambda n: f"苏{(n // 100) % 90 + 10:02d}{n % 100:02d}")
    name = factory.LazyAttribute(lambda o: f"{o.code}人民法院")
    level = CourtLevel.BASIC


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("court", "name")

    court = factory.SubFactory(CourtFactory)
    name = "民一庭"


class JudgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Judge
        django_get_or_create = ("court", "staff_id")

    division = factory.SubFactory(DivisionFactory)
    court = factory.LazyAttribute(lambda o: o.division.court)
    staff_id = factory.Sequence(lambda n: f"J{n:04d}")
    name = factory.Sequence(lambda n: f"法官{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.JUDGE
    password = factory.PostGenerationMethodCall("set_password", "Courtdash-Test-2026")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CaseFactory(factory.django.DjangoModelFactory):
    """A case whose number parts, court and derived fields agree with its case number."""

    class Meta:
        model = Case
        django_get_or_create = ("case_number",)
        skip_postgeneration_save = True

    judge = factory.SubFactory(JudgeFactory)
    division = factory.LazyAttribute(lambda o: o.judge.division)
    court = factory.LazyAttribute(lambda o: o.judge.court)
    filed_on = datetime.date(2025, 3, 1)
    type_code = "民初"
    serial = factory.Sequence(lambda n: n + 1)
    case_number = factory.LazyAttribute(
        lambda o: f"（{o.filed_on.year}）{o.court.code}{o.type_code}{o.serial}号"
    )
    year = factory.LazyAttribute(lambda o: parse_case_number(o.case_number).year)
    category = factory.LazyAttribute(lambda o: parse_case_number(o.case_number).category)
    procedure = factory.LazyAttribute(lambda o: parse_case_number(o.case_number).procedure)
    track = factory.LazyAttribute(lambda o: "ordinary" if o.procedure == "first_instance" else "")

    @factory.post_generation
    def derived(obj, create, extracted, **kwargs):
        if create:
            case_derived_refresh(case_ids=[obj.id])
            obj.refresh_from_db()


def stalled_finding(world):
    """A health-check finding of the supervision tests' world (tests/supervision/conftest.py):
    its judge's long-pending case with no step for 90 days, as of 2025-06-29; the case is
    `finding.old_case`."""
    import datetime

    from django.utils import timezone

    from cases.runs import RunStatus
    from metrics.choices import Scope
    from reports.choices import FindingKind
    from reports.models import Finding, FindingCase, HealthCheckRun

    day = datetime.date
    run = HealthCheckRun.objects.create(
        as_of=day(2025, 6, 29), window_start=day(2024, 6, 30), status=RunStatus.DONE,
        started_at=timezone.now(), finished_at=timezone.now(), findings=1,
    )  # fmt: skip
    old = world.new_case(filed_on=day(2023, 3, 1))
    finding = Finding.objects.create(
        run=run, kind=FindingKind.STALLED_LONG_PENDING, scope=Scope.JUDGE,
        court=world.court, division=world.division, judge=world.judge, value=1, case_count=1,
        facts={"count": 1, "idle_days": 90, "since": "2025-03-31"},
    )  # fmt: skip
    FindingCase.objects.create(finding=finding, case=old)
    finding.old_case = old
    return finding
