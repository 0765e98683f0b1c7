"""XLSX exports (openpyxl): the quarterly reversal review report."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from cases.spreadsheets import xlsx_append
from supervision.selectors.reviews import report_columns, review_report


def _columns(by: str) -> list[tuple[str, str]]:
    units = [("case__court__code", _("法院")), ("case__division__name", _("部门"))]
    if by == "judge":
        units.append(("case__judge__name", _("承办法官")))
    return [*units, ("total", _("评查案件数")), *report_columns()[1:]]


def review_report_xlsx(*, user, year: int, quarter: int, by: str = "division") -> bytes:
    """The report of `review_report` as a workbook: a title row, a header, a row per unit and
    a total row."""
    rows = review_report(user=user, year=year, quarter=quarter, by=by)
    columns = _columns(by)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("发改再评查")
    xlsx_append(
        sheet, [_("%(year)s年第%(quarter)s季度发改再评查情况") % {"year": year, "quarter": quarter}]
    )
    sheet["A1"].font = Font(bold=True, size=14)
    xlsx_append(sheet, [label for _key, label in columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        xlsx_append(sheet, [row.get(key, "") for key, _label in columns])
    unit_count = 3 if by == "judge" else 2
    totals = [_("合计"), *[""] * (unit_count - 1)]
    totals += [sum(row[key] for row in rows) for key, _label in columns[unit_count:]]
    xlsx_append(sheet, totals)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for index, _column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = 12
    sheet.freeze_panes = "A3"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
