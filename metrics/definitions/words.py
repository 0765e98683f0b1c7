"""The words shared by every indicator's definition, for the indicator page (INDICATORS.md,
"The eleven"): the case sets and the terms its definitions name.

Each indicator's own words (numerator, denominator, note) are a field of the indicator in the
registry (Indicator.words), beside the conditions that compute the number and filter the
drill-down.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from metrics.definitions.indicators import INDICATORS
from metrics.definitions.traits import Words

__all__ = ["CASE_SETS", "DEFINITIONS", "TERMS", "Words"]


# The case sets of INDICATORS.md, named in the definitions below.
CASE_SETS = (
    (_("W 工作量案件"), _("除财产保全、恢复执行、诉前调解以外的全部案件")),
    (_("L 诉讼案件"), _("民事、刑事、行政案件中的一审、二审、再审案件")),
    (_("F 一审案件"), _("诉讼案件中的一审案件")),
    (_("CF 民事一审案件"), _("一审案件中的民事案件")),
    (_("E 首次执行案件"), _("类型代字为“执”的首次执行案件")),
    (_("A 全部立案"), _("除财产保全、诉前调解以外的全部案件")),
    (_("S2 二审案件"), _("诉讼案件中的二审案件")),
    (_("RT 再审案件"), _("诉讼案件中的再审案件")),
)

TERMS = (
    (_("统计期间"), _("起止日均含在内；截止日即统计截止日")),
    (_("期间内立案"), _("立案日期在统计期间内")),
    (_("期间内结案"), _("有结案日期且在统计期间内")),
    (_("某日未结"), _("立案日期不晚于该日，且未结案或结案日期晚于该日")),
    (_("审理天数"), _("结案日期 − 立案日期 − 扣除审限天数，不小于 0")),
    (_("超12个月未结"), _("该日未结，且立案日期加 12 个月早于该日")),
)

# Each indicator's own words are one of its fields (Indicator.words): this mapping is derived.
DEFINITIONS: dict[str, Words] = {slug: indicator.words for slug, indicator in INDICATORS.items()}
