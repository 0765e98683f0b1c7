"""The demo city's courts, divisions and judges, as a plan (no database): the same seed gives
the same people whatever the number of cases. A province is a list of such plans
(cases.demo.province)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cases.choices import CourtLevel
from cases.demo import catalogue as cat

DEMO_BASIC_COURT = "苏0505"


@dataclass(frozen=True)
class CourtPlan:
    code: str
    name: str
    level: str
    parent_code: str | None
    weight: float
    efficiency: float  # > 1: more late and long-pending cases than its peers
    mediation_share: float  # civil first instance closed by mediation or withdrawal
    administrative: bool


@dataclass(frozen=True)
class DivisionPlan:
    court: int  # index into CityPlan.courts
    name: str
    kind: str  # a catalogue division name, or catalogue.TRIBUNAL


@dataclass(frozen=True)
class JudgePlan:
    court: int
    division: int  # index into CityPlan.divisions
    staff_id: str
    name: str
    activity: float  # relative share of the division's cases
    speed: float  # < 1: closes sooner
    lateness: float  # multiplies the rates of late and long-pending cases
    reversal: float  # multiplies the rates of being modified or remanded on appeal


@dataclass(frozen=True)
class CityPlan:
    courts: tuple[CourtPlan, ...]
    divisions: tuple[DivisionPlan, ...]
    judges: tuple[JudgePlan, ...]

    @property
    def top_index(self) -> int:
        """The court above the others (the intermediate court of a city; a high court alone)."""
        return next(i for i, court in enumerate(self.courts) if court.level != CourtLevel.BASIC)

    def court_index(self, code: str) -> int:
        return next(i for i, court in enumerate(self.courts) if court.code == code)

    def division_index(self, court: int, name: str) -> int | None:
        for i, division in enumerate(self.divisions):
            if division.court == court and division.name == name:
                return i
        return None


def city_plan(seed: int) -> CityPlan:
    """The demo city: 苏州市中级人民法院 (the deployment's top court) and its basic courts."""
    return court_system_plan(
        np.random.default_rng([seed, 1]),
        top=cat.INTERMEDIATE,
        basics=cat.BASIC_COURTS,
        busy_court=DEMO_BASIC_COURT,
    )


def court_system_plan(
    rng: np.random.Generator,
    *,
    top: cat.CourtSpec,
    basics: tuple[cat.CourtSpec, ...] = (),
    top_level: str = CourtLevel.INTERMEDIATE,
    top_parent: str | None = None,
    busy_court: str | None = None,
) -> CityPlan:
    """One court over its basic courts (none: a court alone, e.g. a province's high court):
    their divisions and judges. `top_parent`: the code of the court above the top one."""
    specs = (top, *basics)
    courts = []
    for spec in specs:
        is_top = spec is top
        courts.append(
            CourtPlan(
                code=spec.code,
                name=spec.name,
                level=top_level if is_top else CourtLevel.BASIC,
                parent_code=top_parent if is_top else top.code,
                weight=spec.weight,
                efficiency=1.0 if is_top else float(rng.lognormal(0.0, 0.45)),
                mediation_share=float(rng.uniform(0.36, 0.52)),
                administrative=spec.administrative,
            )
        )
    divisions: list[DivisionPlan] = []
    staff: list[int] = []
    for court_index, spec in enumerate(specs):
        for kind, count in _staffing(spec, top=spec is top).items():
            if kind == cat.TRIBUNAL:
                for tribunal in spec.tribunals:
                    divisions.append(DivisionPlan(court_index, tribunal, cat.TRIBUNAL))
                    staff.append(max(2, round(count / len(spec.tribunals))))
            else:
                divisions.append(DivisionPlan(court_index, kind, kind))
                staff.append(count)
    judges = []
    names = _names(rng, sum(staff))
    # The demo judge's desk (the first civil judge of the demo basic court) is a busy one.
    busy = (plan_court_index(specs, busy_court), cat.CIVIL_1) if busy_court else None
    by_court: dict[int, int] = {}
    for division_index, (division, count) in enumerate(zip(divisions, staff, strict=True)):
        for position in range(count):
            first_of_division = position == 0
            number = by_court.get(division.court, 0) + 1
            by_court[division.court] = number
            judges.append(
                JudgePlan(
                    court=division.court,
                    division=division_index,
                    staff_id=f"J{number:04d}",
                    name=names[len(judges)],
                    activity=float(rng.lognormal(0.0, 0.35))
                    * (2.5 if first_of_division and (division.court, division.name) == busy else 1),
                    speed=float(rng.lognormal(0.0, 0.12)),
                    lateness=float(rng.lognormal(0.0, 0.5)),
                    reversal=float(rng.lognormal(0.0, 0.5)),
                )
            )
    return CityPlan(tuple(courts), tuple(divisions), tuple(judges))


def plan_court_index(specs, code: str) -> int:
    return next(i for i, spec in enumerate(specs) if spec.code == code)


def _staffing(spec: cat.CourtSpec, *, top: bool) -> dict[str, int]:
    if top:
        return dict(cat.INTERMEDIATE_STAFF)
    shares = dict(cat.BASIC_STAFF)
    if not spec.administrative:
        shares.pop(cat.ADMINISTRATIVE)
    if not spec.tribunals:
        shares.pop(cat.TRIBUNAL)
    total = sum(shares.values())
    return {
        kind: (max(2, round(spec.judges * share / total)) if share else 0)
        for kind, share in shares.items()
    }


def _names(rng: np.random.Generator, count: int) -> list[str]:
    """Distinct Chinese names: surname by rank (frequent first), one or two given characters."""
    surnames = list(cat.SURNAMES)
    weights = 1.0 / np.arange(1, len(surnames) + 1) ** 0.8
    weights /= weights.sum()
    characters = list(dict.fromkeys(cat.GIVEN_CHARACTERS))
    seen: set[str] = set()
    names: list[str] = []
    while len(names) < count:
        surname = surnames[rng.choice(len(surnames), p=weights)]
        size = 1 if rng.random() < 0.3 else 2
        given = "".join(characters[i] for i in rng.choice(len(characters), size=size))
        if len(given) == 2 and given[0] == given[1]:
            continue
        name = surname + given
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names
