"""Integer codes of the demo generator's columns, and day arithmetic (days since 1970)."""

from __future__ import annotations

import datetime

import numpy as np

from cases.casenumbers import TYPE_CODES
from cases.choices import ClosingMethod, Outcome, Track
from cases.demo import catalogue as cat

NO_DATE = np.iinfo(np.int64).max
TYPES = list(TYPE_CODES)
TYPE = {code: i for i, code in enumerate(TYPES)}
TRACKS = ["", *Track.values]
TRACK = {track: i for i, track in enumerate(TRACKS)}
CLOSINGS = ["", *ClosingMethod.values]
CLOSING = {method: i for i, method in enumerate(CLOSINGS)}
OUTCOMES = ["", *Outcome.values]
OUTCOME = {outcome: i for i, outcome in enumerate(OUTCOMES)}
CAUSES = list(dict.fromkeys(cause for group in cat.CAUSES.values() for cause in group))
CAUSE = {cause: i for i, cause in enumerate(CAUSES)}
FAMILY_CAUSES = np.array([cause in cat.CAUSES["family"] for cause in CAUSES])
IP_CAUSES = np.array([cause in cat.CAUSES["ip"] for cause in CAUSES])

FIRST_INSTANCE = {"民初", "刑初", "行初"}
APPEAL_OF = {"民初": "民终", "刑初": "刑终", "行初": "行终"}
REVIEW_OF = {"民初": "民申", "刑初": "刑申", "行初": "行申"}
RETRIAL_OF = {"民申": "民再", "刑申": "刑再", "行申": "行再"}
FIRST_OF = {"民终": "民初", "刑终": "刑初", "行终": "行初"}
EPOCH = datetime.date(1970, 1, 1)

COLUMNS = {  # name -> default of a new row
    "court": -1,
    "type": -1,
    "division": -1,
    "judge": -1,
    "track": -1,
    "cause": -1,
    "filed": NO_DATE,
    "closed": NO_DATE,
    "closing": 0,
    "deadline_on": NO_DATE,
    "extension": 0,
    "excluded": 0,
    "parent": -1,
    "root": -1,
    "appealed": -1,
    "appeal_outcome": 0,
    "appeal_decided": NO_DATE,
    "retrial_outcome": 0,
    "retrial_decided": NO_DATE,
    "applied": -1,
    "recovered": -1,
    "key": 0,
    "granted": 0,
    "in_time": 1,
    "deadline": NO_DATE,
}
Rows = dict[str, np.ndarray]


def day_number(day: datetime.date) -> int:
    return (day - EPOCH).days


def add_months(days: np.ndarray, months) -> np.ndarray:
    """Calendar months, clamped to the month's last day (DOMAIN.md): 01-31 + 1 month = 02-28."""
    dates = days.astype("datetime64[D]")
    month = dates.astype("datetime64[M]")
    day_of_month = (dates - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(months, dtype=np.int64)
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    return (target.astype("datetime64[D]").astype(np.int64)) + np.minimum(day_of_month, length - 1)


def weekday(days: np.ndarray) -> np.ndarray:
    return (days + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0


def groups(*columns: np.ndarray):
    """(values, row indices) of each distinct combination of the columns' values (each ≥ -1
    and below 8191)."""
    if not len(columns[0]):
        return
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        key = key * 8192 + (column + 1)
    order = np.argsort(key, kind="stable")
    bounds = np.flatnonzero(np.diff(key[order])) + 1
    for indices in np.split(order, bounds):
        yield tuple(int(column[indices[0]]) for column in columns), indices


def concat(batches: list[Rows]) -> Rows:
    if not batches:
        return {}
    return {name: np.concatenate([b[name] for b in batches]) for name in batches[0]}


def time_limits(rows) -> dict[tuple[str, str], tuple[int, int]]:
    """(type code, track) -> (months, days) of the time limit in force, by the same
    most-specific-row rule as the deadline SQL of cases.services.case_derived_refresh."""
    limits = {}
    for type_code, (category, procedure) in TYPE_CODES.items():
        for track in TRACKS:
            candidates = [
                row
                for row in rows
                if row["category"] == category
                and row["procedure"] == procedure
                and row["track"] in ("", track)
                and row["type_code"] in ("", type_code)
            ]
            if candidates:
                best = max(candidates, key=lambda r: (r["type_code"] != "", r["track"] != ""))
                limits[(type_code, track)] = (best["months"], best["days"])
    return limits
