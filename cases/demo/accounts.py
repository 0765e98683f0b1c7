"""Demo accounts: one per role, in the units a demo is shown from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db.models import F
from django.utils.translation import gettext as _

from cases.accounts import unit_describe, user_provision
from cases.choices import AuditAction, Band, Role
from cases.demo import catalogue as cat
from cases.demo.people import DEMO_BASIC_COURT as BASIC_DEMO_COURT
from cases.demo.province import HIGH_COURT
from cases.models import Case, CaseInspector, Court, Division, Judge
from cases.services import audit_record
from cases.units import user_scope

DEMO_PASSWORD = "Courtdash-Demo-2026"

# username, role, court code, division name, display name
DEMO_ACCOUNTS = (
    ("demo_judge", Role.JUDGE, BASIC_DEMO_COURT, cat.CIVIL_1, None),
    ("demo_division_head", Role.DIVISION_HEAD, BASIC_DEMO_COURT, cat.CIVIL_1, "陆建华"),
    ("demo_analyst", Role.ANALYST, BASIC_DEMO_COURT, cat.CIVIL_1, "沈佳怡"),
    ("demo_office", Role.OFFICE, cat.INTERMEDIATE.code, cat.OFFICE, "顾明远"),
    ("demo_office_basic", Role.OFFICE, BASIC_DEMO_COURT, cat.OFFICE, "钱晓燕"),
    ("demo_court_leader", Role.COURT_LEADER, cat.INTERMEDIATE.code, None, "徐志刚"),
    ("demo_party", Role.PARTY_LEADERSHIP, cat.INTERMEDIATE.code, None, "朱国平"),
    ("demo_inspector", Role.INSPECTOR, cat.INTERMEDIATE.code, None, "吴正清"),
)
# A province (seed_demo --province) adds its high court's office and leader; the accounts above
# stay in 苏州, one city of the province, where they see their own court only (cases.units).
PROVINCE_ACCOUNTS = (
    ("demo_province_office", Role.OFFICE, HIGH_COURT.code, cat.OFFICE, "周振宇"),
    ("demo_province_leader", Role.COURT_LEADER, HIGH_COURT.code, None, "韩立新"),
)
ADMIN_USERNAME = "admin"
DEMO_USERNAMES = frozenset(
    {name for name, *_ in (*DEMO_ACCOUNTS, *PROVINCE_ACCOUNTS)} | {ADMIN_USERNAME}
)


@dataclass(frozen=True)
class AccountRow:
    username: str
    role: str
    scope: str
    password: str


def demo_judge_pick(*, division: Division, today: datetime.date) -> Judge:
    """The division's judge with pending cases in the most warning bands, then the most."""
    bands: dict[int, set[str]] = {}
    counts: dict[int, int] = {}
    pending = Case.objects.filter(division=division).pending().with_band(today)
    for judge_id, band in pending.values_list("judge_id", "band"):
        bands.setdefault(judge_id, set()).add(band)
        counts[judge_id] = counts.get(judge_id, 0) + 1
    judges = list(Judge.objects.filter(division=division).order_by("staff_id"))
    return max(judges, key=lambda j: (len(bands.get(j.id, ())), counts.get(j.id, 0), -j.id))


def demo_accounts_create(
    *, password: str, today: datetime.date, province: bool = False
) -> list[AccountRow]:
    """Create or update the demo accounts (with `province`, the high court's too) and the
    superuser; join the inspector to a few long-pending and overdue cases."""
    validate_password(password)
    hashed = make_password(password)  # one shared password: hashed once, not nine times
    rows = []
    accounts = (*DEMO_ACCOUNTS, *PROVINCE_ACCOUNTS) if province else DEMO_ACCOUNTS
    for username, role, court_code, division_name, full_name in accounts:
        court = Court.objects.get(code=court_code)
        division = court.divisions.get(name=division_name) if division_name else None
        judge = None
        if role == Role.JUDGE:
            judge = demo_judge_pick(division=division, today=today)
            full_name = judge.name
        user = user_provision(
            username=username,
            role=role,
            court=court,
            division=division,
            judge=judge,
            password_hash=hashed,
            full_name=full_name,
            source="seed_demo",
        ).user
        rows.append(AccountRow(username, str(Role(role).label), unit_describe(user), password))
        if role == Role.INSPECTOR:
            inspector_join(user=user, today=today)
    admin = get_user_model().objects.filter(username=ADMIN_USERNAME).first()
    created = admin is None
    if created:
        admin = get_user_model()(username=ADMIN_USERNAME)
    admin.is_superuser = admin.is_staff = True
    admin.first_name = "系统管理员"
    admin.password = hashed
    admin.save()
    audit_record(
        action=AuditAction.USER_CHANGE,
        object_type="user",
        object_id=ADMIN_USERNAME,
        detail={"username": ADMIN_USERNAME, "created": created, "superuser": True,
                "password_changed": True, "source": "seed_demo"},
    )  # fmt: skip
    rows.append(AccountRow(ADMIN_USERNAME, _("超级用户"), unit_describe(admin), password))
    return rows


def inspector_join(*, user, today: datetime.date, count: int = 3) -> None:
    """Join an inspector to the oldest long-pending cases of the city and the most overdue
    ones of the demo basic court."""
    year_ago = (
        today.replace(year=today.year - 1)
        if (today.month, today.day) != (2, 29)
        else (today - datetime.timedelta(days=366))
    )
    # The courts the inspector's court reaches: the city, or in a province only its own.
    reached = user_scope(user).court_ids
    long_pending = (
        Case.objects.pending_at(today)
        .filter(court_id__in=reached)
        .filter(filed_on__lt=year_ago, procedure__in=["first_instance", "second_instance"])
        .order_by("filed_on", "case_number")[:count]
    )
    overdue = (
        Case.objects.pending_at(today)
        .filter(court__code=BASIC_DEMO_COURT, court_id__in=reached)
        .with_band(today)
        .filter(band=Band.OVERDUE)
        .order_by(F("deadline").asc(), "case_number")[:count]
    )
    for case in [*long_pending, *overdue]:
        CaseInspector.objects.get_or_create(case=case, user=user)
