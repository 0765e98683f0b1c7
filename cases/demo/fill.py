"""Filling in a generation of cases: division, judge, track, cause, timing, closing method
and enforcement amounts, drawn per group of rows."""

from __future__ import annotations

import numpy as np

from cases.demo import catalogue as cat
from cases.demo.codes import (
    CAUSE,
    CLOSING,
    FIRST_INSTANCE,
    FIRST_OF,
    NO_DATE,
    RETRIAL_OF,
    TRACK,
    TRACKS,
    TYPE,
    TYPES,
    Rows,
    add_months,
    groups,
    weekday,
)


class Filling:
    """Part of generate.CaseGenerator: completes new rows (its rng, plan arrays, store)."""

    def fill(self, rows: Rows) -> Rows:
        if not len(rows["court"]):
            return rows
        self.pick_divisions(rows)
        self.pick_judges(rows)
        self.pick_tracks(rows)
        self.pick_causes(rows)
        self.draw_timing(rows)
        self.draw_closing(rows)
        self.draw_amounts(rows)
        return rows

    def pick_divisions(self, rows: Rows) -> None:
        missing = np.flatnonzero(rows["division"] < 0)
        for (court, type_), at in groups(rows["court"][missing], rows["type"][missing]):
            candidates, weights = self.division_choices(court, type_)
            rows["division"][missing[at]] = self.rng.choice(candidates, size=len(at), p=weights)

    def division_choices(self, court: int, type_: int) -> tuple[list[int], np.ndarray]:
        cached = self._division_choices.get((court, type_))
        if cached is None:
            candidates, weights = [], []
            for kind, share in _division_kinds(TYPES[type_], court == self.intermediate).items():
                found = [
                    i
                    for i, d in enumerate(self.plan.divisions)
                    if d.court == court and d.kind == kind
                ]
                candidates += found
                weights += [share / max(len(found), 1)] * len(found)
            if not candidates:  # e.g. no administrative division: the filing division
                candidates, weights = [self.plan.division_index(court, cat.FILING)], [1.0]
            cached = candidates, np.array(weights) / sum(weights)
            self._division_choices[(court, type_)] = cached
        return cached

    def pick_judges(self, rows: Rows) -> None:
        for (division,), at in groups(rows["division"]):
            members, cumulative = self.judges_of[division]
            position = np.searchsorted(cumulative, self.rng.random(len(at)))
            rows["judge"][at] = members[np.minimum(position, len(members) - 1)]

    def pick_tracks(self, rows: Rows) -> None:
        missing = rows["track"] < 0
        rows["track"][missing] = TRACK[""]
        first = np.flatnonzero(missing & np.isin(rows["type"], [TYPE[c] for c in FIRST_INSTANCE]))
        kind = self.division_kind[rows["division"][first]]
        setting = np.select([kind == cat.TRIBUNAL, kind == cat.CIVIL_3], [1, 2], 0)
        setting[rows["court"][first] == self.intermediate] = 3
        names = ("basic", "tribunal", "ip")
        for (type_, context), at in groups(rows["type"][first], setting):
            code = TYPES[type_]
            if context == 3:  # an intermediate court has no simplified tracks
                rows["track"][first[at]] = TRACK["ordinary"]
                continue
            shares = cat.TRACKS.get((code, names[context])) or cat.TRACKS[(code, "basic")]
            values = np.array([TRACK[t] for t in shares])
            p = np.array(list(shares.values()))
            rows["track"][first[at]] = self.rng.choice(values, size=len(at), p=p / p.sum())

    def pick_causes(self, rows: Rows) -> None:
        missing = np.flatnonzero(rows["cause"] < 0)
        for (type_, division), at in groups(rows["type"][missing], rows["division"][missing]):
            name = _cause_group(
                TYPES[type_],
                self.division_kind[division],
                self.division_court[division] == self.intermediate,
            )
            causes = cat.CAUSES[name]
            values = np.array([CAUSE[c] for c in causes])
            p = np.array(list(causes.values()))
            rows["cause"][missing[at]] = self.rng.choice(values, size=len(at), p=p / p.sum())

    def draw_timing(self, rows: Rows) -> None:
        rng, size = self.rng, len(rows["court"])
        filed = rows["filed"]
        duration = np.zeros(size, dtype=np.int64)
        in_time = np.ones(size, dtype=bool)
        base = np.zeros(size, dtype=np.int64)
        lateness = self.court_efficiency[rows["court"]] * self.judge_lateness[rows["judge"]]
        speed = self.judge_speed[rows["judge"]]
        for (type_, track), mask in groups(rows["type"], rows["track"]):
            code, track_value = TYPES[type_], TRACKS[track]
            timing = cat.TIMINGS.get((code, track_value)) or cat.TIMINGS[(code, "")]
            n = len(mask)
            limit = self.limits.get((code, track_value))
            if timing.deadline_days or timing.deadline_months:
                end = add_months(filed[mask], timing.deadline_months) + timing.deadline_days
                rows["deadline_on"][mask] = end
            elif limit is not None:
                end = add_months(filed[mask], limit[0]) + limit[1]
            else:
                duration[mask] = np.round(
                    rng.lognormal(np.log(timing.median_days), timing.sigma, n) * speed[mask]
                )
                continue
            base[mask] = end - filed[mask]
            if not (timing.deadline_days or timing.deadline_months):
                rows["extension"][mask] = np.where(
                    rng.random(n) < timing.extension_rate, timing.extension_days, 0
                )
                rows["excluded"][mask] = np.where(
                    rng.random(n) < timing.excluded_rate,
                    rng.lognormal(np.log(60), 0.8, n).clip(10, 400).astype(np.int64),
                    0,
                )
            allowed = base[mask] + rows["extension"][mask] + rows["excluded"][mask]
            extra = allowed > base[mask]
            share = (rng.beta(*timing.shape, n) * speed[mask]).clip(0.02, 1.0)
            # A case that got more time used some of it: it ran past most of its base limit.
            lower = np.where(extra, 0.8 * base[mask], 0)
            within = np.maximum(1, np.ceil(lower + (allowed - lower) * share)).astype(np.int64)
            late = allowed + 1 + rng.geometric(1 / 35, n)
            long = allowed + rng.lognormal(np.log(300), 0.9, n).astype(np.int64)
            mode = rng.random(n)
            p_long = timing.long_rate * lateness[mask]
            p_late = timing.overdue_rate * lateness[mask]
            duration[mask] = np.select(
                [mode < p_long, mode < p_long + p_late], [long, late], within
            )
            in_time[mask] = mode >= p_long + p_late
        closed = filed + duration
        # Year-end push: part of what would close in early January closes in late December.
        year = closed.astype("datetime64[D]").astype("datetime64[Y]").astype("datetime64[M]")
        january = year.astype("datetime64[D]").astype(np.int64)
        december = (year - 1).astype("datetime64[D]").astype(np.int64) + 9
        early = in_time & (closed - january < 46)
        pulled = early & (filed < december - 9) & (rng.random(size) < 0.3)
        closed = np.where(pulled, december + rng.integers(0, 22, size), closed)
        # Weekends: closing papers are signed on Friday.
        day = weekday(closed)
        shift = np.select([day == 5, day == 6], [1, 2], 0)
        closed = np.where(in_time & (closed - shift >= filed), closed - shift, closed)
        pending = closed > self.today
        rows["closed"] = np.where(pending, NO_DATE, closed)
        # A pending case has not had its extension yet unless it is near its base limit, and
        # cannot have had more deducted days than days.
        elapsed = self.today - filed
        rows["extension"] = np.where(pending & (elapsed < base - 15), 0, rows["extension"])
        rows["excluded"] = np.where(
            pending, np.minimum(rows["excluded"], np.maximum(elapsed - 10, 0)), rows["excluded"]
        )
        rows["in_time"] = in_time.astype(np.int64)
        # The deadline as cases.services.case_derived_refresh computes it (which stays the
        # authority: loading it precomputed only spares that pass from rewriting every row).
        has_limit = base > 0
        rows["deadline"] = np.select(
            [rows["deadline_on"] != NO_DATE, has_limit],
            [rows["deadline_on"], filed + base + rows["extension"] + rows["excluded"]],
            NO_DATE,
        )

    def draw_closing(self, rows: Rows) -> None:
        rng, size = self.rng, len(rows["court"])
        closed = rows["closed"] != NO_DATE
        closing = np.zeros(size, dtype=np.int64)
        type_ = rows["type"]
        closed_rows = np.flatnonzero(closed)
        for (t,), at in groups(type_[closed_rows]):
            code = TYPES[t]
            mask = closed_rows[at]
            n = len(mask)
            if code == "民初":
                methods, p = self._civil_first_closing(rows, mask)
            else:
                table = cat.CLOSINGS[code]
                methods = list(table)
                p = np.tile(np.array(list(table.values())), (n, 1))
                if code in FIRST_OF or code in RETRIAL_OF.values():
                    p = self._reversal_adjusted(rows, mask, methods, p)
            cumulative = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
            choice = (cumulative < rng.random(n)[:, None]).sum(axis=1).clip(max=len(methods) - 1)
            closing[mask] = np.array([CLOSING[m] for m in methods])[choice]
        rows["closing"] = closing
        review = np.isin(type_, [TYPE[c] for c in RETRIAL_OF])
        rows["granted"] = (
            review & (closing == CLOSING["ruling"]) & (rng.random(size) < 0.12)
        ).astype(np.int64)

    def _civil_first_closing(self, rows, mask):
        kind = self.division_kind[rows["division"][mask]]
        track = rows["track"][mask]
        share = self.court_mediation[rows["court"][mask]] + np.select(
            [track == TRACK["ordinary"], track == TRACK["summary"]], [-0.08, 0.03], 0.02
        )
        share += np.where(kind == cat.TRIBUNAL, 0.08, 0.0)
        share -= np.where(rows["court"][mask] == self.intermediate, 0.06, 0.0)
        share -= np.where(rows["in_time"][mask] == 0, 0.15, 0.0)
        share -= np.where(rows["parent"][mask] >= 0, 0.1, 0.0)  # remanded: less to settle
        share = share.clip(0.05, 0.9)
        methods = ["mediation", "withdrawal", *cat.CIVIL_ADJUDICATED]
        rest = np.array(list(cat.CIVIL_ADJUDICATED.values()))
        p = np.column_stack([0.58 * share, 0.42 * share, (1 - share)[:, None] * rest])
        return methods, p

    def _reversal_adjusted(self, rows, mask, methods, p):
        """Modified and remanded more often for judges with more reversals; a court ordered to
        retry its own case does not remand it."""
        origin = rows["parent"][mask]
        factor = self.judge_reversal[self.store["judge"][origin]] if self.store else 1.0
        p = p.copy()
        for method in ("modified", "remanded"):
            if method in methods:
                p[:, methods.index(method)] *= factor
        if "remanded" in methods:
            own = rows["court"][mask] != self.intermediate
            p[own, methods.index("remanded")] = 0.0
        return p

    def draw_amounts(self, rows: Rows) -> None:
        rng, size = self.rng, len(rows["court"])
        enforcement = np.isin(rows["type"], [TYPE["执"], TYPE["执恢"]])
        parent = rows["parent"]
        criminal = np.zeros(size, dtype=bool)
        if self.store:
            safe = np.where(parent >= 0, parent, 0)
            criminal = (parent >= 0) & (self.store["type"][safe] == TYPE["刑初"])
        median = np.where(criminal, 10_000, 50_000)
        fresh = (
            (rng.lognormal(np.log(median), np.where(criminal, 1.0, 1.5)) * 100)
            .clip(30_000, 30_000_000_000)
            .astype(np.int64)
        )
        applied = np.where(rows["applied"] > 0, rows["applied"], fresh)
        closing = rows["closing"]

        def is_closing(*methods):
            return np.isin(closing, [CLOSING[m] for m in methods])

        ratio = np.select(
            [
                rows["closed"] == NO_DATE,
                is_closing("enforcement_completed"),
                is_closing("enforcement_round_ended"),
                is_closing("enforcement_terminated"),
                is_closing("other"),
            ],
            [
                rng.beta(1, 4, size),
                rng.beta(12, 1, size),
                np.where(rng.random(size) < 0.55, 0.0, rng.beta(1, 5, size)),
                rng.beta(2, 2.5, size),
                rng.beta(1, 2, size),
            ],
            0.0,
        )
        # Large sums are harder to recover.
        ratio *= (1.0 - 0.12 * (np.log10(applied / 100) - 4.5)).clip(0.35, 1.2)
        recovered = np.minimum((applied * ratio.clip(0, 1)).astype(np.int64), applied)
        rows["applied"] = np.where(enforcement, applied, -1)
        rows["recovered"] = np.where(enforcement, recovered, -1)


def _division_kinds(code: str, intermediate: bool) -> dict[str, float]:
    if code == "民初":
        if intermediate:
            return {cat.CIVIL_1: 0.35, cat.CIVIL_2: 0.45, cat.CIVIL_3: 0.2}
        return {cat.CIVIL_1: 0.33, cat.CIVIL_2: 0.32, cat.CIVIL_3: 0.05, cat.TRIBUNAL: 0.30}
    if code == "民特" and intermediate:
        return {cat.CIVIL_2: 1.0}
    if code in ("民特", "民督", "诉前调确", "诉前调书"):
        return {cat.FILING: 1.0}
    if code in ("破", "破申", "民终"):
        return {cat.CIVIL_2: 1.0}
    if code in ("刑初", "刑终", "刑更"):
        return {cat.CRIMINAL: 1.0}
    if code in ("行初", "行终", "行审"):
        return {cat.ADMINISTRATIVE: 1.0}
    if code in ("民申", "民再", "刑申", "刑再", "行申", "行再"):
        return {cat.SUPERVISION: 1.0}
    if code.startswith("执"):
        return {cat.ENFORCEMENT: 1.0}
    return {cat.FILING: 1.0}


def _cause_group(code: str, kind: str, intermediate: bool) -> str:
    """Which list of causes (catalogue.CAUSES) a new case draws its cause from."""
    if code == "民初":
        return {cat.CIVIL_1: "family", cat.CIVIL_3: "ip", cat.TRIBUNAL: "local"}.get(
            kind, "commercial"
        )
    if code == "刑初":
        return "serious_crime" if intermediate else "crime"
    if code == "民特":
        return "special_intermediate" if intermediate else "special_basic"
    return {
        "刑更": "commutation",
        "行初": "administrative",
        "行审": "administrative_review",
        "民督": "payment_order",
        "诉前调确": "pre_suit_confirmation",
        "执保": "preservation",
        "破申": "bankruptcy_application",
        "破": "bankruptcy",
        "执": "enforcement",
        "执恢": "enforcement",
        "执异": "enforcement_objection",
        "执复": "enforcement_review",
        "执监": "enforcement_supervision",
    }.get(code, "local")
