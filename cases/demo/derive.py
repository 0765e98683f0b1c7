"""Derived cases: what each generation of cases gives rise to (DOMAIN.md, DATA_FORMAT.md
linking): appeals, remands, enforcement of judgments, retrial applications and retrials,
resumed enforcement, objections and their review."""

from __future__ import annotations

import numpy as np

from cases.demo import catalogue as cat
from cases.demo.codes import (
    APPEAL_OF,
    CLOSING,
    FAMILY_CAUSES,
    FIRST_OF,
    IP_CAUSES,
    NO_DATE,
    OUTCOME,
    RETRIAL_OF,
    REVIEW_OF,
    TRACK,
    TYPE,
    Rows,
    weekday,
)


class Deriving:
    """Part of generate.CaseGenerator: the rules that make derived cases."""

    def derive(self, rows: Rows) -> list[Rows]:
        """The cases that the given ones give rise to, not filled in yet. Sets the record's
        own appeal fields where the appeal is not in this city's data."""
        rng, today, index = self.rng, self.today, rows["index"]
        type_, closing = rows["type"], rows["closing"]
        is_closed = rows["closed"] != NO_DATE
        closed = np.where(is_closed, rows["closed"], today)  # no overflow; masked below
        basic = rows["court"] != self.intermediate
        uniform = rng.random((8, len(index)))
        out = []

        def is_type(*codes):
            return np.isin(type_, [TYPE[c] for c in codes])

        def is_closing(*methods):
            return np.isin(closing, [CLOSING[m] for m in methods])

        # Appeals of first-instance judgments (small-claims judgments are final).
        judgment = is_closing("judgment")
        appeal_rate = np.select(
            [
                is_type("民初") & judgment & (rows["track"] == TRACK["small_claims"]),
                is_type("民初") & judgment & (rows["track"] == TRACK["ordinary"]),
                is_type("民初") & judgment,
                is_type("民初") & is_closing("dismissal"),
                is_type("民初") & is_closing("ruling"),
                is_type("刑初") & judgment & (rows["track"] == TRACK["fast_track"]),
                is_type("刑初") & judgment,
                is_type("行初") & is_closing("judgment", "dismissal"),
            ],
            [0.0, 0.38, 0.26, 0.35, 0.10, 0.03, 0.12, 0.55],
            0.0,
        )
        appealed = is_closed & (uniform[0] < appeal_rate)
        lodged = appealed & (closed + 15 <= today)
        appeal_filed = self.workday(closed + 20 + rng.gamma(2.0, 12.0, len(index)).astype(int))
        to_city = lodged & basic & (appeal_filed <= today)
        rows["appealed"][lodged & basic & ~to_city] = 1
        for code, appeal_code in APPEAL_OF.items():
            mask = to_city & is_type(code)
            division = np.full(mask.sum(), -1)
            if code == "民初":
                cause = rows["cause"][mask]
                kind = np.where(
                    FAMILY_CAUSES[cause],
                    cat.CIVIL_1,
                    np.where(IP_CAUSES[cause], cat.CIVIL_3, cat.CIVIL_2),
                )
                division = np.array(
                    [self.plan.division_index(self.intermediate, k) for k in kind], dtype=np.int64
                )
            out.append(
                self.new(
                    court=np.full(mask.sum(), self.intermediate),
                    type_=TYPE[appeal_code],
                    filed=appeal_filed[mask],
                    parent=index[mask],
                    root=rows["root"][mask],
                    division=division,
                    cause=rows["cause"][mask],
                )
            )
        # The intermediate court's own first instance goes to the high court: recorded on the
        # case itself (its appeal is not in this city's data).
        high = lodged & ~basic
        rows["appealed"][high] = 1
        decided = closed + rng.integers(100, 300, len(index))
        outcome_known = high & (decided <= today)
        outcomes = [
            OUTCOME[o] for o in ("affirmed", "modified", "remanded", "withdrawn", "mediated")
        ]
        rows["appeal_outcome"][outcome_known] = rng.choice(
            outcomes, size=int(outcome_known.sum()), p=[0.72, 0.1, 0.03, 0.1, 0.05]
        )
        rows["appeal_decided"][outcome_known] = decided[outcome_known]

        # Enforcement of unappealed judgments and mediation agreements.
        final = is_closed & ~appealed
        rate = np.select(
            [
                is_type("民初") & judgment & (rows["track"] == TRACK["small_claims"]),
                is_type("民初") & judgment,
                is_type("民初") & is_closing("mediation"),
                is_type("刑初") & judgment,
            ],
            [0.35, 0.28, 0.22, 0.10],
            0.0,
        )
        filed = self.workday(closed + 15 + rng.lognormal(np.log(45), 0.9, len(index)).astype(int))
        mask = final & (uniform[1] < rate) & (filed <= today)
        out.append(self.derived(rows, mask, "执", filed, cause=rows["cause"][mask]))

        # Applications for retrial of basic courts' final first-instance judgments.
        rate = np.select(
            [is_type("民初"), is_type("行初"), is_type("刑初")], [0.012, 0.05, 0.003], 0.0
        )
        filed = self.workday(closed + rng.integers(90, 450, len(index)))
        mask = final & basic & judgment & (uniform[2] < rate) & (filed <= today)
        for code, review in REVIEW_OF.items():
            both = mask & is_type(code)
            out.append(
                self.derived(
                    rows, both, review, filed, court=self.intermediate, cause=rows["cause"][both]
                )
            )

        # Second instance: remands come back as new first-instance cases; enforcement of the
        # final judgment; a few retried on the high court's order.
        second = is_type("民终", "刑终", "行终") & is_closed
        origin = rows["parent"]
        filed = self.workday(closed + rng.integers(20, 60, len(index)))
        for appeal_code, code in FIRST_OF.items():
            mask = second & is_type(appeal_code) & is_closing("remanded") & (filed <= today)
            first = origin[mask]
            out.append(
                self.new(
                    court=self.store["court"][first],
                    type_=TYPE[code],
                    filed=filed[mask],
                    parent=first,
                    root=rows["root"][mask],
                    division=self.store["division"][first],
                    cause=rows["cause"][mask],
                    track=TRACK["ordinary"],
                )
            )
        filed = self.workday(closed + 10 + rng.lognormal(np.log(40), 0.9, len(index)).astype(int))
        civil_second = second & is_type("民终") & (filed <= today)
        origin_court = self.store["court"][np.where(origin >= 0, origin, 0)]
        for methods, rate, on_origin in (
            (("modified", "mediation"), 0.30, False),
            (("affirmed", "appeal_withdrawn"), 0.25, True),
        ):
            mask = civil_second & is_closing(*methods) & (uniform[3] < rate)
            out.append(
                self.new(
                    court=origin_court[mask],
                    type_=TYPE["执"],
                    filed=filed[mask],
                    parent=origin[mask] if on_origin else index[mask],
                    root=rows["root"][mask],
                    cause=rows["cause"][mask],
                )
            )
        filed = self.workday(closed + rng.integers(180, 720, len(index)))
        mask = (
            second
            & is_type("民终")
            & is_closing("affirmed", "modified")
            & (uniform[4] < 0.005)
            & (filed <= today)
        )
        out.append(
            self.derived(
                rows, mask, "民再", filed, court=self.intermediate, cause=rows["cause"][mask]
            )
        )

        # Granted retrial applications: retried at the intermediate court or, on its order,
        # at the court of first instance.
        filed = self.workday(closed + rng.integers(10, 45, len(index)))
        granted = (rows["granted"] == 1) & (filed <= today)
        for review, retrial in RETRIAL_OF.items():
            mask = granted & is_type(review)
            first = origin[mask]
            court = np.where(uniform[5][mask] < 0.4, self.intermediate, self.store["court"][first])
            out.append(
                self.new(
                    court=court,
                    type_=TYPE[retrial],
                    filed=filed[mask],
                    parent=first,
                    root=rows["root"][mask],
                    cause=rows["cause"][mask],
                )
            )

        # Enforcement: resumed after a round ended without assets; objections; reviews.
        enforcement = is_type("执")
        filed = self.workday(closed + rng.lognormal(np.log(300), 0.7, len(index)).astype(int))
        mask = (
            enforcement
            & is_closing("enforcement_round_ended")
            & (uniform[6] < 0.15)
            & (filed <= today)
        )
        remaining = np.maximum(rows["applied"] - np.maximum(rows["recovered"], 0), 0)
        resumed = self.derived(rows, mask, "执恢", filed, cause=rows["cause"][mask])
        resumed["applied"] = np.where(remaining[mask] > 0, remaining[mask], -1)
        out.append(resumed)
        end = np.minimum(np.where(is_closed, closed, today), today)
        filed = (
            rows["filed"]
            + 10
            + (rng.random(len(index)) * (end - rows["filed"] - 10)).astype(np.int64).clip(0)
        )
        mask = enforcement & (uniform[7] < 0.035) & (end - rows["filed"] > 10)
        out.append(self.derived(rows, mask, "执异", self.workday(filed).clip(max=today)))
        filed = self.workday(closed + rng.integers(10, 40, len(index)))
        mask = (
            is_type("执异")
            & basic
            & is_closing("application_rejected", "ruling")
            & (uniform[0] < 0.2)
            & (filed <= today)
        )
        out.append(self.derived(rows, mask, "执复", filed, court=self.intermediate))
        return out

    def derived(self, rows, mask, code, filed, *, court=None, cause=None) -> Rows:
        return self.new(
            court=rows["court"][mask] if court is None else np.full(mask.sum(), court),
            type_=TYPE[code],
            filed=filed[mask],
            parent=rows["index"][mask],
            root=rows["root"][mask],
            cause=-1 if cause is None else cause,
        )

    def workday(self, days: np.ndarray) -> np.ndarray:
        """Saturday and Sunday filings move to Monday."""
        day = weekday(days)
        return days + np.select([day == 5, day == 6], [2, 1], 0)
