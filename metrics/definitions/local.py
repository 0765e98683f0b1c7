"""The local eleven (INDICATORS.md, "The eleven"): the indicators the seed's city scores
against targets and ranks its units on; four of them (3, 5, 10, 11) are also in the SPC's 2024
set (metrics.definitions.spc2024). One declaration per indicator; the registry
(metrics.definitions.registry) says what each field means.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metrics.choices import Direction, IndicatorSet, Scope, Unit
from metrics.definitions.conditions import (
    ALL_FILED,
    CIVIL_FIRST_INSTANCE,
    ENFORCEMENT,
    FIRST_INSTANCE,
    HAS_DEADLINE,
    LITIGATION,
    MEDIATED_OR_WITHDRAWN,
    REVERSED,
    WITH_CLAIM,
    WITHIN_LIMIT,
    WORKLOAD,
    Measure,
    closed_in,
    count,
    decided_in,
    filed_in,
    long_pending_at,
    pending_at,
    pending_at_start,
    total,
)
from metrics.definitions.periods import Period
from metrics.definitions.registry import Indicator
from metrics.definitions.traits import (
    BINOMIAL,
    DAYS,
    POISSON,
    Accrual,
    DefaultDetection,
    DefaultTarget,
    FunnelModel,
    GapRule,
    Nouns,
    Projection,
    Words,
)


def _w_closed(p: Period) -> Measure:
    return count(WORKLOAD & closed_in(p))


def _l_closed(p: Period) -> Measure:
    return count(LITIGATION & closed_in(p))


def _f_closed(p: Period) -> Measure:
    return count(FIRST_INSTANCE & closed_in(p))


def _enforced_with_claim(p: Period) -> Q:
    return ENFORCEMENT & closed_in(p) & WITH_CLAIM


CASES = _("件")
# The four the SPC's 2024 set keeps (INDICATORS.md, "The SPC's 2024 set"): declared here once.
BOTH_SETS = frozenset({IndicatorSet.LOCAL, IndicatorSet.SPC2024})


def _target(weight, target, warning) -> DefaultTarget:
    """A higher- or lower-is-better indicator's default weight, target and warning line."""
    return DefaultTarget(
        weight=Decimal(weight), target=Decimal(str(target)), warning=Decimal(str(warning))
    )


LOCAL: tuple[Indicator, ...] = (
    Indicator(
        number=1,
        slug="closed_to_filed_ratio",
        label=_("结收比"),
        unit=Unit.PERCENT,
        direction=Direction.HIGHER,
        numerator=_w_closed,
        denominator=lambda p: count(WORKLOAD & filed_in(p)),
        words=Words(
            numerator=_("期间内结案的工作量案件数（W）"),
            denominator=_("期间内立案的工作量案件数（W）"),
        ),
        nouns=Nouns(_("结案"), _("新收案件"), CASES),
        funnel_model=POISSON,  # closings are not a subset of the filings
        projection=Projection(may_pass_100=True),
        default_target=_target(10, 100, 90),
        default_detection=DefaultDetection(fall_threshold=Decimal("10")),
    ),
    Indicator(
        number=2,
        slug="clearance_rate",
        label=_("结案率"),
        unit=Unit.PERCENT,
        direction=Direction.HIGHER,
        numerator=_w_closed,
        # Pending at start and filed in P are disjoint (filed before / on or after start).
        denominator=lambda p: count(WORKLOAD & (pending_at_start(p) | filed_in(p))),
        words=Words(
            numerator=_("期间内结案的工作量案件数（W）"),
            denominator=_(
                "期初未结（期间开始前一日未结）的工作量案件数 + 期间内立案的工作量案件数"
            ),
            note=_(
                "按月考核：年初至今的目标值按统计截止日所在月份取值；季初至今、月初至今不设目标"
            ),
        ),
        nouns=Nouns(_("结案"), _("新收案件"), CASES),
        funnel_model=BINOMIAL,
        # The pending cases at the start are no count from zero.
        projection=Projection(denominator=Accrual.CARRIED),
        gap=GapRule(within_pending=True),
        breaks_ties=True,
        # YTD target by the month of the as-of day; warning = target − 10.
        default_target=DefaultTarget(
            weight=Decimal(10),
            monthly=tuple(
                (Decimal(t), Decimal(t - 10))
                for t in (8, 12, 18, 29, 42, 55, 63, 70, 76, 82, 88, 93)
            ),
        ),
        default_detection=DefaultDetection(fall_threshold=Decimal("5")),
    ),
    Indicator(
        number=3,
        slug="within_limit_rate",
        label=_("法定审限内结案率"),
        sets=BOTH_SETS,
        set_labels=((IndicatorSet.SPC2024, _("审限内结案率")),),
        unit=Unit.PERCENT,
        direction=Direction.HIGHER,
        numerator=lambda p: count(WORKLOAD & closed_in(p) & WITHIN_LIMIT),
        denominator=lambda p: count(WORKLOAD & closed_in(p) & HAS_DEADLINE),
        words=Words(
            numerator=_("期间内结案、有审限且结案日期不晚于审限届满日的工作量案件数"),
            denominator=_("期间内结案且有审限的工作量案件数"),
            note=_("审限届满当日结案属于审限内结案；无审限的案件不计入"),
        ),
        nouns=Nouns(_("审限内结案"), _("有审限的结案"), CASES),
        funnel_model=BINOMIAL,
        gap=GapRule(within_coming=True),
        default_target=_target(10, 97, 95),
        default_detection=DefaultDetection(fall_threshold=Decimal("3")),
    ),
    Indicator(
        number=4,
        slug="avg_trial_days",
        label=_("平均审理天数"),
        unit=Unit.DAYS,
        direction=Direction.LOWER,
        numerator=lambda p: total("trial_days", LITIGATION & closed_in(p)),
        denominator=_l_closed,
        words=Words(
            numerator=_("期间内结案的诉讼案件（L）审理天数之和"),
            denominator=_("期间内结案的诉讼案件数（L）"),
        ),
        nouns=Nouns(_("审理天数"), _("诉讼案件结案"), _("天")),
        funnel_model=DAYS,
        default_target=_target(8, 60, 90),
        default_detection=DefaultDetection(fall_threshold=Decimal("10")),
    ),
    Indicator(
        number=5,
        slug="long_pending_share",
        label=_("超12个月未结案件比"),
        sets=BOTH_SETS,
        unit=Unit.PERCENT,
        direction=Direction.LOWER,
        numerator=lambda p: count(LITIGATION & long_pending_at(p.end)),
        denominator=lambda p: count(LITIGATION & pending_at(p.end)),
        words=Words(
            numerator=_("统计截止日超12个月未结的诉讼案件数（L）"),
            denominator=_("统计截止日未结的诉讼案件数（L）"),
        ),
        nouns=Nouns(_("超12个月未结案件"), _("未结诉讼案件"), CASES),
        funnel_model=BINOMIAL,
        projection=Projection(numerator=Accrual.STOCK, denominator=Accrual.STOCK),
        default_target=_target(10, 1, 3),
        default_detection=DefaultDetection(fall_threshold=Decimal("2")),
    ),
    Indicator(
        number=6,
        slug="first_instance_acceptance_rate",
        label=_("一审服判息诉率"),
        unit=Unit.PERCENT,
        direction=Direction.HIGHER,
        numerator=lambda p: count(FIRST_INSTANCE & closed_in(p) & Q(effective_appealed=False)),
        denominator=_f_closed,
        words=Words(
            numerator=_("期间内结案且未上诉的一审案件数（F）"),
            denominator=_("期间内结案的一审案件数（F）"),
            note=_("上诉以案件自身记录为准，否则以关联的二审案件为准"),
        ),
        nouns=Nouns(_("服判息诉的一审结案"), _("一审结案"), CASES),
        funnel_model=BINOMIAL,
        gap=GapRule(within_coming=True),
        default_target=_target(10, 85, 80),
        default_detection=DefaultDetection(fall_threshold=Decimal("5")),
    ),
    Indicator(
        number=7,
        slug="first_instance_reversal_rate",
        label=_("一审被改判发回重审率"),
        unit=Unit.PERCENT,
        direction=Direction.LOWER,
        numerator=lambda p: count(
            FIRST_INSTANCE
            & Q(effective_appeal_outcome__in=REVERSED)
            & decided_in("effective_appeal_decided_on", p)
        ),
        denominator=_f_closed,
        words=Words(
            numerator=_("二审结果为改判或发回重审、且二审结案日期在期间内的一审案件数（F）"),
            denominator=_("期间内结案的一审案件数（F）"),
        ),
        nouns=Nouns(_("被改判、发回重审的一审案件"), _("一审结案"), CASES),
        funnel_model=BINOMIAL,
        default_target=_target(10, 2, 4),
        default_detection=DefaultDetection(fall_threshold=Decimal("2")),
    ),
    Indicator(
        number=8,
        slug="final_case_reversal_rate",
        label=_("生效案件被改判发回重审率"),
        unit=Unit.PERCENT,
        direction=Direction.LOWER,
        numerator=lambda p: count(
            LITIGATION
            & Q(effective_retrial_outcome__in=REVERSED)
            & decided_in("effective_retrial_decided_on", p)
        ),
        denominator=_l_closed,
        words=Words(
            numerator=_("再审结果为改判或发回重审、且再审结案日期在期间内的诉讼案件数（L）"),
            denominator=_("期间内结案的诉讼案件数（L）"),
        ),
        nouns=Nouns(_("被改判、发回重审的生效案件"), _("诉讼案件结案"), CASES),
        funnel_model=BINOMIAL,
        default_target=_target(8, "0.1", "0.3"),
        default_detection=DefaultDetection(fall_threshold=Decimal("0.5")),
    ),
    Indicator(
        number=9,
        slug="mediation_withdrawal_rate",
        label=_("调撤率"),
        unit=Unit.PERCENT,
        direction=Direction.BAND,
        numerator=lambda p: count(
            CIVIL_FIRST_INSTANCE & closed_in(p) & Q(closing_method__in=MEDIATED_OR_WITHDRAWN)
        ),
        denominator=lambda p: count(CIVIL_FIRST_INSTANCE & closed_in(p)),
        words=Words(
            numerator=_("期间内以调解或撤诉方式结案的民事一审案件数（CF）"),
            denominator=_("期间内结案的民事一审案件数（CF）"),
            note=_("区间指标：在目标区间内得满分，向两侧预警值线性递减至 0"),
        ),
        nouns=Nouns(_("调解、撤诉结案"), _("民事一审结案"), CASES),
        funnel_model=BINOMIAL,
        gap=GapRule(within_coming=True),
        # Full inside 35–65, zero below 25 or above 75.
        default_target=DefaultTarget(
            weight=Decimal(8),
            lower_warning=Decimal(25),
            lower_target=Decimal(35),
            upper_target=Decimal(65),
            upper_warning=Decimal(75),
        ),
        default_detection=DefaultDetection(fall_threshold=Decimal("10")),
    ),
    Indicator(
        number=10,
        slug="enforcement_recovery_rate",
        label=_("执行到位率"),
        sets=BOTH_SETS,
        unit=Unit.PERCENT,
        direction=Direction.HIGHER,
        numerator=lambda p: total("amount_recovered", _enforced_with_claim(p)),
        denominator=lambda p: total("amount_applied", _enforced_with_claim(p)),
        words=Words(
            numerator=_("期间内结案且申请执行标的额大于 0 的首次执行案件（E）执行到位金额之和"),
            denominator=_("同一批案件的申请执行标的额之和"),
        ),
        nouns=Nouns(_("执行到位金额"), _("申请执行标的额"), _("元")),
        funnel_model=None,  # a ratio of amounts of money: no case-count model
        gap=GapRule(within_coming=True),
        default_target=_target(8, 40, 25),
        # The denominator is yuan.
        default_detection=DefaultDetection(
            fall_threshold=Decimal("10"), min_denominator=Decimal("100000")
        ),
    ),
    Indicator(
        number=11,
        slug="case_to_proceeding_ratio",
        label=_("案-件比"),
        sets=BOTH_SETS,
        unit=Unit.RATIO,
        direction=Direction.LOWER,
        numerator=lambda p: count(ALL_FILED & filed_in(p)),
        denominator=lambda p: count(ALL_FILED & filed_in(p) & Q(origin_case_number="")),
        scopes=frozenset({Scope.CITY, Scope.COURT}),
        words=Words(
            numerator=_("期间内立案的案件数（A，件）"),
            denominator=_("期间内立案且无原审案号的案件数（A，案）"),
            note=_("显示为 1 : x.xx；只统计到全市和法院两级"),
        ),
        nouns=Nouns(_("件（含衍生案件）"), _("新收原审案件"), CASES),
        funnel_model=FunnelModel("poisson", _("泊松分布精确控制限（超出 1 的部分）"), 1.0),
        default_target=_target(8, "1.3", "1.5"),
        default_detection=DefaultDetection(fall_threshold=Decimal("0.1")),
    ),
)
