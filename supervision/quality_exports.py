"""评查 results as a workbook: per unit, per item, and the cases behind them (every string
written as text: cases.spreadsheets)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from cases.spreadsheets import xlsx_append
from supervision.choices import QualityGrade
from supervision.selectors.quality import GRADES


def _number(value):
    return round(float(value), 1) if value is not None else None


def _header(sheet, title: str, columns: list) -> None:
    xlsx_append(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=14)
    xlsx_append(sheet, columns)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"


def quality_results_xlsx(*, title: str, by_unit: list, by_item: list, reviews) -> bytes:
    labels = dict(QualityGrade.choices)
    workbook = Workbook()
    units = workbook.active
    units.title = _("按单位")
    _header(
        units,
        title,
        [_("单位"), _("评查案件"), _("平均得分"), *[labels[g] for g in GRADES], _("瑕疵、差错")],
    )
    for row in by_unit:
        xlsx_append(
            units,
            [
                row["name"],
                row["reviewed"],
                _number(row["average"]),
                *[row["grades"][grade] for grade in GRADES],
                row["flawed"],
            ],
        )
    items = workbook.create_sheet(_("按评查项目"))
    _header(items, title, [_("评查项目"), _("扣分案件"), _("扣分合计"), _("扣分案件占比（%）")])
    for row in by_item:
        xlsx_append(
            items, [row["name"], row["times"], _number(row["points"]), _number(row["share"])]
        )
    cases = workbook.create_sheet(_("案件"))
    _header(
        cases,
        title,
        [
            _("案号"),
            _("法院"),
            _("部门"),
            _("承办人"),
            _("结案日期"),
            _("评查活动"),
            _("得分"),
            _("等次"),
            _("评查意见"),
        ],
    )
    for review in reviews:
        case = review.case
        xlsx_append(
            cases,
            [
                case.case_number,
                case.court.name,
                case.division.name,
                case.judge.name if case.judge_id else "",
                case.closed_on,
                review.campaign.name,
                _number(review.score),
                review.get_grade_display(),
                review.opinion,
            ],
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
