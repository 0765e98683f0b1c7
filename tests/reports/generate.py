"""Case sets for the reports tests.

- `health_city(plant=…)`: a year and a half of a small city's cases with nothing odd about
  them, and, on request, one planted problem per health-check rule at a named judge or
  division. Shares that the rules compare (withdrawals, reversals, closing days) are laid out
  evenly, not drawn at random, so that "clean" means clean.
- `trend_city(…)`: four years of one court whose filings grow and whose closings follow a
  fixed pattern with a year-end push, for the projections.
"""

from __future__ import annotations

import calendar
import datetime
import random
from dataclasses import dataclass, field

from cases.casenumbers import TYPE_CODES
from cases.choices import ClosingMethod, CourtLevel, Outcome
from cases.models import Case, Judge
from cases.services import case_derived_refresh
from tests.factories import CourtFactory, DivisionFactory, JudgeFactory

D = datetime.date
AS_OF = D(2025, 6, 30)
WINDOW = D(2024, 7, 1)  # the health check's first day, as of AS_OF
DIVISIONS = {"民一庭": "民初", "刑事审判庭": "刑初"}
JUDGES_PER_DIVISION = 4
PLANTS = (
    "month_end_closings",
    "year_end_closings",
    "stalled_long_pending",
    "repeated_extensions",
    "high_withdrawal_share",
    "reversal_cluster",
    "held_back_filings",
)
# Who carries each planted problem: (court, division, judge number) or (court, division).
PLANTED_AT = {
    "month_end_closings": ("苏0505", "民一庭", 1),
    "year_end_closings": ("苏0505", "刑事审判庭", 2),
    "stalled_long_pending": ("苏0506", "民一庭", 3),
    "repeated_extensions": ("苏0506", "刑事审判庭", 1),
    "high_withdrawal_share": ("苏0506", "民一庭", 2),
    "reversal_cluster": ("苏05", "民一庭", 4),
    "held_back_filings": ("苏0507", "民一庭"),
}


@dataclass
class Built:
    judges: dict[tuple, Judge] = field(default_factory=dict)  # (court, division, n) -> judge
    planted: dict[str, set[int]] = field(default_factory=dict)  # plant -> its case ids


class _Numbers:
    def __init__(self):
        self.serials: dict[tuple, int] = {}

    def next(self, court_code: str, type_code: str, year: int) -> tuple[str, int]:
        key = (court_code, type_code, year)
        self.serials[key] = self.serials.get(key, 0) + 1
        serial = self.serials[key]
        return f"（{year}）{court_code}{type_code}{serial}号", serial


def _case(numbers: _Numbers, judge: Judge, type_code: str, filed_on, **fields) -> Case:
    number, serial = numbers.next(judge.court.code, type_code, filed_on.year)
    category, procedure = TYPE_CODES[type_code]
    fields.setdefault("track", "ordinary")
    return Case(
        case_number=number,
        year=filed_on.year,
        court=judge.court,
        division=judge.division,
        judge=judge,
        type_code=type_code,
        serial=serial,
        category=category,
        procedure=procedure,
        filed_on=filed_on,
        **fields,
    )


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _units() -> dict[tuple, Judge]:
    city = CourtFactory(code="苏05", name="苏州市中级人民法院", level=CourtLevel.INTERMEDIATE)
    courts = [city] + [
        CourtFactory(code=code, level=CourtLevel.BASIC, parent=city)
        for code in ("苏0505", "苏0506", "苏0507")
    ]
    judges = {}
    for court in courts:
        for name in DIVISIONS:
            division = DivisionFactory(court=court, name=name)
            for n in range(1, JUDGES_PER_DIVISION + 1):
                judges[(court.code, name, n)] = JudgeFactory(
                    division=division,
                    staff_id=f"{court.code}-{name}-{n}",
                    name=f"{court.code}{name}{n}号法官",
                )
    return judges


def health_city(*, plant: tuple[str, ...] = (), seed: int = 7) -> Built:
    """About 2,400 cases filed from 2024-01-01 to 2025-06-30 (checked as of AS_OF)."""
    rng = random.Random(seed)
    numbers = _Numbers()
    built = Built(judges=_units())
    cases: list[Case] = []
    tags: dict[int, str] = {}  # index in `cases` -> plant

    def add(case: Case, tag: str = "") -> Case:
        if tag:
            tags[len(cases)] = tag
        cases.append(case)
        return case

    held_at = PLANTED_AT["held_back_filings"] if "held_back_filings" in plant else None
    for (court, division, n), judge in built.judges.items():
        type_code = DIVISIONS[division]
        closings = 0
        day = D(2024, 1, 1) + datetime.timedelta(days=(n * 2) % 5)
        while day <= AS_OF:
            filed = day
            if (
                held_at
                and (court, division) == held_at
                and D(2024, 12, 16) <= filed <= D(2024, 12, 31)
            ):
                # Held back: filed in the first days of January instead.
                filed = D(2025, 1, 2) + datetime.timedelta(days=(filed.day - 16) % 9)
            duration = 20 + rng.randrange(0, 120)
            closed = filed + datetime.timedelta(days=duration)
            case = _case(numbers, judge, type_code, filed)
            if closed <= AS_OF:
                closings += 1
                case.closed_on = closed
                case.closing_method = ClosingMethod.JUDGMENT
                if type_code == "民初" and closings % 5 == 0:
                    case.closing_method = ClosingMethod.WITHDRAWAL
                elif type_code == "民初" and closings % 5 == 1:
                    case.closing_method = ClosingMethod.MEDIATION
                # One reversal on appeal per judge, early enough to be decided in the window.
                if closings == 30:
                    case.appealed = True
                    case.appeal_outcome = Outcome.MODIFIED
                    case.appeal_decided_on = closed + datetime.timedelta(days=60)
            add(case, "held_back_filings" if filed != day else "")
            day += datetime.timedelta(days=7 + rng.randrange(-1, 2) if n % 2 else 6)
        # A long-pending case each, with recent work on it (not stalled).
        add(_case(numbers, judge, type_code, D(2023, 11, 1) + datetime.timedelta(days=n)))

    def judge(name: str) -> Judge:
        return built.judges[PLANTED_AT[name]]

    if "month_end_closings" in plant:
        # Six in ten closings of a judge (in the checked year) moved to the last day of their
        # month.
        mine = [
            c
            for c in cases
            if c.judge == judge("month_end_closings") and c.closed_on and c.closed_on >= WINDOW
        ]
        for index, case in enumerate(mine):
            if index % 10 < 6:
                case.closed_on = max(_month_end(case.closed_on), case.filed_on)
                tags[cases.index(case)] = "month_end_closings"
    if "year_end_closings" in plant:
        who = judge("year_end_closings")
        for index in range(16):
            filed = D(2024, 9, 2) + datetime.timedelta(days=3 * index)
            closed = D(2024, 12, 25) + datetime.timedelta(days=index % 4)
            add(
                _case(numbers, who, DIVISIONS[who.division.name], filed, closed_on=closed,
                      closing_method=ClosingMethod.JUDGMENT),
                "year_end_closings",
            )  # fmt: skip
    if "stalled_long_pending" in plant:
        who = judge("stalled_long_pending")
        for index in range(3):
            filed = D(2023, 9, 1) + datetime.timedelta(days=10 * index)
            add(_case(numbers, who, "民初", filed), "stalled_long_pending")
    if "repeated_extensions" in plant:
        who = judge("repeated_extensions")
        for index in range(3):
            filed = D(2024, 10, 1) + datetime.timedelta(days=5 * index)
            # 刑初 ordinary: 3 months, extended by 200 days
            add(_case(numbers, who, "刑初", filed, extension_days=200), "repeated_extensions")
    if "high_withdrawal_share" in plant:
        who = judge("high_withdrawal_share")
        for index in range(40):
            filed = D(2024, 9, 1) + datetime.timedelta(days=4 * index)
            method = ClosingMethod.WITHDRAWAL if index % 10 < 8 else ClosingMethod.JUDGMENT
            add(
                _case(numbers, who, "民初", filed, closed_on=filed + datetime.timedelta(days=30),
                      closing_method=method),
                "high_withdrawal_share" if method == ClosingMethod.WITHDRAWAL else "",
            )  # fmt: skip
    if "reversal_cluster" in plant:
        who = judge("reversal_cluster")
        mine = [
            c
            for c in cases
            if c.judge == who and c.closed_on and D(2024, 7, 1) <= c.closed_on <= D(2025, 3, 1)
        ]
        for case in mine[:6]:
            case.cause = "买卖合同纠纷"
            case.appealed = True
            case.appeal_outcome = Outcome.REMANDED
            case.appeal_decided_on = case.closed_on + datetime.timedelta(days=45)
            tags[cases.index(case)] = "reversal_cluster"
    if "held_back_filings" in plant:
        # …and a batch of the held-back filings on top, in the first days of January.
        court, division = held_at
        for index in range(16):
            who = built.judges[(court, division, 1 + index % JUDGES_PER_DIVISION)]
            filed = D(2025, 1, 2) + datetime.timedelta(days=index % 8)
            add(_case(numbers, who, DIVISIONS[division], filed), "held_back_filings")
    else:
        tags = {index: tag for index, tag in tags.items() if tag != "held_back_filings"}

    Case.objects.bulk_create(cases)
    case_derived_refresh(case_ids=[case.id for case in cases])
    # Work was recorded on every pending case ten days ago…
    Case.objects.filter(pk__in=[c.id for c in cases]).update(
        updated_at=datetime.datetime(2025, 6, 20, 10, tzinfo=datetime.UTC)
    )
    for index, tag in tags.items():
        built.planted.setdefault(tag, set()).add(cases[index].id)
    if "stalled_long_pending" in plant:
        # …except on these, untouched since last autumn.
        Case.objects.filter(pk__in=built.planted["stalled_long_pending"]).update(
            updated_at=datetime.datetime(2024, 10, 8, 10, tzinfo=datetime.UTC)
        )
    return built


def trend_city(
    *,
    start: datetime.date,
    end: datetime.date,
    seed: int,
    per_day: float = 6.0,
    growth: float = 0.08,
    year_end_push: float = 0.45,
    seasons: bool = True,
) -> list[Case]:
    """One basic court of three judges (civil first instance), filings growing by `growth` a
    year with fewer in February and October and more in March (unless not `seasons`), each
    case closing 20–200 days after filing, and a year-end push: a case due to close between
    1 January and 15 February closes in the last three weeks of December instead, with
    probability `year_end_push`."""
    rng = random.Random(seed)
    city = CourtFactory(code="苏05", name="苏州市中级人民法院", level=CourtLevel.INTERMEDIATE)
    court = CourtFactory(code="苏0505", level=CourtLevel.BASIC, parent=city)
    division = DivisionFactory(court=court, name="民一庭")
    judges = [JudgeFactory(division=division, staff_id=f"T{n}") for n in range(3)]
    month_factor = {2: 0.6, 3: 1.25, 10: 0.8} if seasons else {}
    numbers = _Numbers()
    cases = []
    day = start
    while day <= end:
        years = (day - start).days / 365.25
        rate = per_day * (1 + growth) ** years * month_factor.get(day.month, 1.0)
        # Poisson by inversion: a day's filings
        count, threshold, product = 0, pow(2.718281828459045, -rate), rng.random()
        while product > threshold:
            count += 1
            product *= rng.random()
        for _ in range(count):
            judge = rng.choice(judges)
            closed = day + datetime.timedelta(days=20 + int(rng.expovariate(1 / 60)) % 180)
            january = D(closed.year, 1, 1)
            if (
                closed.month <= 2
                and (closed - january).days < 46
                and day < D(closed.year - 1, 12, 1)
            ):
                if rng.random() < year_end_push:
                    closed = D(closed.year - 1, 12, 10) + datetime.timedelta(days=rng.randrange(22))
            roll = rng.random()
            method = (
                ClosingMethod.MEDIATION if roll < 0.25
                else ClosingMethod.WITHDRAWAL if roll < 0.40
                else ClosingMethod.JUDGMENT
            )  # fmt: skip
            cases.append(
                _case(numbers, judge, "民初", day, closed_on=closed, closing_method=method,
                      track="summary" if rng.random() < 0.6 else "ordinary")
            )  # fmt: skip
        day += datetime.timedelta(days=1)
    Case.objects.bulk_create(cases, batch_size=2000)
    case_derived_refresh(case_ids=[case.id for case in cases])
    return cases
