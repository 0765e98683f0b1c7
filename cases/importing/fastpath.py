"""The fast way through the validator for plain blocks of CSV rows (issue 13, "fast loads").

RowValidator (validation.py) checks a row cell by cell; for a million-row export that is most
of an import's Python time. Yet the rows of an export are nearly all *plain*: printable text,
ISO dates, case numbers written as stored, enum words as listed. BlockValidator checks a block
of such rows column by column — a handful of C-level passes over each column (join, regex,
min/max, set) instead of Python work per cell — and gives the block's COPY lines.

It never decides anything the row validator would decide otherwise: it accepts a block only if
every row of it is plain and valid, and then gives, row for row, exactly the line that
`record_line(validator.validate(...), fingerprint)` gives (tests/cases/test_import_fast.py
compares both on random rows). Any doubt — a space to trim, a half-width bracket, a slash
date, an error anywhere — and it returns None: the caller validates that block row by row,
so every error keeps its message. Where a value repeats (enum words, booleans, dates, day
counts), the row validator's own parser decides each distinct value once.
"""

from __future__ import annotations

import datetime
import operator
import re
from collections.abc import Callable, Sequence
from types import SimpleNamespace

from cases.casenumbers import PROVINCES, TYPE_CODES
from cases.importing.columns import COLUMNS_BY_NAME, Column
from cases.importing.fingerprints import Fingerprinter
from cases.importing.validation import (
    _INVALID,
    RowValidator,
    _Invalid,
    parse_boolean,
    parse_decimal,
    parse_enum,
    parse_integer,
)
from cases.importing.writer import BACKSLASH, BOOLEAN, ESCAPED_BACKSLASH, NULL

# A case number exactly as stored: full-width brackets, a known type code, a serial without
# leading zeros, no space — what parse_case_number gives back unchanged. One line per cell.
_TYPES = "|".join(sorted(TYPE_CODES, key=len, reverse=True))
_YEAR = "19(?:49|[5-9][0-9])|20[0-9][0-9]|2100"
STORED_CASE_NUMBER = re.compile(
    rf"^（(?:{_YEAR})）(最高法|[{PROVINCES}](?:[0-9]{{2}}|[0-9]{{4}})?)({_TYPES})([1-9][0-9]{{0,7}})号$",
    re.MULTILINE,
)
# ASCII digits only: `\d` would take other scripts' digits, which the parsers read as numbers.
_DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
_ISO_DATES = re.compile(f"(?:{_DATE})?(?:\n(?:{_DATE})?)*")
_CENTS = "(?:0|[1-9][0-9]{0,15})[.][0-9]{2}"
_AMOUNTS = re.compile(f"(?:{_CENTS})?(?:\n(?:{_CENTS})?)*")
_TYPE_OF = {
    code: (str(category), str(procedure)) for code, (category, procedure) in TYPE_CODES.items()
}
_ENUMS = ("track", "closing_method", "appeal_outcome", "retrial_outcome")


class _NotPlain(Exception):
    """Somewhere in the block is a row that the row validator must see."""


def _column(name: str) -> Column:
    return COLUMNS_BY_NAME[name]


def _each(values: Sequence[str], parse: Callable[[str], str]) -> list[str]:
    """`parse` of every value, deciding each distinct value once; _NotPlain on an error."""
    decided = {}
    for value in set(values):
        try:
            decided[value] = parse(value)
        except _Invalid:
            raise _NotPlain from None
    return list(map(decided.__getitem__, values))


class BlockValidator:
    """Validates blocks of one CSV source's rows at once (or declines them)."""

    def __init__(self, validator: RowValidator, printer: Fingerprinter):
        self.validator = validator
        self.printer = printer
        self.today = validator.today.isoformat()
        self._tracks: dict[tuple[str, str, str, str], str | None] = {}
        self._courts: dict[str, bool] = {}

    def lines(
        self, rows: Sequence[int], values: Sequence[Sequence[str]], fingerprints: Sequence[str]
    ) -> str | None:
        """The COPY lines (records and their fingerprints, as given) of the block, or None to
        go row by row."""
        try:
            return self._lines(rows, values, fingerprints)
        except _NotPlain:
            return None

    def _lines(
        self, rows: Sequence[int], values: Sequence[Sequence[str]], fingerprints: Sequence[str]
    ) -> str:
        cells = list(map(self.printer.cells, values))
        columns = dict(zip(COLUMNS_BY_NAME, zip(*cells, strict=True), strict=True))
        for column in columns.values():
            if not "".join(column).isprintable():  # control characters, odd spaces, SEPARATOR
                raise _NotPlain

        numbers = columns["case_number"]
        parts = STORED_CASE_NUMBER.findall("\n".join(numbers))
        if len(parts) != len(numbers):
            raise _NotPlain
        courts, types, serials = zip(*parts, strict=True)
        years = [number[1:5] for number in numbers]
        if any(map(operator.ne, columns["court_code"], courts)) and any(
            given and given != court
            for given, court in zip(columns["court_code"], courts, strict=True)
        ):
            raise _NotPlain
        allowed = self.validator.court_allowed
        if allowed is not None and not all(map(self._court_allowed, set(courts))):
            raise _NotPlain
        kinds = list(map(_TYPE_OF.__getitem__, types))

        texts = {name: self._text(name, columns[name]) for name in _TEXTS}
        enums = {name: _each(columns[name], _enum_parser(name)) for name in _ENUMS}
        tracks = list(map(self._track, kinds, courts, enums["track"]))  # or _NotPlain

        dates = {name: self._dates(columns[name]) for name in _DATES}
        filed, closed = dates["filed_on"], dates["closed_on"]
        if NULL in filed or max(filed) > self.today or [day[:4] for day in filed] != years:
            raise _NotPlain
        closed_days = [day for day in closed if day is not NULL]
        if closed_days and max(closed_days) > self.today:
            raise _NotPlain
        methods = enums["closing_method"]
        for filed_on, closed_on, method in zip(filed, closed, methods, strict=True):
            if closed_on is NULL:
                if method:
                    raise _NotPlain
            elif closed_on < filed_on or not method:
                raise _NotPlain

        lodged, transferred = dates["appeal_lodged_on"], dates["appeal_transferred_on"]
        for day in (*lodged, *transferred):
            if day is not NULL and day > self.today:
                raise _NotPlain
        for closed_on, lodged_on, transferred_on in zip(closed, lodged, transferred, strict=True):
            if lodged_on is not NULL and (
                (closed_on is not NULL and lodged_on < closed_on)
                or (transferred_on is not NULL and transferred_on < lodged_on)
            ):
                raise _NotPlain

        origins = columns["origin_case_number"]
        if any(origins):
            given = [origin for origin in origins if origin]
            if len(STORED_CASE_NUMBER.findall("\n".join(given))) != len(given):
                raise _NotPlain
            if any(map(operator.eq, origins, numbers)):
                raise _NotPlain

        days = {
            name: _each(columns[name], lambda value: str(parse_integer(value) or 0))
            for name in ("extension_days", "excluded_days")
        }
        appealed = _each(columns["appealed"], lambda value: BOOLEAN[parse_boolean(value)])
        hearing = _each(columns["hearing_held"], lambda value: BOOLEAN[parse_boolean(value)])
        amounts = {name: self._amounts(columns[name]) for name in _AMOUNTS_COLUMNS}
        record = (
            list(map(str, rows)),
            numbers,
            years,
            courts,
            texts["court_name"],
            types,
            serials,
            [kind[0] for kind in kinds],
            [kind[1] for kind in kinds],
            texts["division"],
            texts["judge_id"],
            texts["judge_name"],
            tracks,
            texts["cause"],
            filed,
            closed,
            methods,
            dates["deadline_on"],
            days["extension_days"],
            days["excluded_days"],
            origins,
            appealed,
            enums["appeal_outcome"],
            dates["appeal_decided_on"],
            enums["retrial_outcome"],
            dates["retrial_decided_on"],
            amounts["amount_applied"],
            amounts["amount_recovered"],
            hearing,
            lodged,
            transferred,
            fingerprints,
        )
        return "\n".join(map("\t".join, zip(*record, strict=True))) + "\n"

    # --- columns ----------------------------------------------------------------------------

    def _text(self, name: str, cells: Sequence[str]) -> Sequence[str]:
        """Trimmed text within its length, present if required, escaped for COPY."""
        column = _column(name)
        joined = "".join(cells)
        if " " in joined:
            cells = [cell.strip() for cell in cells]
        if column.required and not all(cells):
            raise _NotPlain
        if max(map(len, cells)) > column.max_length:
            raise _NotPlain
        if BACKSLASH in joined:
            cells = [cell.replace(BACKSLASH, ESCAPED_BACKSLASH) for cell in cells]
        return cells

    def _dates(self, cells: Sequence[str]) -> list[str]:
        """YYYY-MM-DD dates as written (NULL when empty); _NotPlain if one is not valid."""
        if _ISO_DATES.fullmatch("\n".join(cells)) is None:
            raise _NotPlain

        def parse(value: str) -> str:
            if not value:
                return NULL
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                raise _NotPlain from None
            return value

        return _each(cells, parse)

    def _amounts(self, cells: Sequence[str]) -> Sequence[str]:
        if _AMOUNTS.fullmatch("\n".join(cells)) is not None:  # already to the cent
            return [cell or NULL for cell in cells]
        return _each(cells, lambda value: _or_null(parse_decimal(value)))

    def _court_allowed(self, court: str) -> bool:
        if court not in self._courts:
            self._courts[court] = self.validator.court_allowed(court)
        return self._courts[court]

    def _track(self, kind: tuple[str, str], court: str, track: str) -> str:
        """The track as the row validator settles it (its own rule, asked once per kind)."""
        key = (*kind, court, track)
        if key not in self._tracks:
            problems: list = []
            number = SimpleNamespace(category=kind[0], procedure=kind[1], court_code=court)
            settled = self.validator._check_track(number, track, problems.append)
            self._tracks[key] = None if problems or settled is _INVALID else settled
        settled = self._tracks[key]
        if settled is None:
            raise _NotPlain
        return settled


def _enum_parser(name: str) -> Callable[[str], str]:
    column = _column(name)
    return lambda value: parse_enum(value, column)


def _or_null(value) -> str:
    return NULL if value is None else str(value)


_TEXTS = ("court_name", "division", "judge_id", "judge_name", "cause")
_DATES = (
    "filed_on",
    "closed_on",
    "deadline_on",
    "appeal_decided_on",
    "retrial_decided_on",
    "appeal_lodged_on",
    "appeal_transferred_on",
)
_AMOUNTS_COLUMNS = ("amount_applied", "amount_recovered")
