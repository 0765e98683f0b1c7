"""Random case sets for the metrics tests: a few hundred cases, dense around period boundaries.

Bulk-created, then case_derived_refresh once (deadlines, linked appeals and retrials). Each
first-instance case has at most one linked appeal and one linked retrial, so that "the linked
case" is never ambiguous for the naive reference.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from cases.casenumbers import TYPE_CODES
from cases.choices import CourtLevel, Outcome, Procedure
from cases.models import Case
from cases.services import case_derived_refresh
from tests.factories import CourtFactory, DivisionFactory, JudgeFactory

D = datetime.date

# type code -> relative frequency
TYPE_MIX = {
    "民初": 30,
    "民终": 6,
    "民申": 2,
    "民再": 2,
    "民特": 2,
    "刑初": 8,
    "刑终": 2,
    "刑再": 1,
    "行初": 3,
    "行终": 1,
    "执": 15,
    "执恢": 3,
    "执异": 2,
    "执保": 3,
    "诉前调确": 3,
    "破": 1,
}
CLOSING_BY_PROCEDURE = {
    Procedure.FIRST_INSTANCE: ["judgment", "mediation", "withdrawal", "dismissal", "other"],
    Procedure.SECOND_INSTANCE: [
        "affirmed",
        "modified",
        "remanded",
        "appeal_withdrawn",
        "mediation",
    ],
    Procedure.RETRIAL: ["affirmed", "modified", "remanded", "judgment"],
    Procedure.ENFORCEMENT: ["enforcement_completed", "enforcement_round_ended", "cancelled"],
}


def _boundary_days(as_of: datetime.date) -> list[datetime.date]:
    """Days where off-by-one mistakes show: period starts and the days either side."""
    days = []
    for start in (D(as_of.year, 1, 1), D(as_of.year, (as_of.month - 1) // 3 * 3 + 1, 1)):
        days += [start - datetime.timedelta(days=1), start, start + datetime.timedelta(days=1)]
    start = as_of.replace(day=1)
    days += [start - datetime.timedelta(days=1), start, as_of, as_of + datetime.timedelta(days=1)]
    # filed 12 calendar months before as_of: long-pending only from the day after
    year_ago = D(as_of.year - 1, as_of.month, as_of.day)
    days += [year_ago - datetime.timedelta(days=1), year_ago, year_ago + datetime.timedelta(days=1)]
    return days


def generate_cases(*, n: int, seed: int, as_of: datetime.date) -> list[Case]:
    rng = random.Random(seed)
    intermediate = CourtFactory(code="苏05", level=CourtLevel.INTERMEDIATE, parent=None)
    courts = [intermediate] + [
        CourtFactory(code=code, level=CourtLevel.BASIC, parent=intermediate)
        for code in ("苏0505", "苏0506", "苏0507")
    ]
    judges = []
    for court in courts:
        for name in ("民一庭", "刑事审判庭", "执行局"):
            division = DivisionFactory(court=court, name=name)
            judges += [
                JudgeFactory(division=division, staff_id=f"{court.code[-2:]}{name[0]}{k}")
                for k in range(rng.choice([1, 2, 3]))
            ]
    boundaries = _boundary_days(as_of)
    earliest = as_of - datetime.timedelta(days=800)

    def some_day(after: datetime.date | None = None) -> datetime.date:
        if rng.random() < 0.25:
            day = rng.choice(boundaries)
            if after is None or day >= after:
                return day
        low = after or earliest
        return low + datetime.timedelta(days=rng.randint(0, max(0, (as_of - low).days + 40)))

    serials: dict[tuple, int] = defaultdict(int)
    codes, weights = zip(*TYPE_MIX.items(), strict=True)
    cases: list[Case] = []
    first_instance: list[Case] = []
    linked: dict[tuple[str, str], set] = defaultdict(set)  # (procedure, origin number)

    for _ in range(n):
        judge = rng.choice(judges)
        type_code = rng.choices(codes, weights)[0]
        category, procedure = TYPE_CODES[type_code]
        filed_on = some_day()
        serials[(judge.court_id, type_code, filed_on.year)] += 1
        serial = serials[(judge.court_id, type_code, filed_on.year)]
        case = Case(
            case_number=f"（{filed_on.year}）{judge.court.code}{type_code}{serial}号",
            year=filed_on.year,
            court=judge.court,
            division=judge.division,
            judge=judge,
            type_code=type_code,
            serial=serial,
            category=category,
            procedure=procedure,
            track="summary" if procedure == Procedure.FIRST_INSTANCE and rng.random() < 0.4 else "",
            filed_on=filed_on,
            excluded_days=rng.choice([0, 0, 0, 5, 30, 400]),
            extension_days=rng.choice([0, 0, 0, 30]),
        )
        if procedure == Procedure.FIRST_INSTANCE and not case.track:
            case.track = "ordinary"
        if rng.random() < 0.1:
            case.deadline_on = filed_on + datetime.timedelta(days=rng.randint(10, 200))
        if rng.random() < 0.6:
            if case.deadline_on and rng.random() < 0.4:
                # closed on the deadline day, or the day after
                case.closed_on = case.deadline_on + datetime.timedelta(days=rng.choice([0, 1]))
            else:
                case.closed_on = some_day(after=filed_on)
            methods = CLOSING_BY_PROCEDURE.get(procedure, ["ruling", "other", "transfer"])
            case.closing_method = rng.choice(methods)
        if case.closed_on is not None and rng.random() < 0.15:
            # a deadline on the closing day, or the day before it
            case.deadline_on = case.closed_on - datetime.timedelta(days=rng.choice([0, 1]))
        if procedure == Procedure.ENFORCEMENT:
            case.amount_applied = rng.choice(
                [None, Decimal("0"), Decimal(rng.randint(1, 10**6)) / 100]
            )
            if rng.random() < 0.8:
                # recovered is usually part of the claim; a record without a claim may have some
                claim = case.amount_applied or Decimal(rng.randint(1, 10**4))
                case.amount_recovered = (claim * Decimal(rng.random())).quantize(Decimal("0.01"))
        if procedure == Procedure.FIRST_INSTANCE:
            roll = rng.random()
            if roll < 0.15:
                case.appealed = rng.random() < 0.5
            if roll < 0.08:
                case.appeal_outcome = rng.choice(list(Outcome))
                case.appeal_decided_on = some_day(after=filed_on)
            if rng.random() < 0.05:
                case.retrial_outcome = rng.choice(list(Outcome))
                case.retrial_decided_on = some_day(after=filed_on)
        # Derived proceedings link to an earlier first-instance case (at most one of each kind).
        if procedure in (Procedure.SECOND_INSTANCE, Procedure.RETRIAL) and first_instance:
            origin = rng.choice(first_instance)
            if origin.case_number not in linked[procedure] and rng.random() < 0.8:
                linked[procedure].add(origin.case_number)
                case.origin_case_number = origin.case_number
        elif rng.random() < 0.1:
            case.origin_case_number = f"（{filed_on.year - 1}）苏0599民初{rng.randint(1, 999)}号"
        if case.closed_on is not None and case.closed_on > as_of + datetime.timedelta(days=30):
            case.closed_on = None
            case.closing_method = ""
        cases.append(case)
        if procedure == Procedure.FIRST_INSTANCE:
            first_instance.append(case)

    _optional_columns(cases, random.Random(seed + 1), as_of)
    Case.objects.bulk_create(cases)
    case_derived_refresh()
    return list(Case.objects.all())


def _optional_columns(cases: list[Case], rng: random.Random, as_of: datetime.date) -> None:
    """The optional columns of the SPC's 2024 indicators (DATA_FORMAT.md), on the cases of the
    courts whose export has them (苏0507's lacks them): hearing_held on closed appeals, the
    appeal dates on appealed first-instance cases. A generator of its own, so the other columns
    are what they were before these existed."""
    appealed = {
        case.origin_case_number for case in cases if case.procedure == Procedure.SECOND_INSTANCE
    }
    appealed |= {case.case_number for case in cases if case.appealed}
    for case in cases:
        if case.court.code == "苏0507" or case.closed_on is None:
            continue
        if case.procedure == Procedure.SECOND_INSTANCE and rng.random() < 0.8:
            case.hearing_held = rng.random() < 0.6
        if (
            case.procedure == Procedure.FIRST_INSTANCE
            and case.case_number in appealed
            and case.appealed is not False
            and rng.random() < 0.9
        ):
            case.appeal_lodged_on = case.closed_on + datetime.timedelta(days=rng.randint(0, 15))
            if rng.random() < 0.8:
                case.appeal_transferred_on = case.appeal_lodged_on + datetime.timedelta(
                    days=rng.choice([0, 1, rng.randint(2, 60)])
                )
