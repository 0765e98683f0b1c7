"""Fingerprints of CSV rows: a re-import of an unchanged row costs neither validation nor write.

A row's fingerprint is a 128-bit BLAKE2b digest of its cells, in the order of COLUMNS (a column
the file lacks counts as an empty cell, as it does for the validator), under a version. Every
imported CSV row stores its fingerprint on the case it writes (cases_case.import_hash). When a
later import meets a row with the same fingerprint on the case it names, that row is the very
row that last wrote the case: the validator, which is pure, would accept it again and give the
same record — given the same validator (FINGERPRINT_VERSION), dates still not after today and
a user allowed the court, which the probe and the caller check anew. So the row is unchanged,
as the upsert would have found, without being validated or written.

Only CSV rows are fingerprinted: their cells are text, so joining them is exact. A row whose
cells hold the separator is not fingerprinted (it takes the ordinary way).
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Sequence

from cases.casenumbers import CASE_NUMBER_PATTERN
from cases.importing.columns import COLUMNS_BY_NAME
from cases.importing.readers import ColumnPlan
from cases.importing.validation import CONTROL_CHARACTERS

# Change when the validator or the record it gives changes: every stored fingerprint then
# stops matching, and the next import validates every row again.
FINGERPRINT_VERSION = "2\x1f"  # 2: the SPC 2024 columns (issue 14)
SEPARATOR = "\x1f"
_SEPARATORS = len(COLUMNS_BY_NAME) - 1
_NAMES = list(COLUMNS_BY_NAME)
_CASE_NUMBER = _NAMES.index("case_number")
_JUDGE_NAME = _NAMES.index("judge_name")
_JUDGE_ID = _NAMES.index("judge_id")
_DIVISION = _NAMES.index("division")
_CASE_NUMBER_CELL = operator.itemgetter(_CASE_NUMBER)
_JUDGE_NAME_CELL = operator.itemgetter(_JUDGE_NAME)


# The hash of the version, copied for each row: cheaper than a new hash object per row.
_VERSIONED: dict[str, hashlib.blake2b] = {}


def digest(text: str) -> str:
    """The fingerprint of a row's cells joined by SEPARATOR (not checked here)."""
    versioned = _VERSIONED.get(FINGERPRINT_VERSION)
    if versioned is None:
        versioned = _VERSIONED[FINGERPRINT_VERSION] = hashlib.blake2b(
            FINGERPRINT_VERSION.encode(), digest_size=16, usedforsecurity=False
        )
    hasher = versioned.copy()
    hasher.update(text.encode())
    return hasher.hexdigest()


def _clean(text: str) -> str:
    """Text as the validator cleans it (RowValidator: trimmed, control characters → spaces)."""
    text = text.strip()
    if not text.isprintable():
        text = text.translate(CONTROL_CHARACTERS).strip()
    return text


class Fingerprinter:
    """Fingerprints the rows of one CSV source, whose header gave `plan`."""

    def __init__(self, plan: ColumnPlan):
        width = max(plan.indexes.values(), default=-1) + 1
        self._padding = ("",) * width
        self._cells = operator.itemgetter(
            *(plan.indexes[name] + 1 if name in plan.indexes else 0 for name in COLUMNS_BY_NAME)
        )

    def cells(self, values: Sequence[str]) -> tuple[str, ...]:
        return self._cells(("", *values, *self._padding))

    def fingerprint(self, cells: tuple[str, ...]) -> str | None:
        """The row's fingerprint as 32 hex digits (COPY's text for a uuid), or None."""
        text = SEPARATOR.join(cells)
        if text.count(SEPARATOR) != _SEPARATORS:
            return None
        return digest(text)

    def block(
        self, rows: Sequence[int], values: Sequence[Sequence[str]]
    ) -> tuple[list[tuple[str, ...]], list[str | None], str, bool]:
        """A block of rows at once: their cells, fingerprints and probe lines, and whether the
        block is plain — every cell printable, without space or backslash — so that every
        cell reads as the validator cleans it. A plain block is done column by column; any
        other row by row, with the same result."""
        cells = list(map(self.cells, values))
        joined = "".join(map("".join, cells))
        if joined.isprintable() and " " not in joined and "\\" not in joined:
            fingerprints = list(map(digest, map(SEPARATOR.join, cells)))
            numbers = map(_CASE_NUMBER_CELL, cells)
            judges = map(_JUDGE_NAME_CELL, cells)
            lines = "".join(
                f"{row}\t{number}\t{fingerprint}\t{judge}\n"
                for row, number, fingerprint, judge in zip(
                    rows, numbers, fingerprints, judges, strict=True
                )
            )
            return cells, fingerprints, lines, True
        fingerprints, lines = [], []
        for row, row_cells in zip(rows, cells, strict=True):
            fingerprint = self.fingerprint(row_cells)
            fingerprints.append(fingerprint)
            if fingerprint is not None:
                line = self.probe_line(row, row_cells, fingerprint)
                if line is not None:
                    lines.append(line)
        return cells, fingerprints, "".join(lines), False

    def probe_line(self, row: int, cells: tuple[str, ...], fingerprint: str) -> str | None:
        """The row as a line of the probe table (row, case number, fingerprint, judge's name),
        or None if its text does not go plainly into COPY (it is then simply not matched).

        The case number is taken as written (trimmed): a stored case number is normalised,
        so a row matches only if it writes the number as stored — which the validator would
        normalise to itself; a row that writes it otherwise takes the ordinary way. The
        judge's name is cleaned as the validator cleans text."""
        number = cells[_CASE_NUMBER].strip()
        judge = _clean(cells[_JUDGE_NAME])
        if not number.isprintable() or "\\" in number or "\\" in judge:
            return None
        return f"{row}\t{number}\t{fingerprint}\t{judge}\n"

    @staticmethod
    def judge(cells: tuple[str, ...]) -> tuple[str, str]:
        """The judge's name and division as the validator reads them."""
        return _clean(cells[_JUDGE_NAME]), _clean(cells[_DIVISION])

    @staticmethod
    def staff_id_cell(cells: tuple[str, ...]) -> str:
        """The judge's staff number as written: as the validator reads it in a plain block."""
        return cells[_JUDGE_ID]

    @staticmethod
    def staff_id(cells: tuple[str, ...]) -> str:
        """The judge's staff number as the validator reads it (for a matched row: valid)."""
        return _clean(cells[_JUDGE_ID])

    @staticmethod
    def court_code(cells: tuple[str, ...]) -> str:
        """The court code of a matched row's case number (written as stored: valid)."""
        return CASE_NUMBER_PATTERN.match(cells[_CASE_NUMBER].strip()).group(2)
