"""XLSX exports of the dashboards (openpyxl, write-only: rows streamed from the database)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from cases.models import Case
from cases.spreadsheets import xlsx_append, xlsx_row
from metrics.definitions.conditions import Measure
from metrics.definitions.periods import Period
from metrics.definitions.registry import Indicator

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# (header, field of the case row); choice fields are shown by their label.
CASE_COLUMNS = [
    (gettext_lazy("案号"), "case_number"),
    (gettext_lazy("法院"), "court__name"),
    (gettext_lazy("承办部门"), "division__name"),
    (gettext_lazy("承办人"), "judge__name"),
    (gettext_lazy("承办人工号"), "judge__staff_id"),
    (gettext_lazy("案由"), "cause"),
    (gettext_lazy("类型代字"), "type_code"),
    (gettext_lazy("程序"), "procedure"),
    (gettext_lazy("立案日期"), "filed_on"),
    (gettext_lazy("结案日期"), "closed_on"),
    (gettext_lazy("结案方式"), "closing_method"),
    (gettext_lazy("审限届满日期"), "deadline"),
    (gettext_lazy("审理天数"), "trial_days"),
    (gettext_lazy("原审案号"), "origin_case_number"),
    (gettext_lazy("申请执行标的额"), "amount_applied"),
    (gettext_lazy("执行到位金额"), "amount_recovered"),
    # The optional columns of the SPC's 2024 indicators 16 and 17 (empty: not recorded).
    (gettext_lazy("是否开庭"), "hearing_held"),
    (gettext_lazy("上诉日期"), "appeal_lodged_on"),
    (gettext_lazy("移送二审日期"), "appeal_transferred_on"),
    (gettext_lazy("上诉移送天数"), "transfer_days"),
]
COLUMN_WIDTHS = [26, 22, 14, 10, 12, 22, 9, 12, 12, 12, 14, 14, 9, 26, 16, 14, 9, 12, 12, 12]


def _labels() -> dict[str, dict]:
    """Choice labels by field, translated once per export rather than once per cell."""
    labels = {
        name: {value: str(label) for value, label in Case._meta.get_field(name).choices}
        for name in ("procedure", "closing_method")
    }
    labels["hearing_held"] = {True: _("是"), False: _("否")}
    return labels


def _header(sheet, titles) -> list:
    return xlsx_row(sheet, [str(title) for title in titles], font=Font(bold=True))


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
    # A write-only sheet writes its column widths before the first row.
    for index, width in enumerate(COLUMN_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append(_header(sheet, [str(title) for title, _field in CASE_COLUMNS]))
    fields = [field for _title, field in CASE_COLUMNS]
    labels = _labels()
    label_of = [labels.get(field) for field in fields]
    count = 0
    # Plain tuples, not model instances: an export can be tens of thousands of rows.
    rows = cases.order_by("-filed_on", "case_number").values_list(*fields)
    for row in rows.iterator(chunk_size=2000):
        xlsx_append(
            sheet,
            [
                _plain(labels_for.get(value, value) if labels_for else value)
                for value, labels_for in zip(row, label_of, strict=True)
            ],
        )
        count += 1

    about = book.create_sheet(_("说明"))
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 80
    words = indicator.words
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
        xlsx_append(about, [str(label), value])

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count
