"""The SPC's 2024 set (INDICATORS.md, "The SPC's 2024 set"): the indicators 12–17 that it adds
to the four it shares with the local eleven (3, 5, 10, 11, declared in metrics.definitions.local
with both sets). Courtdash's counting rules, not the SPC's unpublished 口径说明.

This set is read against reference ranges (合理区间) the office enters: no default target, no
weight, no score, no total and no rank — `default_target` is None, so nothing seeds a target row
and the scoring leaves these indicators out. One declaration per indicator; the registry
(metrics.definitions.registry) says what each field means.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.choices import ClosingMethod
from metrics.choices import Direction, IndicatorSet, Unit
from metrics.definitions.conditions import (
    APPEAL_LODGED_RECORDED,
    ENFORCEMENT,
    FIRST_INSTANCE,
    HEARING_HELD,
    HEARING_RECORDED,
    MODIFIED_OR_REMANDED,
    RETRIAL,
    SECOND_INSTANCE,
    Measure,
    closed_in,
    count,
    decided_in,
    total,
)
from metrics.definitions.periods import Period
from metrics.definitions.registry import Indicator
from metrics.definitions.traits import BINOMIAL, DAYS, Coverage, GapRule, Nouns, Words

SPC_ONLY = frozenset({IndicatorSet.SPC2024})
CASES = _("件")
APPEALED = Q(effective_appealed=True)


def _s2_closed(p: Period) -> Measure:
    return count(SECOND_INSTANCE & closed_in(p))


def _rt_closed(p: Period) -> Measure:
    return count(RETRIAL & closed_in(p))


def _f_closed(p: Period) -> Measure:
    return count(FIRST_INSTANCE & closed_in(p))


def _e_closed(p: Period) -> Measure:
    return count(ENFORCEMENT & closed_in(p))


def _transferred(p: Period) -> Q:
    """F with both appeal dates, transferred to the second instance in P."""
    return FIRST_INSTANCE & APPEAL_LODGED_RECORDED & decided_in("appeal_transferred_on", p)


def _f_closed_appealed(p: Period) -> Measure:
    return count(FIRST_INSTANCE & closed_in(p) & APPEALED)


SPC2024: tuple[Indicator, ...] = (
    Indicator(
        number=12,
        slug="appeal_modify_remand_ratio",
        label=_("二审改判-发回重审比"),
        sets=SPC_ONLY,
        unit=Unit.PERCENT,
        # Neither end is the aim ("当改则改"): read against a reference range.
        direction=Direction.BAND,
        numerator=lambda p: count(
            SECOND_INSTANCE & closed_in(p) & Q(closing_method__in=MODIFIED_OR_REMANDED)
        ),
        denominator=_s2_closed,
        words=Words(
            numerator=_("期间内以改判或发回重审方式结案的二审案件数（S2）"),
            denominator=_("期间内结案的二审案件数（S2）"),
            note=_("计入二审案件自身的法院、部门和承办人：基层法院没有这项指标的值"),
        ),
        nouns=Nouns(_("改判、发回重审的二审结案"), _("二审结案"), CASES),
        funnel_model=BINOMIAL,
        gap=GapRule(within_coming=True),
        default_target=None,
        default_detection=None,
    ),
    Indicator(
        number=13,
        slug="retrial_modify_remand_ratio",
        label=_("再审改判-发回重审比"),
        sets=SPC_ONLY,
        unit=Unit.PERCENT,
        direction=Direction.BAND,
        numerator=lambda p: count(
            RETRIAL & closed_in(p) & Q(closing_method__in=MODIFIED_OR_REMANDED)
        ),
        denominator=_rt_closed,
        words=Words(
            numerator=_("期间内以改判或发回重审方式结案的再审案件数（RT）"),
            denominator=_("期间内结案的再审案件数（RT）"),
            note=_("计入再审案件自身的法院、部门和承办人"),
        ),
        nouns=Nouns(_("改判、发回重审的再审结案"), _("再审结案"), CASES),
        funnel_model=BINOMIAL,
        gap=GapRule(within_coming=True),
        default_target=None,
        default_detection=None,
    ),
    Indicator(
        number=14,
        slug="appeal_rate",
        label=_("上诉率"),
        sets=SPC_ONLY,
        unit=Unit.PERCENT,
        direction=Direction.LOWER,
        numerator=_f_closed_appealed,
        denominator=_f_closed,
        words=Words(
            numerator=_("期间内结案且被上诉的一审案件数（F）"),
            denominator=_("期间内结案的一审案件数（F）"),
            note=_("等于 100 减去一审服判息诉率；上诉以案件自身记录为准，否则以关联的二审案件为准"),
        ),
        nouns=Nouns(_("被上诉的一审结案"), _("一审结案"), CASES),
        funnel_model=BINOMIAL,
        gap=GapRule(within_coming=True),
        default_target=None,
        default_detection=None,
    ),
    Indicator(
        number=15,
        slug="enforcement_completion_rate",
        label=_("执行完毕率"),
        sets=SPC_ONLY,
        unit=Unit.PERCENT,
        direction=Direction.HIGHER,
        numerator=lambda p: count(
            ENFORCEMENT & closed_in(p) & Q(closing_method=ClosingMethod.ENFORCEMENT_COMPLETED)
        ),
        denominator=_e_closed,
        words=Words(
            numerator=_("期间内以执行完毕方式结案的首次执行案件数（E）"),
            denominator=_("期间内结案的首次执行案件数（E）"),
        ),
        nouns=Nouns(_("执行完毕结案"), _("执行结案"), CASES),
        funnel_model=BINOMIAL,
        gap=GapRule(within_coming=True),
        default_target=None,
        default_detection=None,
    ),
    Indicator(
        number=16,
        slug="appeal_hearing_rate",
        label=_("二审开庭率"),
        sets=SPC_ONLY,
        unit=Unit.PERCENT,
        direction=Direction.HIGHER,
        numerator=lambda p: count(SECOND_INSTANCE & closed_in(p) & HEARING_HELD),
        denominator=lambda p: count(SECOND_INSTANCE & closed_in(p) & HEARING_RECORDED),
        words=Words(
            numerator=_("期间内结案且开庭审理的二审案件数（S2）"),
            denominator=_("期间内结案且记录了是否开庭的二审案件数（S2）"),
            note=_("未记录是否开庭的案件不计入；来源系统未导出“是否开庭”时显示“无数据”"),
        ),
        nouns=Nouns(_("开庭审理的二审结案"), _("二审结案"), CASES),
        funnel_model=BINOMIAL,
        gap=GapRule(within_coming=True),
        coverage=Coverage(
            population=_s2_closed,
            recorded=lambda p: count(SECOND_INSTANCE & closed_in(p) & HEARING_RECORDED),
            columns=("hearing_held",),
        ),
        default_target=None,
        default_detection=None,
    ),
    Indicator(
        number=17,
        slug="appeal_transfer_days",
        label=_("上诉案件移送时间"),
        sets=SPC_ONLY,
        unit=Unit.DAYS,
        direction=Direction.LOWER,
        numerator=lambda p: total("transfer_days", _transferred(p)),
        denominator=lambda p: count(_transferred(p)),
        words=Words(
            numerator=_(
                "移送二审日期在期间内、且有上诉日期的一审案件（F）从上诉到移送二审的天数之和"
            ),
            denominator=_("同一批案件数"),
            note=_("来源系统未导出上诉日期、移送二审日期时显示“无数据”"),
        ),
        nouns=Nouns(_("移送天数"), _("移送二审的上诉案件"), _("天")),
        funnel_model=DAYS,
        # The appealed first-instance cases closed in P should carry the appeal dates.
        coverage=Coverage(
            population=_f_closed_appealed,
            recorded=lambda p: count(
                FIRST_INSTANCE & closed_in(p) & APPEALED & APPEAL_LODGED_RECORDED
            ),
            columns=("appeal_lodged_on", "appeal_transferred_on"),
        ),
        default_target=None,
        default_detection=None,
    ),
)
