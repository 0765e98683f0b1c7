"""The indicators' definitions in words, for the indicator page (INDICATORS.md, "The eleven").

The registry (metrics.registry) holds each definition as conditions, which compute the numbers
and filter the drill-down; this module only says the same thing in words for people. A test
checks that every indicator of the registry has its words here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Words:
    numerator: str
    denominator: str
    note: str = ""


# The case sets of INDICATORS.md, named in the definitions below.
CASE_SETS = (
    (_("W 工作量案件"), _("除财产保全、恢复执行、诉前调解以外的全部案件")),
    (_("L 诉讼案件"), _("民事、刑事、行政案件中的一审、二审、再审案件")),
    (_("F 一审案件"), _("诉讼案件中的一审案件")),
    (_("CF 民事一审案件"), _("一审案件中的民事案件")),
    (_("E 首次执行案件"), _("类型代字为“执”的首次执行案件")),
    (_("A 全部立案"), _("除财产保全、诉前调解以外的全部案件")),
)

TERMS = (
    (_("统计期间"), _("起止日均含在内；截止日即统计截止日")),
    (_("期间内立案"), _("立案日期在统计期间内")),
    (_("期间内结案"), _("有结案日期且在统计期间内")),
    (_("某日未结"), _("立案日期不晚于该日，且未结案或结案日期晚于该日")),
    (_("审理天数"), _("结案日期 − 立案日期 − 扣除审限天数，不小于 0")),
    (_("超12个月未结"), _("该日未结，且立案日期加 12 个月早于该日")),
)

DEFINITIONS: dict[str, Words] = {
    "closed_to_filed_ratio": Words(
        numerator=_("期间内结案的工作量案件数（W）"),
        denominator=_("期间内立案的工作量案件数（W）"),
    ),
    "clearance_rate": Words(
        numerator=_("期间内结案的工作量案件数（W）"),
        denominator=_("期初未结（期间开始前一日未结）的工作量案件数 + 期间内立案的工作量案件数"),
        note=_("按月考核：年初至今的目标值按统计截止日所在月份取值；季初至今、月初至今不设目标"),
    ),
    "within_limit_rate": Words(
        numerator=_("期间内结案、有审限且结案日期不晚于审限届满日的工作量案件数"),
        denominator=_("期间内结案且有审限的工作量案件数"),
        note=_("审限届满当日结案属于审限内结案；无审限的案件不计入"),
    ),
    "avg_trial_days": Words(
        numerator=_("期间内结案的诉讼案件（L）审理天数之和"),
        denominator=_("期间内结案的诉讼案件数（L）"),
    ),
    "long_pending_share": Words(
        numerator=_("统计截止日超12个月未结的诉讼案件数（L）"),
        denominator=_("统计截止日未结的诉讼案件数（L）"),
    ),
    "first_instance_acceptance_rate": Words(
        numerator=_("期间内结案且未上诉的一审案件数（F）"),
        denominator=_("期间内结案的一审案件数（F）"),
        note=_("上诉以案件自身记录为准，否则以关联的二审案件为准"),
    ),
    "first_instance_reversal_rate": Words(
        numerator=_("二审结果为改判或发回重审、且二审结案日期在期间内的一审案件数（F）"),
        denominator=_("期间内结案的一审案件数（F）"),
    ),
    "final_case_reversal_rate": Words(
        numerator=_("再审结果为改判或发回重审、且再审结案日期在期间内的诉讼案件数（L）"),
        denominator=_("期间内结案的诉讼案件数（L）"),
    ),
    "mediation_withdrawal_rate": Words(
        numerator=_("期间内以调解或撤诉方式结案的民事一审案件数（CF）"),
        denominator=_("期间内结案的民事一审案件数（CF）"),
        note=_("区间指标：在目标区间内得满分，向两侧预警值线性递减至 0"),
    ),
    "enforcement_recovery_rate": Words(
        numerator=_("期间内结案且申请执行标的额大于 0 的首次执行案件（E）执行到位金额之和"),
        denominator=_("同一批案件的申请执行标的额之和"),
    ),
    "case_to_proceeding_ratio": Words(
        numerator=_("期间内立案的案件数（A，件）"),
        denominator=_("期间内立案且无原审案号的案件数（A，案）"),
        note=_("显示为 1 : x.xx；只统计到全市和法院两级"),
    ),
}
