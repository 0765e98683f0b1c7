"""Who may see what and who may do what are each decided in one module (issue 9): the unit's
reach and its filters in cases/units.py, the role checks in cases/permissions.py. This test
reads the source of every app and fails on a new copy: a filter built from a user's reach, or
a permission decided by comparing a user's role, anywhere else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("cases", "metrics", "supervision", "reports", "courtdash")
AUTHORITY = {"cases/units.py", "cases/permissions.py"}

# Building a filter from a user's reach: only cases.units does it.
SCOPE_COPY = re.compile(
    r"\bReach\.|\bscope\.court_ids\b|\breach_q\(|\bin_reach\(|\bcase_in_reach\(|\brows_visible_q\(|"
    r"\brows_in_scope\(|\bscope_visible\(|\buser_scope_key\("
)
# Deciding by a user's role: only cases.permissions (and cases.units, which maps a role to its
# reach) do it. Roles named elsewhere, and why that is not a permission check:
ROLE_CHECK = re.compile(r"\.role\s*(==|!=|\bin\b|\bnot in\b)|\brole__in=|\brole=Role\.")
ROLE_NAMED_FOR = {
    # Provisioning: which unit an account of each role must be attached to.
    "cases/accounts.py",
    # Who is addressed by a letter and who leads its recipients: the PERSONAL rule of
    # cases.permissions (only the recipient answers), written once.
    "supervision/services/notify.py",
    # The office to tell of an inspector's request; the leaders offered as a campaign's owner;
    # the court's people offered as participants: lists of people, not permissions.
    "supervision/services/inspections.py",
    "supervision/views/campaigns.py",
    "supervision/forms.py",
}


def sources() -> list[tuple[str, str]]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or "/demo/" in relative or "/management/" in relative:
                continue
            found.append((relative, path.read_text(encoding="utf-8")))
    return found


def offending(pattern: re.Pattern, allowed: set[str]) -> list[str]:
    return [
        f"{relative}:{number}: {line.strip()}"
        for relative, text in sources()
        if relative not in allowed
        for number, line in enumerate(text.splitlines(), start=1)
        if pattern.search(line) and not line.lstrip().startswith("#")
    ]


def test_scope_filters_are_built_in_cases_units_only():
    assert offending(SCOPE_COPY, AUTHORITY) == []


def test_roles_are_checked_in_cases_permissions_only():
    assert offending(ROLE_CHECK, AUTHORITY | ROLE_NAMED_FOR) == []


@pytest.mark.parametrize(
    ("line", "pattern"),
    [
        ("    if user.role == Role.OFFICE:", ROLE_CHECK),
        ("    return user.role in RANKING_ROLES", ROLE_CHECK),
        ("    users.filter(role__in=[Role.JUDGE])", ROLE_CHECK),
        ("    if scope.reach is Reach.COURTS:", SCOPE_COPY),
        ("    return self.filter(court_id__in=scope.court_ids)", SCOPE_COPY),
    ],
)
def test_the_guard_recognises_a_copy(line, pattern):
    """The patterns catch the copies issue 9 removed (so the two tests above can fail)."""
    assert pattern.search(line)
