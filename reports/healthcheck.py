"""办案体检: what the case health check looks for, as data, and how it finds it.

Each rule reads the case table with grouped aggregates (PostgreSQL does the counting; Python
sees one row a judge or division) and returns findings, each with the cases it points at — by
the very condition that counted them. The thresholds are the rules' parameters: their defaults
below, as the city's office changed them on the settings page (reports.models.HealthRuleSetting,
read by `rules()` once a run); `reports.services.health_check_run` stores what the rules find.

"Far above peers" means, for a share k/n of a unit against the city's share p of the same
cases: at least `min_count` cases, k/n − p at least `excess` percentage points (or k/n at least
`ratio` × p), and a binomial z = (k − n p) / √(n p (1 − p)) of at least `z` — so that a small
unit with a few unlucky cases is not accused, and a large one that is only a little off is not
either.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, F, IntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest

from cases.choices import ClosingMethod
from cases.models import Case
from metrics.choices import Scope
from metrics.definitions.conditions import (
    ALL_FILED,
    CIVIL_FIRST_INSTANCE,
    FIRST_INSTANCE,
    REVERSED,
    WORKLOAD,
    pending_at,
)
from metrics.definitions.periods import ONE_DAY, add_months, months_before
from reports.choices import FindingKind
from reports.models import HealthRuleSetting

# The default parameters of every rule, in one place; the office changes them on a page.
DEFAULTS: dict[str, dict] = {
    FindingKind.MONTH_END_CLOSINGS: {"last_days": 3, "min_count": 8, "min_base": 20,
                                     "excess": 15.0, "z": 3.0},
    FindingKind.YEAR_END_CLOSINGS: {"last_days": 7, "min_count": 8, "min_base": 20,
                                    "excess": 10.0, "z": 3.0},
    FindingKind.STALLED_LONG_PENDING: {"months": 12, "idle_days": 90},
    FindingKind.REPEATED_EXTENSIONS: {"min_days": 60, "limit_share": 1.0, "min_cases": 2},
    FindingKind.HIGH_WITHDRAWAL_SHARE: {"min_count": 5, "min_base": 10, "excess": 15.0,
                                        "z": 3.0},
    FindingKind.REVERSAL_CLUSTER: {"min_count": 3, "min_base": 5, "ratio": 2.0, "z": 3.0,
                                   "min_same_cause": 3},
    FindingKind.HELD_BACK_FILINGS: {"late_december": 16, "early_january": 15,
                                    "baseline_days": 30, "dip": 0.6, "contrast": 2.0,
                                    "min_count": 10, "z": 3.0},
}  # fmt: skip


def rules() -> dict[str, dict]:
    """Every rule's parameters as they hold now: the latest values the office set for a rule,
    over its defaults (a parameter never set keeps its default)."""
    current = {kind: dict(params) for kind, params in DEFAULTS.items()}
    latest = (
        HealthRuleSetting.objects.order_by("kind", "-changed_at", "-id")
        .distinct("kind")
        .values_list("kind", "params")
    )
    for kind, params in latest:
        if kind in current:
            current[kind].update(
                {name: value for name, value in params.items() if name in DEFAULTS[kind]}
            )
    return current


# A health check looks back this far (the rules about a year end use the last one before it).
WINDOW_MONTHS = 12


@dataclass
class Draft:
    """A finding before it is stored: its unit, numbers and the cases it points at."""

    kind: str
    scope: Scope
    court_id: int
    division_id: int | None = None
    judge_id: int | None = None
    subject: str = ""
    value: float | None = None
    reference: float | None = None
    facts: dict = field(default_factory=dict)
    cases: QuerySet | None = None


@dataclass(frozen=True)
class Window:
    as_of: datetime.date
    start: datetime.date

    @classmethod
    def ending(cls, as_of: datetime.date) -> Window:
        return cls(as_of=as_of, start=add_months(as_of, -WINDOW_MONTHS) + ONE_DAY)

    @property
    def closed(self) -> Q:
        return Q(closed_on__gte=self.start, closed_on__lte=self.as_of)

    def last_year_end(self) -> int | None:
        """The last December whose closings the window holds whole."""
        year = (
            self.as_of.year
            if self.as_of >= datetime.date(self.as_of.year, 12, 31)
            else (self.as_of.year - 1)
        )
        return year if datetime.date(year, 12, 1) >= self.start else None


LEVELS = {
    Scope.JUDGE: ("court_id", "division_id", "judge_id"),
    Scope.DIVISION: ("court_id", "division_id"),
    Scope.COURT: ("court_id",),
}


def _unit(scope: Scope, row: dict) -> dict:
    return {name: row[name] for name in LEVELS[scope]}


def _unit_q(scope: Scope, row: dict) -> Q:
    return Q(**_unit(scope, row))


def far_above(*, k: int, n: int, p: float, params: dict) -> bool:
    """Is k of n far above a peer share p (module docstring)?"""
    if n < params.get("min_base", 1) or k < params.get("min_count", 1) or not 0 < p < 1:
        return False
    share = k / n
    if share - p < params.get("excess", 0.0) / 100:
        return False
    if share < params.get("ratio", 1.0) * p:
        return False
    return (k - n * p) / math.sqrt(n * p * (1 - p)) >= params["z"]


def _share_findings(
    *,
    kind: str,
    cases: QuerySet,
    base: Q,
    hit: Q,
    levels: tuple[Scope, ...],
    params: dict,
    facts: dict | None = None,
) -> list[Draft]:
    """Units whose share of `hit` among their `base` cases is far above the city's."""
    city = cases.filter(base).aggregate(n=Count("pk"), k=Count("pk", filter=hit))
    if not city["n"]:
        return []
    peer = city["k"] / city["n"]
    drafts = []
    for scope in levels:
        rows = (
            cases.filter(base)
            .values(*LEVELS[scope])
            .annotate(n=Count("pk"), k=Count("pk", filter=hit))
            .order_by(*LEVELS[scope])
        )
        for row in rows:
            if not far_above(k=row["k"], n=row["n"], p=peer, params=params):
                continue
            drafts.append(
                Draft(
                    kind=kind,
                    scope=scope,
                    **_unit(scope, row),
                    value=100 * row["k"] / row["n"],
                    reference=100 * peer,
                    facts={"count": row["k"], "base": row["n"], **(facts or {})},
                    cases=cases.filter(base & hit & _unit_q(scope, row)),
                )
            )
    return drafts


def month_end_closings(cases: QuerySet, window: Window, params: dict) -> list[Draft]:
    """Closings bunched in the last days of months (月底突击结案)."""
    days = params["last_days"]
    cases = cases.alias(
        month_end=RawSQL(
            "date_trunc('month', cases_case.closed_on + %s) > "
            "date_trunc('month', cases_case.closed_on)",
            [days],
            output_field=BooleanField(),
        )
    )
    return _share_findings(
        kind=FindingKind.MONTH_END_CLOSINGS,
        cases=cases,
        base=WORKLOAD & window.closed,
        hit=Q(month_end=True),
        levels=(Scope.JUDGE, Scope.DIVISION),
        params=params,
        facts={"last_days": days, "from": window.start.isoformat(), "to": window.as_of.isoformat()},
    )


def year_end_closings(cases: QuerySet, window: Window, params: dict) -> list[Draft]:
    """Closings bunched in the last days of the year (年底突击结案)."""
    year = window.last_year_end()
    if year is None:
        return []
    days = params["last_days"]
    closed = Q(closed_on__gte=datetime.date(year, 1, 1), closed_on__lte=datetime.date(year, 12, 31))
    last = Q(closed_on__gt=datetime.date(year, 12, 31) - datetime.timedelta(days=days))
    return _share_findings(
        kind=FindingKind.YEAR_END_CLOSINGS,
        cases=cases,
        base=WORKLOAD & closed,
        hit=last,
        levels=(Scope.JUDGE, Scope.DIVISION),
        params=params,
        facts={"year": year, "last_days": days},
    )


def high_withdrawal_share(cases: QuerySet, window: Window, params: dict) -> list[Draft]:
    """A share of withdrawals (撤诉) among civil first-instance closings far above the city's."""
    return _share_findings(
        kind=FindingKind.HIGH_WITHDRAWAL_SHARE,
        cases=cases,
        base=CIVIL_FIRST_INSTANCE & window.closed,
        hit=Q(closing_method=ClosingMethod.WITHDRAWAL),
        levels=(Scope.JUDGE, Scope.DIVISION),
        params=params,
        facts={"from": window.start.isoformat(), "to": window.as_of.isoformat()},
    )


def _reversed_in(window: Window) -> Q:
    return FIRST_INSTANCE & Q(
        effective_appeal_outcome__in=REVERSED,
        effective_appeal_decided_on__gte=window.start,
        effective_appeal_decided_on__lte=window.as_of,
    )


def reversal_clusters(cases: QuerySet, window: Window, params: dict) -> list[Draft]:
    """A judge's first-instance cases reversed or remanded on appeal far more often than the
    city's (reversals over first-instance closings), and one cause reversed again and again in
    a division (far more often than the city's rate, among that cause's closings)."""
    reversed_ = _reversed_in(window)
    closed = FIRST_INSTANCE & window.closed
    city = cases.aggregate(n=Count("pk", filter=closed), k=Count("pk", filter=reversed_))
    if not city["n"]:
        return []
    peer = min(city["k"] / city["n"], 0.999)
    drafts = []
    rows = (
        cases.filter(closed | reversed_)
        .values(*LEVELS[Scope.JUDGE])
        .annotate(n=Count("pk", filter=closed), k=Count("pk", filter=reversed_))
        .order_by(*LEVELS[Scope.JUDGE])
    )
    for row in rows:
        if far_above(k=row["k"], n=row["n"], p=peer, params=params):
            drafts.append(
                Draft(
                    kind=FindingKind.REVERSAL_CLUSTER,
                    scope=Scope.JUDGE,
                    **_unit(Scope.JUDGE, row),
                    value=100 * row["k"] / row["n"],
                    reference=100 * peer,
                    facts={"count": row["k"], "base": row["n"]},
                    cases=cases.filter(reversed_ & _unit_q(Scope.JUDGE, row)),
                )
            )
    by_cause = (
        cases.filter(closed | reversed_)
        .exclude(cause="")
        .values(*LEVELS[Scope.DIVISION], "cause")
        .annotate(
            n=Count("pk", filter=closed),
            k=Count("pk", filter=reversed_),
            judges=Count("judge_id", filter=reversed_, distinct=True),
        )
        .filter(k__gte=params["min_same_cause"])
        .order_by(*LEVELS[Scope.DIVISION], "cause")
    )
    same_cause = {**params, "min_count": params["min_same_cause"]}
    for row in by_cause:
        if not far_above(k=row["k"], n=row["n"], p=peer, params=same_cause):
            continue
        drafts.append(
            Draft(
                kind=FindingKind.REVERSAL_CLUSTER,
                scope=Scope.DIVISION,
                **_unit(Scope.DIVISION, row),
                subject=row["cause"],
                value=100 * row["k"] / row["n"],
                reference=100 * peer,
                facts={
                    "count": row["k"],
                    "base": row["n"],
                    "judges": row["judges"],
                    "cause": row["cause"],
                },
                cases=cases.filter(
                    reversed_ & _unit_q(Scope.DIVISION, row) & Q(cause=row["cause"])
                ),
            )
        )
    return drafts


def stalled_long_pending(cases: QuerySet, window: Window, params: dict) -> list[Draft]:
    """Long-pending cases whose record has not changed for months (Case.updated_at)."""
    idle_since = window.as_of - datetime.timedelta(days=params["idle_days"])
    condition = (
        WORKLOAD
        & pending_at(window.as_of)
        & Q(filed_on__lte=months_before(window.as_of, params["months"]))
        & Q(updated_at__date__lt=idle_since)
    )
    rows = (
        cases.filter(condition)
        .values(*LEVELS[Scope.JUDGE])
        .annotate(k=Count("pk"))
        .order_by(*LEVELS[Scope.JUDGE])
    )
    return [
        Draft(
            kind=FindingKind.STALLED_LONG_PENDING,
            scope=Scope.JUDGE,
            **_unit(Scope.JUDGE, row),
            value=row["k"],
            facts={"count": row["k"], "idle_days": params["idle_days"], "since": str(idle_since)},
            cases=cases.filter(condition & _unit_q(Scope.JUDGE, row)),
        )
        for row in rows
    ]


def repeated_extensions(cases: QuerySet, window: Window, params: dict) -> list[Draft]:
    """Cases whose time limit was extended by at least their whole base limit (and by at least
    `min_days`): more than one ordinary extension. A finding where a judge has several."""
    # The extension the deadline counts: the imported one or Courtdash's approvals, whichever
    # is larger (cases.services.deadline_sql).
    cases = cases.alias(extension=Greatest("extension_days", "approved_extension_days"))
    condition = (
        WORKLOAD
        & (pending_at(window.as_of) | window.closed)
        & Q(deadline__isnull=False, extension__gte=params["min_days"])
    )
    # The base limit: the deadline less the extension and the deducted days, from filing.
    cases = cases.alias(
        base_days=RawSQL(
            "(cases_case.deadline - cases_case.filed_on"
            " - GREATEST(cases_case.extension_days, cases_case.approved_extension_days)"
            " - cases_case.excluded_days)",
            [],
            output_field=IntegerField(),
        )
    )
    condition &= Q(extension__gte=F("base_days") * params["limit_share"])
    rows = (
        cases.filter(condition)
        .values(*LEVELS[Scope.JUDGE])
        .annotate(k=Count("pk"))
        .filter(k__gte=params["min_cases"])
        .order_by(*LEVELS[Scope.JUDGE])
    )
    return [
        Draft(
            kind=FindingKind.REPEATED_EXTENSIONS,
            scope=Scope.JUDGE,
            **_unit(Scope.JUDGE, row),
            value=row["k"],
            facts={"count": row["k"], "min_days": params["min_days"]},
            cases=cases.filter(condition & _unit_q(Scope.JUDGE, row)),
        )
        for row in rows
    ]


def held_back_filings(cases: QuerySet, window: Window, params: dict) -> list[Draft]:
    """Filings held back at the year end (年底压案不立): a dip in late December and a jump in
    early January against the unit's own weeks around them, far beyond the city's."""
    year = window.as_of.year - 1
    january = datetime.date(year + 1, 1, 1)
    baseline_days = params["baseline_days"]
    if window.as_of < january + datetime.timedelta(days=params["early_january"] + baseline_days):
        year -= 1
        january = datetime.date(year + 1, 1, 1)
    if datetime.date(year, 12, 1) < window.start - datetime.timedelta(days=62):
        return []
    late_from = january - datetime.timedelta(days=params["late_december"])
    early_to = january + datetime.timedelta(days=params["early_january"] - 1)
    late = Q(filed_on__gte=late_from, filed_on__lt=january)
    early = Q(filed_on__gte=january, filed_on__lte=early_to)
    before = Q(
        filed_on__gte=late_from - datetime.timedelta(days=baseline_days), filed_on__lt=late_from
    )
    after = Q(
        filed_on__gt=early_to, filed_on__lte=early_to + datetime.timedelta(days=baseline_days)
    )
    counts = {
        "late": Count("pk", filter=late),
        "early": Count("pk", filter=early),
        "baseline": Count("pk", filter=before | after),
    }
    span = Q(
        filed_on__gte=late_from - datetime.timedelta(days=baseline_days),
        filed_on__lte=early_to + datetime.timedelta(days=baseline_days),
    )
    scoped = cases.filter(ALL_FILED & span)

    def rates(row) -> tuple[float, float, float]:
        per_day = row["baseline"] / (2 * baseline_days)
        return (
            row["late"] / params["late_december"],
            row["early"] / params["early_january"],
            per_day,
        )

    def contrast(late_rate: float, early_rate: float) -> float:
        # Half a filing a fortnight at least: a unit with no late-December filing at all still
        # gets a finite contrast.
        return early_rate / max(late_rate, 0.5 / params["late_december"])

    city = scoped.aggregate(**counts)
    if not city["baseline"]:
        return []
    city_late, city_early, _city_base = rates(city)
    city_contrast = contrast(city_late, city_early)
    drafts = []
    for scope in (Scope.DIVISION, Scope.COURT):
        rows = scoped.values(*LEVELS[scope]).annotate(**counts).order_by(*LEVELS[scope])
        for row in rows:
            late_rate, early_rate, base_rate = rates(row)
            if row["early"] < params["min_count"] or not base_rate:
                continue
            unit_contrast = contrast(late_rate, early_rate)
            if late_rate > params["dip"] * base_rate:
                continue
            expected = base_rate * params["early_january"]
            if (row["early"] - expected) / math.sqrt(expected) < params["z"]:
                continue  # a jump a Poisson count of this size makes by chance
            if unit_contrast < params["contrast"] * city_contrast:
                continue
            drafts.append(
                Draft(
                    kind=FindingKind.HELD_BACK_FILINGS,
                    scope=scope,
                    **_unit(scope, row),
                    value=unit_contrast,
                    reference=city_contrast,
                    facts={
                        "year": year,
                        "late": row["late"],
                        "early": row["early"],
                        "late_per_day": round(late_rate, 2),
                        "early_per_day": round(early_rate, 2),
                        "baseline_per_day": round(base_rate, 2),
                        "late_from": late_from.isoformat(),
                        "early_to": early_to.isoformat(),
                    },
                    cases=scoped.filter(early & _unit_q(scope, row)),
                )
            )
    return drafts


DETECTORS = {
    FindingKind.MONTH_END_CLOSINGS: month_end_closings,
    FindingKind.YEAR_END_CLOSINGS: year_end_closings,
    FindingKind.STALLED_LONG_PENDING: stalled_long_pending,
    FindingKind.REPEATED_EXTENSIONS: repeated_extensions,
    FindingKind.HIGH_WITHDRAWAL_SHARE: high_withdrawal_share,
    FindingKind.REVERSAL_CLUSTER: reversal_clusters,
    FindingKind.HELD_BACK_FILINGS: held_back_filings,
}


def detect(*, as_of: datetime.date, cases: QuerySet | None = None) -> list[Draft]:
    """Every rule over the city's cases (or `cases`) as of a day."""
    cases = Case.objects.all() if cases is None else cases
    window = Window.ending(as_of)
    params = rules()
    drafts: list[Draft] = []
    for kind, detector in DETECTORS.items():
        drafts += detector(cases, window, params[kind])
    return drafts
