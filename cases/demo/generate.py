"""Five years of the demo city's cases, generated column-wise with numpy.

Cases come in families: a court's own filing (a first-instance case, an enforcement of an
arbitration award, a preservation…) and what derives from it — an appeal at the intermediate
court, a remanded retrial back at the basic court, the enforcement of the judgment, a resumed
enforcement, an objection, a retrial. Each round derives the next generation from the last.
To hit the asked number of cases exactly, whole families are drawn at random until the count
is reached, so every kept case keeps its origin.

Days are integers (days since 1970-01-01); NO_DATE marks an empty date. The same seed, count,
today and time-limit table give the same rows.
"""

from __future__ import annotations

import datetime
import itertools

import numpy as np
import pandas as pd

from cases.casenumbers import TYPE_CODES
from cases.demo import catalogue as cat
from cases.demo.codes import (
    CAUSES,
    CLOSINGS,
    COLUMNS,
    NO_DATE,
    OUTCOMES,
    TRACKS,
    TYPE,
    TYPES,
    Rows,
    add_months,
    concat,
    day_number,
    time_limits,
    weekday,
)
from cases.demo.derive import Deriving
from cases.demo.fill import Filling
from cases.demo.people import CityPlan

__all__ = ["generate_cases", "time_limits"]
STORED = ("court", "division", "judge", "type")  # looked up by derived cases
INTERNAL = ("root", "granted", "in_time")  # not needed in the result
LITIGATION = ("民初", "刑初", "行初", "民终", "刑终", "行终", "民再", "刑再", "行再")


class CaseGenerator(Filling, Deriving):
    def __init__(
        self, *, plan: CityPlan, seed: int, today: datetime.date, limits, serials=None
    ) -> None:
        # Last serial per (court, type, year) of earlier slices of the same plan (see frame).
        self.serials: dict[int, int] | None = serials
        self.rng = np.random.default_rng([seed, 2])
        self.plan = plan
        self.limits = limits
        self.today = day_number(today)
        start = (
            today.replace(year=today.year - 5)
            if not (today.month == 2 and today.day == 29)
            else datetime.date(today.year - 5, 3, 1)
        )
        self.start = day_number(start) + 1
        self.intermediate = plan.top_index
        self.court_efficiency = np.array([c.efficiency for c in plan.courts])
        self.court_mediation = np.array([c.mediation_share for c in plan.courts])
        self.division_kind = np.array([d.kind for d in plan.divisions])
        self.division_court = np.array([d.court for d in plan.divisions])
        self.judge_speed = np.array([j.speed for j in plan.judges])
        self.judge_lateness = np.array([j.lateness for j in plan.judges])
        self.judge_reversal = np.array([j.reversal for j in plan.judges])
        self.judges_of = {}
        judge_division = np.array([j.division for j in plan.judges])
        activity = np.array([j.activity for j in plan.judges])
        for division in range(len(plan.divisions)):
            members = np.flatnonzero(judge_division == division)
            if len(members):
                weights = activity[members]
                self.judges_of[division] = (members, np.cumsum(weights) / weights.sum())
        self.batches: list[Rows] = []
        self.size = 0
        self.store: Rows = {}
        self._division_choices: dict = {}

    # --- the whole run -------------------------------------------------------------------

    def generate(self, count: int) -> pd.DataFrame:
        frontier = self.add(self.fill(self.primaries(count)))
        while True:
            # What later generations look up of their origins, by global row index.
            self.store = concat([{k: b[k] for k in STORED} for b in self.batches])
            children = concat([rows for rows in self.derive(frontier) if len(rows["court"])])
            if not children:
                break
            frontier = self.add(self.fill(children))
        rows = concat(self.batches)
        keep = self.families(rows, count)
        self.long_pending_ensure(rows, keep)
        return self.frame(rows, keep)

    def add(self, rows: Rows) -> Rows:
        size = len(rows["court"])
        rows["index"] = np.arange(self.size, self.size + size)
        rows["root"] = np.where(rows["root"] < 0, rows["index"], rows["root"])
        rows["key"] = self.rng.integers(0, 2**62, size=size)
        self.size += size
        self.batches.append(rows)
        return rows

    def families(self, rows: Rows, count: int) -> np.ndarray:
        """Whole families, drawn at random until `count` cases: a mask over rows."""
        sizes = np.bincount(rows["root"], minlength=self.size)
        roots = self.rng.permutation(np.flatnonzero(rows["root"] == rows["index"]))
        reached = np.cumsum(sizes[roots])
        last = min(int(np.searchsorted(reached, count)), len(roots) - 1)
        chosen = roots[: last + 1]
        excess = int(reached[last]) - count
        if excess > 0:  # drop as many single-case families as the last family overshot
            singles = chosen[:-1][sizes[chosen[:-1]] == 1]
            chosen = np.setdiff1d(chosen, singles[-excess:])
        return np.isin(rows["root"], chosen)

    def long_pending_ensure(self, rows: Rows, keep: np.ndarray) -> None:
        """At least one litigation case still pending in each long-pending bucket (DOMAIN.md:
        12–18, 18–24, 24–36, over 36 months): a small demo has them too. Taken from closed
        cases that nothing derives from."""
        months = np.array([-12, -18, -24, -36])
        bounds = [*add_months(np.full(4, self.today), months).tolist(), self.start]
        litigation = np.isin(rows["type"], [TYPE[code] for code in LITIGATION])
        pending = rows["closed"] == NO_DATE
        derived_from = np.zeros(self.size, dtype=bool)
        derived_from[rows["parent"][rows["parent"] >= 0]] = True
        for newer, older in itertools.pairwise(bounds):
            in_bucket = keep & litigation & (rows["filed"] < newer) & (rows["filed"] >= older)
            if (in_bucket & pending).any():
                continue
            candidates = np.flatnonzero(in_bucket & ~derived_from & (rows["appealed"] < 0))
            if len(candidates):
                chosen = self.rng.choice(candidates)
                rows["closed"][chosen] = NO_DATE
                rows["closing"][chosen] = 0
                rows["in_time"][chosen] = 0

    # --- a court's own filings -----------------------------------------------------------

    def primaries(self, count: int) -> Rows:
        rng = self.rng
        weights = np.array([c.weight for c in self.plan.courts])
        court = rng.choice(len(weights), size=count, p=weights / weights.sum())
        type_ = np.empty(count, dtype=np.int64)
        for index, court_plan in enumerate(self.plan.courts):
            mask = court == index
            mix = dict(cat.INTERMEDIATE_MIX if index == self.intermediate else cat.BASIC_MIX)
            if not court_plan.administrative:
                mix.pop("行初"), mix.pop("行审")
            codes = np.array([TYPE[code] for code in mix])
            shares = np.array(list(mix.values()))
            type_[mask] = rng.choice(codes, size=int(mask.sum()), p=shares / shares.sum())
        return self.new(court=court, type_=type_, filed=self.filing_days(count))

    def filing_days(self, count: int) -> np.ndarray:
        """Working days mostly; fewer in February, October and December, almost none on
        holidays; slowly growing year on year."""
        days = np.arange(self.start, self.today + 1)
        dates = pd.to_datetime(days, unit="D")
        weight = np.where(weekday(days) < 5, 1.0, 0.05)
        weight *= np.array(cat.MONTH_FACTOR)[dates.month - 1]
        weight *= 1.05 ** ((days - self.start) / 365.25)
        for (m1, d1), (m2, d2) in cat.FIXED_HOLIDAYS:
            after = (dates.month > m1) | ((dates.month == m1) & (dates.day >= d1))
            before = (dates.month < m2) | ((dates.month == m2) & (dates.day <= d2))
            weight[np.asarray(after & before)] *= 0.05
        for year, (month, day) in cat.SPRING_FESTIVAL.items():
            eve = day_number(datetime.date(year, month, day)) - 1
            weight[(days >= eve) & (days < eve + 8)] *= 0.05
        return np.sort(self.rng.choice(days, size=count, p=weight / weight.sum()))

    def new(self, *, court, type_, filed, **columns) -> Rows:
        size = len(filed)
        rows = {name: np.full(size, default, dtype=np.int64) for name, default in COLUMNS.items()}
        rows["court"][:] = court
        rows["type"][:] = type_
        rows["filed"][:] = filed
        for name, value in columns.items():
            rows[name][:] = value
        return rows

    # --- the result ------------------------------------------------------------------------

    def frame(self, rows: Rows, keep: np.ndarray) -> pd.DataFrame:
        """The kept rows as import-format values in filing order, with serial numbers per
        court, type code and year in filing order, and the plan indices of their units."""
        kept = np.flatnonzero(keep)
        rows = {name: values[kept] for name, values in rows.items() if name not in INTERNAL}
        size = len(rows["court"])
        year = rows["filed"].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
        year += 1970
        order = np.lexsort((rows["key"], rows["filed"], year, rows["type"], rows["court"]))
        group = (rows["court"] * 64 + rows["type"]) * 10_000 + year
        sorted_group = group[order]
        starts = np.r_[True, sorted_group[1:] != sorted_group[:-1]]
        position = np.arange(size)
        serial = np.empty(size, dtype=np.int64)
        serial[order] = position - np.maximum.accumulate(np.where(starts, position, 0)) + 1
        if self.serials is not None:
            serial += _serials_continue(group, serial, self.serials)
        order = np.lexsort((serial, rows["type"], rows["court"], rows["filed"]))
        rows = {name: values[order] for name, values in rows.items()}
        year, serial = year[order], serial[order]
        del group, sorted_group, starts, position
        new_position = np.full(self.size, -1)
        new_position[rows["index"]] = np.arange(size)

        court_codes = [c.code for c in self.plan.courts]
        case_number = np.array(
            [
                f"（{y}）{court_codes[c]}{TYPES[t]}{s}号"
                for y, c, t, s in zip(
                    year.tolist(), rows["court"].tolist(), rows["type"].tolist(),
                    serial.tolist(), strict=True,
                )
            ],
            dtype=object,
        )  # fmt: skip
        parent = rows["parent"]
        origin = np.where(parent >= 0, case_number[new_position[np.maximum(parent, 0)]], "")
        divisions, judges = self.plan.divisions, self.plan.judges

        def lookup(values, codes):
            return np.array(values, dtype=object)[codes]

        return pd.DataFrame(
            {
                "case_number": case_number,
                "court_code": lookup(court_codes, rows["court"]),
                "court_name": lookup([c.name for c in self.plan.courts], rows["court"]),
                "court_index": rows["court"],
                "division": lookup([d.name for d in divisions], rows["division"]),
                "division_index": rows["division"],
                "judge_id": lookup([j.staff_id for j in judges], rows["judge"]),
                "judge_name": lookup([j.name for j in judges], rows["judge"]),
                "judge_index": rows["judge"],
                "year": year,
                "type_code": lookup(TYPES, rows["type"]),
                "serial": serial,
                "category": lookup([str(TYPE_CODES[t][0]) for t in TYPES], rows["type"]),
                "procedure": lookup([str(TYPE_CODES[t][1]) for t in TYPES], rows["type"]),
                "track": lookup(TRACKS, rows["track"]),
                "cause": lookup(CAUSES, rows["cause"]),
                "filed_on": _dates(rows["filed"]),
                "closed_on": _dates(rows["closed"]),
                "closing_method": lookup(CLOSINGS, rows["closing"]),
                "deadline_on": _dates(rows["deadline_on"]),
                "extension_days": rows["extension"],
                "excluded_days": rows["excluded"],
                "origin_case_number": origin,
                "origin_index": np.where(parent >= 0, new_position[np.maximum(parent, 0)], -1),
                "deadline": _dates(rows["deadline"]),
                "appealed": lookup([None, False, True], rows["appealed"] + 1),
                "appeal_outcome": lookup(OUTCOMES, rows["appeal_outcome"]),
                "appeal_decided_on": _dates(rows["appeal_decided"]),
                "retrial_outcome": lookup(OUTCOMES, rows["retrial_outcome"]),
                "retrial_decided_on": _dates(rows["retrial_decided"]),
                "amount_applied": _yuan(rows["applied"]),
                "amount_recovered": _yuan(rows["recovered"]),
                **self.spc_columns(rows),
            }
        )

    def spc_columns(self, rows: Rows) -> dict[str, np.ndarray]:
        """The three columns of the SPC's 2024 indicators 16 and 17 (DATA_FORMAT.md), as the
        courts whose systems export them would send them: every other court of the plan (the
        first included), so that the demo shows values and "no data" side by side. Drawn from
        each row's own key, so the other columns' random draws are unchanged."""
        procedures = np.array([str(TYPE_CODES[t][1]) for t in TYPES])[rows["type"]]
        exports = rows["court"] % 2 == 0
        closed = rows["closed"] != NO_DATE
        key = rows["key"]
        second = procedures == "second_instance"
        heard = exports & closed & second
        hearing = np.where(heard, (key % 10 < 7).astype(np.int64), -1)
        # An appeal is lodged after the closing and sent up before the appeal is filed: the
        # first second-instance case derived from it bounds both days.
        never = np.iinfo(np.int64).max
        appeal_filed = np.full(len(key), never, dtype=np.int64)
        order = np.argsort(rows["index"])
        children = second & (rows["parent"] >= 0)
        where = np.searchsorted(rows["index"], rows["parent"][children], sorter=order)
        where = np.minimum(where, len(order) - 1)
        found = rows["index"][order[where]] == rows["parent"][children]
        np.minimum.at(appeal_filed, order[where[found]], rows["filed"][children][found])
        first = exports & closed & (procedures == "first_instance")
        appealed = first & ((rows["appealed"] == 1) | (appeal_filed < never))
        latest = np.minimum(appeal_filed, self.today)
        lodged = np.minimum(rows["closed"] + 1 + key % 15, latest)
        lodged = np.where(appealed & (lodged >= rows["closed"]), lodged, NO_DATE)
        transferred = np.minimum(lodged + 3 + (key >> 8) % 38, latest)
        transferred = np.where(lodged != NO_DATE, transferred, NO_DATE)
        return {
            "hearing_held": np.array([None, False, True], dtype=object)[hearing + 1],
            "appeal_lodged_on": _dates(lodged),
            "appeal_transferred_on": _dates(transferred),
        }


def _serials_continue(group: np.ndarray, serial: np.ndarray, last: dict[int, int]) -> np.ndarray:
    """What to add to each row's serial so that its group (court, type, year) continues after
    the last serial of earlier slices; `last` is brought up to date."""
    keys, inverse = np.unique(group, return_inverse=True)
    offsets = np.array([last.get(int(key), 0) for key in keys], dtype=np.int64)
    highest = np.zeros(len(keys), dtype=np.int64)
    np.maximum.at(highest, inverse, serial)
    for key, offset, high in zip(keys.tolist(), offsets.tolist(), highest.tolist(), strict=True):
        last[key] = offset + high
    return offsets[inverse]


def _dates(days: np.ndarray) -> np.ndarray:
    return np.where(days == NO_DATE, np.int64(-(2**63)), days).astype("datetime64[D]")


def _yuan(cents: np.ndarray) -> np.ndarray:
    return np.where(cents < 0, np.nan, cents / 100.0)


def generate_cases(
    *, plan: CityPlan, count: int, seed: int, today: datetime.date, limits, serials=None
) -> pd.DataFrame:
    """The demo city's cases as a frame of import-format columns (DATA_FORMAT.md), plus the
    plan indices of their court, division and judge.

    `serials` (a dict, updated): for one slice of a larger set generated in slices, each with
    its own seed — the last serial per court, type and year of the earlier slices, so that case
    numbers stay unique (serials follow filing order within a slice, not across slices)."""
    generator = CaseGenerator(plan=plan, seed=seed, today=today, limits=limits, serials=serials)
    return generator.generate(count)
