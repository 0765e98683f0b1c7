"""The organisational unit — city, court, division, judge — and who reaches which: ONE module.

Everything about a unit that more than one app needs lives here, and nowhere else:

- `ScopeKey`: one unit (its level and the ids above it), its filters over cases and over
  stored rows, and whether it contains another unit;
- `user_scope(user)` / `user_unit(user)`: the widest unit a user's role reaches (DOMAIN.md
  roles), and `reaches(user, unit)`: whether one unit is inside it;
- `UnitPaths` + `unit_q(user, paths)`: the one filter that selects the rows a user may see in
  any table whose rows belong to a unit (cases, stored results, letters, reviews, findings,
  marks…), given where the table keeps its court, division, judge (and case);
- `UnitScopedQuerySet` / `UnitScopedModel`: the one `in_scope(user)` of every such model;
- `UnitInfo` / `unit_info`, `unit_resolve`, `unit_requested`, `unit_url`, `unit_crumbs`: a
  unit's names, the unit a request or an API query names, its links and the way down to it.

Which *actions* a role may take is the other half of the rule: `cases.permissions`.

The top unit (`Scope.CITY`, `ScopeKey.city()`) is the deployment's: every court under its top
court (the one with no parent). In a city deployment that is the intermediate court and its
basic courts (全市); in a province, the high court and every court below it (全省) — there a
city (an intermediate court with its basic courts) is not a unit: an intermediate court's
people reach their own court only (docs/DEPLOYMENT.md, a province).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import ClassVar
from urllib.parse import urlencode

from django.apps import apps
from django.db import connection, models
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.choices import CourtLevel, Role, Scope
from cases.fragments import kept_with_results

NOTHING = Q(pk__in=[])

CHILD_SCOPE = {Scope.CITY: Scope.COURT, Scope.COURT: Scope.DIVISION, Scope.DIVISION: Scope.JUDGE}
DEPTH = {Scope.CITY: 0, Scope.COURT: 1, Scope.DIVISION: 2, Scope.JUDGE: 3}


# --- the unit -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeKey:
    """One unit: the city, a court, a division of a court, a judge in a division."""

    scope: Scope
    court_id: int | None = None
    division_id: int | None = None
    judge_id: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "scope", Scope(self.scope))
        filled = [self.court_id is not None, self.division_id is not None]
        filled.append(self.judge_id is not None)
        if filled != [level < DEPTH[self.scope] for level in range(3)]:
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
        case); on stored rows, the rows of this unit and of the units below it."""
        fields = {"court_id": self.court_id, "division_id": self.division_id}
        fields["judge_id"] = self.judge_id
        return Q(**{prefix + name: value for name, value in fields.items() if value is not None})

    def rows_q(self) -> Q:
        """Stored rows (indicator values, scores, targets…) of this unit itself."""
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


# --- a unit's names, links and the way down to it -----------------------------------------

MODEL_NAMES = ("Court", "Division", "Judge")  # by name: cases.models imports this module


@dataclass(frozen=True)
class UnitInfo:
    key: ScopeKey
    # cases.models' Court, Division and Judge (not imported: cases.models imports this module)
    court: models.Model | None
    division: models.Model | None
    judge: models.Model | None

    @property
    def params(self) -> dict:
        """The unit as query parameters (?court=&division=&judge=, ids)."""
        return unit_params(self.key)

    @property
    def query(self) -> str:
        return urlencode(self.params)

    @cached_property
    def top_name(self) -> str:
        """The top unit's name: 全市, or 全省 in a province (one query, when asked)."""
        return top_unit_name()

    @property
    def name(self) -> str:
        if self.judge is not None:
            return self.judge.name
        if self.division is not None:
            return self.division.name
        if self.court is not None:
            return self.court.name
        return self.top_name

    @property
    def title(self) -> str:
        """The unit with the ones above it, e.g. 苏州市虎丘区人民法院 民一庭 王磊."""
        parts = [self.court.name if self.court else self.top_name]
        parts += [unit.name for unit in (self.division, self.judge) if unit is not None]
        return " ".join(parts)

    def ancestors(self) -> list[ScopeKey]:
        """The units above this one and itself, from the city down."""
        key = self.key
        chain = [ScopeKey.city()]
        if key.court_id is not None:
            chain.append(ScopeKey(Scope.COURT, key.court_id))
        if key.division_id is not None:
            chain.append(ScopeKey(Scope.DIVISION, key.court_id, key.division_id))
        if key.judge_id is not None:
            chain.append(key)
        return chain

    def name_of(self, key: ScopeKey) -> str:
        """The name of this unit or of one above it."""
        return {
            Scope.CITY: self.top_name if key.scope is Scope.CITY else "",
            Scope.COURT: self.court.name if self.court else "",
            Scope.DIVISION: self.division.name if self.division else "",
            Scope.JUDGE: self.judge.name if self.judge else "",
        }[key.scope]


def top_unit_name() -> str:
    """The name of the deployment's top unit (Scope.CITY): 全市 when its top court is an
    intermediate court (a city, as DOMAIN.md describes), 全省 when it is a high court."""
    if kept_with_results("province", _is_province):
        return _("全省")
    return str(Scope.CITY.label)


def _is_province() -> bool:
    Court = apps.get_model("cases", "Court")
    return Court.objects.filter(parent__isnull=True, level=CourtLevel.HIGH).exists()


def top_court_id() -> int | None:
    """The deployment's top court — the court of the top unit (a city's intermediate court, a
    province's high court): of the courts with no parent, the highest level (then the lowest
    code). None before any court exists."""
    Court = apps.get_model("cases", "Court")
    order = models.Case(
        *(models.When(level=level, then=rank) for rank, level in enumerate(TOP_LEVELS)),
        default=len(TOP_LEVELS),
    )
    top = Court.objects.filter(parent__isnull=True).order_by(order, "code")
    return top.values_list("pk", flat=True).first()


TOP_LEVELS = (CourtLevel.SUPREME, CourtLevel.HIGH, CourtLevel.INTERMEDIATE, CourtLevel.BASIC)


def unit_info(key: ScopeKey) -> UnitInfo | None:
    """The court, division and judge of a unit (two queries at most); None if one of them does
    not exist or the division is not the court's. The judge is the one written on the cases,
    so their current division is not required to be this one."""
    Court, Division, Judge = (apps.get_model("cases", name) for name in MODEL_NAMES)
    court = division = judge = None
    if key.division_id is not None:
        division = Division.objects.select_related("court").filter(pk=key.division_id).first()
        if division is None or division.court_id != key.court_id:
            return None
        court = division.court
    elif key.court_id is not None:
        court = Court.objects.filter(pk=key.court_id).first()
        if court is None:
            return None
    if key.judge_id is not None:
        judge = Judge.objects.filter(pk=key.judge_id).first()
        if judge is None:
            return None
    return UnitInfo(key=key, court=court, division=division, judge=judge)


class UnitNotFound(LookupError):
    """A court code, division id or judge id that names no unit (or units that disagree)."""


def unit_resolve(
    *, court: str | None = None, division: int | None = None, judge: int | None = None
) -> ScopeKey:
    """The unit named by a court code, a division id and/or a judge id (the most specific one
    wins; the others must agree with it). None of them: the city."""
    Court, Division, Judge = (apps.get_model("cases", name) for name in MODEL_NAMES)
    court_obj = division_obj = judge_obj = None
    try:
        if court:
            court_obj = Court.objects.get(code=court)
        if division is not None:
            division_obj = Division.objects.get(pk=division)
        if judge is not None:
            judge_obj = Judge.objects.get(pk=judge)
    except (Court.DoesNotExist, Division.DoesNotExist, Judge.DoesNotExist):
        raise UnitNotFound from None
    if judge_obj is not None:
        # A judge's rows carry the division written on their cases: usually their own.
        division_id = division_obj.pk if division_obj is not None else judge_obj.division_id
        key = ScopeKey(Scope.JUDGE, judge_obj.court_id, division_id, judge_obj.pk)
    elif division_obj is not None:
        key = ScopeKey(Scope.DIVISION, division_obj.court_id, division_obj.pk)
    elif court_obj is not None:
        key = ScopeKey(Scope.COURT, court_obj.pk)
    else:
        return ScopeKey.city()
    if court_obj is not None and key.court_id != court_obj.pk:
        raise UnitNotFound
    if division_obj is not None and judge_obj is not None:
        if division_obj.court_id != judge_obj.court_id:
            raise UnitNotFound
    return key


def unit_params(key: ScopeKey) -> dict:
    ids = {"court": key.court_id, "division": key.division_id, "judge": key.judge_id}
    return {name: value for name, value in ids.items() if value is not None}


def unit_url(viewname: str, *, args=(), unit: ScopeKey | None = None, **params) -> str:
    """A page's URL with the unit's ids and other query parameters (None and "" left out)."""
    url = reverse(viewname, args=list(args))
    query = unit_params(unit) if unit is not None else {}
    query.update({key: value for key, value in params.items() if value not in (None, "")})
    for key, value in query.items():
        if isinstance(value, datetime.date):
            query[key] = value.isoformat()
    return f"{url}?{urlencode(query)}" if query else url


def unit_crumbs(user, info: UnitInfo, url_of: Callable[[ScopeKey], str]) -> list[dict]:
    """The way down from the user's own unit to `info`'s (only the units they may open), each
    with `url_of(unit)`."""
    own = user_unit(user)
    return [
        {"name": info.name_of(key), "url": url_of(key), "current": key == info.key}
        for key in info.ancestors()
        if own is not None and own.contains(key)
    ]


def _query_id(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    if value == "":
        return None
    if not value.isdigit():
        raise Http404("not an id")
    return int(value)


def unit_requested(request, *, own: ScopeKey | None = None) -> UnitInfo:
    """The unit a page is about: ?court=&division=&judge= (ids; a lower one implies the ones
    above it), by default the viewer's own (`own`, else `user_unit`). 404 when it does not
    exist, its parts disagree, or it is outside the viewer's reach — as a case outside it is."""
    own = own or user_unit(request.user)
    if own is None:
        raise Http404("no unit of your own")
    ids = {name: _query_id(request, name) for name in ("court", "division", "judge")}
    if all(value is None for value in ids.values()):
        key = own
    else:
        Division, Judge = (apps.get_model("cases", name) for name in MODEL_NAMES[1:])
        if ids["judge"] is not None and ids["division"] is None:
            judge = Judge.objects.filter(pk=ids["judge"]).first()
            if judge is None:
                raise Http404("no such unit")
            ids["division"], ids["court"] = judge.division_id, ids["court"] or judge.court_id
        if ids["division"] is not None and ids["court"] is None:
            division = Division.objects.filter(pk=ids["division"]).first()
            if division is None:
                raise Http404("no such unit")
            ids["court"] = division.court_id
        try:
            key = ScopeKey.of(**ids)
        except ValueError:
            raise Http404("not a unit") from None
    if not reaches(request.user, key):
        raise Http404("outside your scope")
    info = unit_info(key)
    if info is None:
        raise Http404("no such unit")
    return info


# --- who reaches what -----------------------------------------------------------------------


class Reach(StrEnum):
    NOTHING = "nothing"
    EVERYTHING = "everything"  # superuser
    COURTS = "courts"  # a court, or the top unit for the deployment's top court
    DIVISION = "division"
    JUDGE = "judge"


@dataclass(frozen=True)
class UserScope:
    reach: Reach
    court_ids: frozenset[int] = frozenset()
    division_id: int | None = None
    judge_id: int | None = None
    cases_joined_only: bool = False  # inspectors: cases they are joined to, not the court's
    # The court_ids are every court there is (the top court of a one-tree deployment): rows
    # need no court filter at all — a province's 108-id IN list costs a bitmap scan of the
    # whole case table in a plan (measured at 20,000,000 cases: 0.7 s of a 1.4 s count).
    every_court: bool = False

    @property
    def is_city(self) -> bool:
        return self.reach is Reach.EVERYTHING or len(self.court_ids) > 1

    @property
    def is_judge(self) -> bool:
        """A judge's own cases (我的案件)."""
        return self.reach is Reach.JUDGE

    @property
    def spans_divisions(self) -> bool:
        """A whole court or more: its divisions are there to tell apart."""
        return self.reach in (Reach.COURTS, Reach.EVERYTHING)


COURT_ROLES = frozenset({Role.OFFICE, Role.COURT_LEADER, Role.PARTY_LEADERSHIP, Role.INSPECTOR})
DIVISION_ROLES = frozenset({Role.DIVISION_HEAD, Role.ANALYST})


def user_scope(user) -> UserScope:
    """What the user's role reaches (DOMAIN.md roles). Computed once per user object."""
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
        reached, every = _courts_reached(user.court_id)
        return UserScope(
            Reach.COURTS,
            court_ids=frozenset(reached),
            cases_joined_only=user.role == Role.INSPECTOR,
            every_court=len(reached) > 1 and reached == every,
        )
    return UserScope(Reach.NOTHING)


def city_court_ids(court) -> set[int]:
    """The courts a court's people reach: the deployment's top court (no parent: the
    intermediate court of a city, the high court of a province) reaches every court below it,
    recursively (the top unit, `ScopeKey.city()`); any other court reaches only itself — also
    an intermediate court inside a province, where a city is not a unit of its own."""
    return _courts_reached(court.id)[0]


def _courts_reached(court_id: int) -> tuple[set[int], set[int] | None]:
    """(the courts the people of the court with this id reach, every court there is — None
    when not needed), read from the court tree (no query while it is kept); a court the kept
    tree does not know yet is read afresh."""
    tree = _court_tree()
    if court_id not in tree.court:
        tree = _court_tree_read()
    parent_id, level = tree.court.get(court_id, (None, CourtLevel.BASIC))
    if parent_id is not None or level == CourtLevel.BASIC:
        return {court_id}, None
    reached, frontier = {court_id}, [court_id]
    while frontier:
        frontier = [
            child
            for parent in frontier
            for child in tree.below.get(parent, ())
            if child not in reached
        ]
        reached.update(frontier)
    return reached, set(tree.court)


@dataclass(frozen=True)
class CourtTree:
    court: dict[int, tuple[int | None, str]]  # every court: (its parent's id, its level)
    below: dict[int | None, tuple[int, ...]]  # the courts under each court (None: the tops)


def _court_tree() -> CourtTree:
    """Every court and where it sits. Asked by every request of a court-wide role, so kept in
    the process under the results generation (cases.fragments.kept_with_results): a court
    created, changed or removed changes that generation (`cases.signals.courts_changed`,
    connected by metrics.reading.pagecache). Shared: read it, never change it."""
    return kept_with_results("court-tree", _court_tree_read)


def _court_tree_read() -> CourtTree:
    Court = apps.get_model("cases", "Court")
    court: dict[int, tuple[int | None, str]] = {}
    below: dict[int | None, list[int]] = {}
    for court_id, parent_id, level in Court.objects.values_list("id", "parent", "level"):
        court[court_id] = (parent_id, level)
        below.setdefault(parent_id, []).append(court_id)
    return CourtTree(court, {parent: tuple(children) for parent, children in below.items()})


def reach_token(user) -> str:
    """What the user reaches, as a cache key part: two users with the same token see the same
    rows (`unit_q`); an inspector's reach is their own (the cases joined to them)."""
    scope = user_scope(user)
    token = (
        f"{scope.reach}:{','.join(map(str, sorted(scope.court_ids)))}:"
        f"{scope.division_id}:{scope.judge_id}"
    )
    if scope.cases_joined_only:
        token += f":user{user.pk}"
    return token


def user_unit(user) -> ScopeKey | None:
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


def reaches(user, unit: ScopeKey) -> bool:
    """May this user see this unit? (Their own unit and the units below it — for the top unit,
    only the courts its top court reaches: a court of another tree is outside it.)"""
    own = user_unit(user)
    if own is None or not own.contains(unit):
        return False
    scope = user_scope(user)
    return (
        unit.court_id is None or scope.reach is not Reach.COURTS or unit.court_id in scope.court_ids
    )


def case_reached(user, case) -> bool:
    """May this user see this case? The same rule as `Case.objects.in_scope(user)`, for one
    case in hand (an inspector: only a case they are joined to)."""
    scope = user_scope(user)
    if scope.cases_joined_only:
        return case_joined(user, case.pk)
    return unit_reached(
        user, court_id=case.court_id, division_id=case.division_id, judge_id=case.judge_id
    )


def unit_reached(user, *, court_id, division_id=None, judge_id=None) -> bool:
    """Whether a row whose unit columns hold these ids is in the user's reach (the same rule
    as `unit_q` with the default paths, for one row in hand)."""
    scope = user_scope(user)
    if scope.reach is Reach.EVERYTHING:
        return True
    if scope.reach is Reach.COURTS:
        return court_id in scope.court_ids or (court_id is None and scope.is_city)
    if scope.reach is Reach.DIVISION:
        return division_id is not None and division_id == scope.division_id
    if scope.reach is Reach.JUDGE:
        return judge_id is not None and judge_id == scope.judge_id
    return False


def case_joined(user, case_id) -> bool:
    return _joined_links(user).filter(case_id=case_id).exists()


def _joined_links(user):
    # By name, not by import: cases.models imports this module (no cycle inside cases).
    return apps.get_model("cases", "CaseInspector").objects.filter(user=user)


# --- the one filter ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitPaths:
    """Where a table keeps the unit its rows belong to. A level of None: the rows have no such
    column, so they sit above that level (a court's joint inspection has no division)."""

    court: str | None = "court_id"
    division: str | None = "division_id"
    judge: str | None = "judge_id"
    # The case a row is about, if any: an inspector sees only rows about cases joined to their
    # inspections (and rows about no case, at court level).
    case: str | None = None
    # Rows of the units above the user's own are visible too (the user's court on the courts
    # list, a court-wide campaign or rule seen from a division). Default: own unit and below.
    ancestors: bool = False


# The usual columns: the row's own court, division and judge.
OWN_COLUMNS = UnitPaths()
# Rows about one case (a mark, a measure, a review…): their unit is their case's.
BY_CASE = UnitPaths(
    court="case__court_id", division="case__division_id", judge="case__judge_id", case="case_id"
)


def unit_q(user, paths: UnitPaths = OWN_COLUMNS) -> Q:
    """The rows of a table (whose unit columns are at `paths`) that `user` may see."""
    scope = user_scope(user)
    if scope.reach is Reach.NOTHING:
        return NOTHING
    if scope.reach is Reach.EVERYTHING:
        return Q()
    court, division, judge = paths.court, paths.division, paths.judge
    if scope.reach is Reach.COURTS:
        if scope.every_court:  # every court and the top unit's own rows: nothing to filter
            own = Q()
        elif court is None:  # a city-wide row: the city's people see it
            own = Q() if scope.is_city or paths.ancestors else NOTHING
        else:
            own = Q(**{f"{court}__in": scope.court_ids})
            if scope.is_city or paths.ancestors:
                own |= Q(**{f"{court}__isnull": True})
        if scope.cases_joined_only and paths.case is not None:
            joined = _joined_links(user).values("case_id")
            return own & (Q(**{f"{paths.case}__in": joined}) | Q(**{f"{paths.case}__isnull": True}))
        return own
    own_id, own_path = (
        (scope.division_id, division) if scope.reach is Reach.DIVISION else (scope.judge_id, judge)
    )
    visible = NOTHING if own_path is None else Q(**{own_path: own_id})
    if paths.ancestors:
        visible |= _above_q(paths, scope)
    return visible


def _above_q(paths: UnitPaths, scope: UserScope) -> Q:
    """Rows of the units above a division's or a judge's own: the city, their court and (for a
    judge) their division — each recognised by its deeper columns being empty."""

    def empty(*levels: str | None) -> Q:
        return Q(**{f"{path}__isnull": True for path in levels if path is not None})

    court, division, judge = paths.court, paths.division, paths.judge
    if court is None:  # the rows have no court: they are the city's, above everyone
        return Q()
    above = Q(**{f"{court}__isnull": True}) | Q(**{f"{court}__in": scope.court_ids})
    above &= empty(division, judge)
    if scope.reach is Reach.JUDGE and division is not None:
        above |= Q(**{division: scope.division_id}) & empty(judge)
    return above


def people_q(user, prefix: str = "") -> Q:
    """The people (users, at `prefix`) whose unit — the court, division or judge their account
    names — lies in `user`'s reach; people of no unit only for an administrator."""
    links = (
        UnitPaths(court=f"{prefix}court_id", division=None, judge=None),
        UnitPaths(court=f"{prefix}division__court_id", division=f"{prefix}division_id", judge=None),
        UnitPaths(
            court=f"{prefix}judge__court_id",
            division=f"{prefix}judge__division_id",
            judge=f"{prefix}judge_id",
        ),
    )
    visible = NOTHING
    for link in links:
        linked = link.judge or link.division or link.court
        visible |= unit_q(user, link) & Q(**{f"{linked}__isnull": False})
    return visible


def cases_reached_sql(user, column: str = "c.id") -> str:
    """`column IN (…the ids of the cases in the user's reach…)`, values bound and `%` doubled,
    for set-based raw SQL (pyformat parameters) that must keep to the same one rule."""
    cases = apps.get_model("cases", "Case").objects.in_scope(user).values("id")
    sql, params = cases.query.sql_with_params()
    with connection.cursor() as cursor:
        bound = cursor.mogrify(sql, params).decode()
    return f"{column} IN ({bound.replace('%', '%%')})"


class UnitScopedQuerySet(models.QuerySet):
    """`in_scope(user)` for a model whose rows belong to a unit: the model says where
    (`unit_paths`), this module decides who sees them."""

    def in_scope(self, user):
        return self.filter(unit_q(user, self.model.unit_paths))


class UnitScopedModel(models.Model):
    """The abstract base of every model whose rows belong to a unit."""

    unit_paths: ClassVar[UnitPaths] = UnitPaths()

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        abstract = True
