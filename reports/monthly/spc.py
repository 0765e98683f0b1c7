"""The monthly review's section 最高法院2024年指标：对照合理区间 (issue 14: values outside their
range feed the monthly review). For the unit and each unit one level down, in unit-code order,
each indicator of the SPC's 2024 set: its YTD value at the review's day, the reference range in
force on that day and where the value stands (达标, 低于区间, 高于区间, 未设区间; 无数据 where the
unit's export lacks the columns; — for no value); then the ones outside their range. No score,
no total, no rank and no ordering by value (INDICATORS.md, rules of use).

Kept in the review's content under "spc", only where the deployment shows the set (a review kept
before this section existed, or without the set, has no such key: the template shows nothing).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from cases.units import CHILD_SCOPE, ScopeKey
from metrics.definitions.indicators import SPC2024_INDICATORS
from metrics.selectors import unit_code, unit_name
from metrics.templatetags.metrics_display import quantity
from reports.spc import OUTSIDE, bound, range_text, spc_shown, spc_states, status_of, value_text


def _units_q(unit: ScopeKey):
    rows = unit.rows_q()
    return rows | unit.children_q() if unit.scope in CHILD_SCOPE else rows


def spc_section(unit: ScopeKey, title: str, as_of: datetime.date) -> dict | None:
    """None when the deployment does not show the SPC's 2024 set."""
    if not spc_shown():
        return None
    units: list[dict] = []
    by_unit: dict[ScopeKey, dict] = {}
    outside = []
    demo = False
    for row, reference, status in spc_states(_units_q(unit), as_of):
        key = ScopeKey.of_row(row)
        entry = by_unit.get(key)
        if entry is None:
            own = key == unit
            entry = {
                "scope": row.scope,
                "code": unit_code(row),
                "name": title if own else unit_name(row),
                "own": own,
                "rows": [],
            }
            by_unit[key] = entry
            units.append(entry)
        indicator = SPC2024_INDICATORS[row.indicator]
        state, state_label = status_of(row, status)
        demo = demo or bool(reference is not None and reference.demo)
        item = {
            "slug": row.indicator,
            "number": indicator.number,
            "label": str(indicator.label),
            "value": row.value,
            "value_text": value_text(row, indicator),
            "numerator_text": quantity(row.numerator),
            "denominator_text": quantity(row.denominator),
            "lower": bound(reference.lower) if reference else None,
            "upper": bound(reference.upper) if reference else None,
            "range_text": range_text(reference, indicator),
            "effective_from": reference.effective_from.isoformat() if reference else None,
            "demo": bool(reference and reference.demo),
            "status": state,
            "status_label": state_label,
        }
        entry["rows"].append(item)
        if status in OUTSIDE:
            outside.append({"unit": entry["name"], "code": entry["code"], **item})
    return {
        "as_of": as_of.isoformat(),
        "units": units,
        "outside": outside,
        "demo": demo,
    }


def spc_sheet(section: dict) -> tuple[list, list, list]:
    """The XLSX sheet of the section: (headers, rows, widths), a row per unit and indicator in
    the section's order; text is written formula-safe by the documents' writer
    (cases.spreadsheets.xlsx_append)."""
    rows = [
        [
            unit["code"],
            unit["name"],
            item["number"],
            item["label"],
            None if item["value"] is None else round(item["value"], 4),
            item["value_text"],
            item["numerator_text"],
            item["denominator_text"],
            item["lower"],
            item["upper"],
            item["range_text"],
            item["effective_from"] or "",
            item["status_label"],
            _("演示数值") if item["demo"] else "",
        ]
        for unit in section["units"]
        for item in unit["rows"]
    ]
    if section["outside"]:
        rows += [[], [_("超出合理区间")]]
        rows += [
            [item["code"], item["unit"], item["number"], item["label"], None, item["value_text"],
             "", "", None, None, item["range_text"], item["effective_from"] or "",
             item["status_label"]]
            for item in section["outside"]
        ]  # fmt: skip
    headers = [
        _("单位代码"),
        _("单位"),
        _("序号"),
        _("指标"),
        _("数值"),
        _("显示值"),
        _("分子"),
        _("分母"),
        _("区间下限"),
        _("区间上限"),
        _("合理区间"),
        _("起用日期"),
        _("对照区间"),
        _("说明"),
    ]
    return headers, rows, [10, 28, 6, 22, 10, 12, 10, 10, 10, 10, 22, 12, 10, 10]
