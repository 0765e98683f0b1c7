"""Scope units: the city, a court, a division of a court, a judge in a division.

A `ScopeKey` names one unit. It filters cases (the drill-down: the court, division and judge
written on the case record) and stored rows (values, scores) alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from cases.scoping import Reach, user_scope
from metrics.choices import Scope

CHILD_SCOPE = {Scope.CITY: Scope.COURT, Scope.COURT: Scope.DIVISION, Scope.DIVISION: Scope.JUDGE}


@dataclass(frozen=True)
class ScopeKey:
    scope: Scope
    court_id: int | None = None
    division_id: int | None = None
    judge_id: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "scope", Scope(self.scope))
        filled = [self.court_id is not None, self.division_id is not None]
        filled.append(self.judge_id is not None)
        depth = {Scope.CITY: 0, Scope.COURT: 1, Scope.DIVISION: 2, Scope.JUDGE: 3}[self.scope]
        if filled != [level < depth for level in range(3)]:
            raise ValueError(f"a {self.scope} scope needs exactly the ids above it: {self}")

    @classmethod
    def city(cls) -> ScopeKey:
        return cls(Scope.CITY)

    @classmethod
    def of(cls, *, court=None, division=None, judge=None) -> ScopeKey:
        """The unit of the most specific model given (objects or ids)."""
        court_id, division_id, judge_id = (getattr(x, "pk", x) for x in (court, division, judge))
        if judge_id is not None:
            return cls(Scope.JUDGE, court_id, division_id, judge_id)
        if division_id is not None:
            return cls(Scope.DIVISION, court_id, division_id)
        if court_id is not None:
            return cls(Scope.COURT, court_id)
        return cls.city()

    @classmethod
    def of_row(cls, row) -> ScopeKey:
        return cls(row.scope, row.court_id, row.division_id, row.judge_id)

    def cases_q(self, prefix: str = "") -> Q:
        """The cases that count for this unit (with `prefix`, e.g. "case__": rows by their
        case)."""
        fields = {"court_id": self.court_id, "division_id": self.division_id}
        fields["judge_id"] = self.judge_id
        return Q(**{prefix + name: value for name, value in fields.items() if value is not None})

    def rows_q(self) -> Q:
        """Stored rows (IndicatorValue, ScopeScore) of this unit."""
        return Q(
            scope=self.scope,
            court_id=self.court_id,
            division_id=self.division_id,
            judge_id=self.judge_id,
        )

    def children_q(self) -> Q:
        """Stored rows of the units one level below this one."""
        if self.scope is Scope.JUDGE:
            raise ValueError("a judge has no child units")
        above = {"court_id": self.court_id, "division_id": self.division_id}
        return Q(scope=CHILD_SCOPE[self.scope], **{k: v for k, v in above.items() if v is not None})

    def contains(self, other: ScopeKey) -> bool:
        mine = (self.court_id, self.division_id, self.judge_id)
        theirs = (other.court_id, other.division_id, other.judge_id)
        return all(a is None or a == b for a, b in zip(mine, theirs, strict=True))


def user_scope_key(user) -> ScopeKey | None:
    """The widest unit a user may see (DOMAIN.md roles): None when they see nothing."""
    scope = user_scope(user)
    if scope.reach is Reach.NOTHING:
        return None
    if scope.reach is Reach.EVERYTHING or scope.is_city:
        return ScopeKey.city()
    (court_id,) = scope.court_ids
    if scope.reach is Reach.COURTS:
        return ScopeKey(Scope.COURT, court_id)
    if scope.division_id is None:  # a judge without a division has no unit of their own
        return None
    if scope.reach is Reach.DIVISION:
        return ScopeKey(Scope.DIVISION, court_id, scope.division_id)
    return ScopeKey(Scope.JUDGE, court_id, scope.division_id, scope.judge_id)


def scope_visible(user, key: ScopeKey) -> bool:
    """May this user see the indicators of this unit? (Its own unit and the units below it.)"""
    own = user_scope_key(user)
    return own is not None and own.contains(key)
