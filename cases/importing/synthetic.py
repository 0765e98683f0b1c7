"""A synthetic, valid import file (DATA_FORMAT.md) of any size, for bench_import.

One city (苏05 and eight basic courts), three years of filings up to a given day: civil,
criminal and administrative first instance with their tracks, enforcement, appeals and retrials
linked to earlier first-instance cases, closings with fitting methods, amounts for enforcement.
Rows are drawn with numpy a block at a time and written as CSV text, so a million rows take
seconds and little memory.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import numpy as np

from cases.importing.columns import COLUMNS

BLOCK_ROWS = 100_000
INTERMEDIATE = "苏05"
BASIC_COURTS = ("苏0505", "苏0506", "苏0507", "苏0508", "苏0509", "苏0581", "苏0582", "苏0583")
COURTS = (INTERMEDIATE, *BASIC_COURTS)
JUDGES_PER_DIVISION = 8
CAUSES = ("民间借贷纠纷", "买卖合同纠纷", "离婚纠纷", "机动车交通事故责任纠纷", "劳动争议", "")
# type code, weight, divisions, court: "basic" or "intermediate", procedure family
KINDS = (
    ("民初", 48, ("民一庭", "民二庭", "民三庭"), "basic", "first_instance"),
    ("刑初", 8, ("刑事审判庭",), "basic", "first_instance"),
    ("行初", 2, ("行政审判庭",), "basic", "first_instance"),
    ("执", 24, ("执行局",), "basic", "enforcement"),
    ("执恢", 3, ("执行局",), "basic", "enforcement"),
    ("执保", 2, ("执行局",), "basic", "enforcement"),
    ("民特", 2, ("民一庭",), "basic", "other"),
    ("民终", 8, ("民一庭", "民二庭"), "intermediate", "second_instance"),
    ("刑终", 1, ("刑事审判庭",), "intermediate", "second_instance"),
    ("民再", 1, ("审判监督庭",), "intermediate", "retrial"),
    ("民申", 1, ("审判监督庭",), "intermediate", "other"),
)
# tracks of a first-instance kind at a basic court, with weights
TRACKS = {
    "民初": (("ordinary", "summary", "small_claims"), (3, 6, 1)),
    "刑初": (("ordinary", "summary", "fast_track"), (4, 4, 2)),
    "行初": (("ordinary", "summary"), (4, 1)),
}
METHODS = {
    "first_instance": ("judgment", "mediation", "withdrawal", "ruling", "dismissal"),
    "second_instance": ("affirmed", "modified", "remanded", "appeal_withdrawn", "mediation"),
    "retrial": ("affirmed", "modified", "remanded", "mediation"),
    "enforcement": ("enforcement_completed", "enforcement_round_ended", "enforcement_terminated"),
    "other": ("ruling", "other", "transfer"),
}
# appeals and retrials of a kind come from first-instance cases of this kind
ORIGIN_KIND = {"民终": "民初", "民再": "民初", "刑终": "刑初"}
DIVISIONS = sorted({division for kind in KINDS for division in kind[2]})
POOL_SIZE = 20_000


def write_synthetic_file(path: Path, rows: int, *, as_of: datetime.date, seed: int = 2025) -> None:
    rng = np.random.default_rng(seed)
    years = np.array([as_of.year - 2, as_of.year - 1, as_of.year])
    year_starts = np.array([datetime.date(int(y), 1, 1).toordinal() for y in years])
    year_lengths = np.array(
        [
            ((datetime.date(int(y), 12, 31) if y < as_of.year else as_of).toordinal() - start + 1)
            for y, start in zip(years, year_starts, strict=True)
        ]
    )
    weights = np.array([kind[1] for kind in KINDS], dtype=float)
    serials = np.zeros((len(KINDS), len(COURTS), len(years)), dtype=np.int64)
    pools: dict[str, tuple[list[str], list[int]]] = {"民初": ([], []), "刑初": ([], [])}
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([column.name for column in COLUMNS])
        done = 0
        while done < rows:
            count = min(BLOCK_ROWS, rows - done)
            writer.writerows(
                _block(rng, count, as_of, years, year_starts, year_lengths, weights, serials, pools)
            )
            done += count


def _block(rng, n, as_of, years, year_starts, year_lengths, weights, serials, pools):
    kind = rng.choice(len(KINDS), size=n, p=weights / weights.sum())
    basic = rng.integers(1, len(COURTS), size=n)
    court = np.where([KINDS[k][3] == "basic" for k in kind], basic, 0)
    year = rng.integers(0, len(years), size=n)
    filed = year_starts[year] + (rng.random(n) * year_lengths[year]).astype(np.int64)
    serial = _serials(serials, kind, court, year)
    age = as_of.toordinal() - filed
    closed = (age > 0) & (rng.random(n) < 0.75)
    closed_on = filed + (rng.random(n) * np.minimum(age, 400)).astype(np.int64)
    picks = rng.integers(0, 1 << 30, size=(n, 6)).tolist()
    judge = rng.integers(0, JUDGES_PER_DIVISION, size=n).tolist()
    applied = rng.integers(1_000, 5_000_000, size=n).tolist()
    # Plain Python numbers from here on: indexing numpy arrays row by row is slow.
    kind, court, year = kind.tolist(), court.tolist(), year.tolist()
    filed, serial = filed.tolist(), serial.tolist()
    closed, closed_on = closed.tolist(), closed_on.tolist()
    year_numbers = years.tolist()
    division_numbers = {division: index for index, division in enumerate(DIVISIONS)}
    date = datetime.date.fromordinal
    for i in range(n):
        code, _weight, divisions, _court, family = KINDS[kind[i]]
        court_code = COURTS[court[i]]
        pick = picks[i]
        number = f"（{year_numbers[year[i]]}）{court_code}{code}{serial[i]}号"
        division = divisions[pick[0] % len(divisions)]
        judge_id = f"J{court_code[1:]}{division_numbers[division]:02d}{judge[i]:02d}"
        track = ""
        if code in TRACKS:
            choices, track_weights = TRACKS[code]
            track = choices[_weighted(pick[1], track_weights)]
        filed_on = date(filed[i])
        is_closed = closed[i]
        methods = METHODS[family]
        origin = ""
        if code in ORIGIN_KIND:
            numbers, days = pools[ORIGIN_KIND[code]]
            if numbers:
                j = pick[2] % len(numbers)
                if days[j] <= filed[i]:
                    origin = numbers[j]
        elif code in pools:
            numbers, days = pools[code]
            if len(numbers) < POOL_SIZE:
                numbers.append(number)
                days.append(filed[i])
            elif pick[3] % 20 == 0:
                j = pick[4] % POOL_SIZE
                numbers[j], days[j] = number, filed[i]
        enforcement = family == "enforcement"
        # The SPC 2024 columns (DATA_FORMAT.md): hearings of closed appeals, and the appeal and
        # transfer days of one closed first-instance case in five, where they have come.
        hearing = ""
        if family == "second_instance" and is_closed:
            hearing = "是" if pick[1] % 3 else "否"
        appealed = lodged = transferred = ""
        if family == "first_instance" and is_closed and pick[2] % 5 == 0:
            lodged_day = closed_on[i] + 1 + pick[3] % 15
            if lodged_day <= as_of.toordinal():
                appealed, lodged = "是", date(lodged_day)
                if lodged_day + pick[4] % 40 <= as_of.toordinal():
                    transferred = date(lodged_day + pick[4] % 40)
        yield (
            number,
            court_code,
            "",
            division,
            judge_id,
            f"法官{judge_id}",
            track,
            "" if enforcement else CAUSES[pick[5] % len(CAUSES)],
            filed_on,
            date(closed_on[i]) if is_closed else "",
            methods[pick[5] % len(methods)] if is_closed else "",
            "",
            (0, 0, 0, 30)[pick[3] % 4] if family == "first_instance" else 0,
            (0, 0, 0, 15, 60)[pick[4] % 5],
            origin,
            appealed,
            "",
            "",
            "",
            "",
            f"{applied[i]}.00" if enforcement else "",
            f"{pick[1] % applied[i]}.50" if enforcement and is_closed else "",
            hearing,
            lodged,
            transferred,
        )


def _serials(serials, kind, court, year) -> np.ndarray:
    """Serial numbers 1, 2, 3 … per court, type code and year, continuing across blocks."""
    key = np.ravel_multi_index((kind, court, year), serials.shape)
    order = np.argsort(key, kind="stable")
    sorted_keys = key[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_keys)) + 1]
    rank = np.arange(len(key)) - np.repeat(starts, np.diff(np.r_[starts, len(key)]))
    flat = serials.reshape(-1)
    result = np.empty(len(key), dtype=np.int64)
    result[order] = flat[sorted_keys] + rank + 1
    np.add.at(flat, key, 1)
    return result


def _weighted(pick: int, weights: tuple[int, ...]) -> int:
    point = pick % sum(weights)
    for index, weight in enumerate(weights):
        if point < weight:
            return index
        point -= weight
    return len(weights) - 1
