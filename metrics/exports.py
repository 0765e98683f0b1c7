"""XLSX exports of the dashboards (openpyxl, write-only: rows streamed from the database)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from metrics.conditions import Measure
from metrics.definitions import DEFINITIONS
from metrics.periods import Period
from metrics.registry import Indicator

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _case_columns() -> list[tuple[str, object]]:
    """(header, value of a case) for every column of the case sheet."""
    return [
        (_("案号"), lambda case: case.case_number),
        (_("法院"), lambda case: case.court.name),
        (_("承办部门"), lambda case: case.division.name),
        (_("承办人"), lambda case: case.judge.name),
        (_("承办人工号"), lambda case: case.judge.staff_id),
        (_("案由"), lambda case: case.cause),
        (_("类型代字"), lambda case: case.type_code),
        (_("程序"), lambda case: case.get_procedure_display()),
        (_("立案日期"), lambda case: case.filed_on),
        (_("结案日期"), lambda case: case.closed_on),
        (_("结案方式"), lambda case: case.get_closing_method_display()),
        (_("审限届满日期"), lambda case: case.deadline),
        (_("审理天数"), lambda case: case.trial_days),
        (_("原审案号"), lambda case: case.origin_case_number),
        (_("申请执行标的额"), lambda case: case.amount_applied),
        (_("执行到位金额"), lambda case: case.amount_recovered),
    ]


def _header(sheet, titles) -> list:
    bold = Font(bold=True)
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = bold
        cells.append(cell)
    return cells


def _plain(value):
    """Cells take numbers, dates and text; a Decimal stays exact as a float of 2 decimals."""
    if value is None or value == "":
        return None
    if hasattr(value, "as_tuple"):  # Decimal
        return float(value)
    return value


def cases_workbook(
    *,
    cases,
    indicator: Indicator,
    part: str,
    measure: Measure,
    unit_title: str,
    period: Period,
    stored,
) -> tuple[bytes, int]:
    """The cases of a numerator or denominator, one row each, and a sheet that says what they
    are: the indicator, the definition, the unit, the period, and the stored numbers they
    add up to. Returns the file's bytes and the number of case rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("案件清单"))
    columns = _case_columns()
    # A write-only sheet writes its column widths before the first row.
    for index, width in enumerate([26, 22, 14, 10, 12, 22, 9, 12, 12, 12, 14, 14, 9, 26, 16, 14]):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append(_header(sheet, [title for title, _value in columns]))
    count = 0
    rows = cases.select_related("court", "division", "judge").order_by("-filed_on", "case_number")
    for case in rows.iterator(chunk_size=2000):
        sheet.append([_plain(value(case)) for _title, value in columns])
        count += 1

    about = book.create_sheet(_("说明"))
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 80
    words = DEFINITIONS[indicator.slug]
    part_label = _("分子") if part == "numerator" else _("分母")
    lines = [
        (_("指标"), str(indicator.label)),
        (_("清单"), f"{part_label}：{getattr(words, part)}"),
        (_("统计单位"), unit_title),
        (_("统计期间"), f"{period.start.isoformat()} — {period.end.isoformat()}"),
        (_("案件数"), count),
    ]
    if measure.is_sum:
        lines.append((_("求和字段"), str(cases.model._meta.get_field(measure.field).verbose_name)))
    if stored is not None:
        lines += [
            (_("存储的分子"), _plain(stored.numerator)),
            (_("存储的分母"), _plain(stored.denominator)),
        ]
    lines.append((_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")))
    for label, value in lines:
        about.append([str(label), value])

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count
