"""Who may see what: one scope per user (DOMAIN.md roles), used by every page and API view.

`user_scope(user)` says which courts, division or judge a user's role reaches; the querysets'
`in_scope(user)` turn it into a filter. Nothing else decides visibility.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cases.choices import CourtLevel, Role


class Reach(StrEnum):
    NOTHING = "nothing"
    EVERYTHING = "everything"  # superuser
    COURTS = "courts"  # a court, or the city for the intermediate court
    DIVISION = "division"
    JUDGE = "judge"


@dataclass(frozen=True)
class UserScope:
    reach: Reach
    court_ids: frozenset[int] = frozenset()
    division_id: int | None = None
    judge_id: int | None = None
    cases_joined_only: bool = False  # inspectors: cases they are joined to, not the court's

    @property
    def is_city(self) -> bool:
        return self.reach is Reach.EVERYTHING or len(self.court_ids) > 1


COURT_ROLES = {Role.OFFICE, Role.COURT_LEADER, Role.PARTY_LEADERSHIP, Role.INSPECTOR}
DIVISION_ROLES = {Role.DIVISION_HEAD, Role.ANALYST}


def user_scope(user) -> UserScope:
    cached = getattr(user, "_courtdash_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    if getattr(user, "is_authenticated", False):
        user._courtdash_scope = scope
    return scope


def _compute_scope(user) -> UserScope:
    if user is None or not user.is_authenticated or not user.is_active:
        return UserScope(Reach.NOTHING)
    if user.is_superuser:
        return UserScope(Reach.EVERYTHING)
    if user.role == Role.JUDGE and user.judge_id:
        return UserScope(
            Reach.JUDGE,
            judge_id=user.judge_id,
            division_id=user.judge.division_id,
            court_ids=frozenset({user.judge.court_id}),
        )
    if user.role in DIVISION_ROLES and user.division_id:
        return UserScope(
            Reach.DIVISION,
            division_id=user.division_id,
            court_ids=frozenset({user.division.court_id}),
        )
    if user.role in COURT_ROLES and user.court_id:
        return UserScope(
            Reach.COURTS,
            court_ids=frozenset(city_court_ids(user.court)),
            cases_joined_only=user.role == Role.INSPECTOR,
        )
    return UserScope(Reach.NOTHING)


def city_court_ids(court) -> set[int]:
    """A court and, for an intermediate court, the basic courts under it (the city)."""
    from cases.models import Court

    if court.level == CourtLevel.INTERMEDIATE:
        return {court.id, *Court.objects.filter(parent=court).values_list("id", flat=True)}
    return {court.id}
