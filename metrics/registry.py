"""The eleven trial quality-efficiency indicators (INDICATORS.md), each declared once, as data.

Numerator and denominator are measures (metrics.conditions) for a period. The engine turns the
whole registry into one grouped SQL pass; the drill-down applies the same conditions as filters.
Targets, warnings and weights are rows (metrics.models.IndicatorTarget), not constants here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metrics.choices import Direction, Scope, Unit
from metrics.conditions import (
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
from metrics.periods import Period

ALL_SCOPES = frozenset(Scope)
UNIT_FACTORS = {Unit.PERCENT: 100, Unit.DAYS: 1, Unit.RATIO: 1}


@dataclass(frozen=True, kw_only=True)
class Indicator:
    """One trial quality-efficiency indicator (INDICATORS.md)."""

    number: int  # its row in INDICATORS.md
    slug: str  # permanent: a database key and a URL part
    label: str
    unit: Unit
    direction: Direction
    numerator: Callable[[Period], Measure]
    denominator: Callable[[Period], Measure]
    scopes: frozenset[Scope] = ALL_SCOPES

    @property
    def factor(self) -> int:
        """Value = numerator / denominator × factor (× 100 for a percentage)."""
        return UNIT_FACTORS[self.unit]

    def measure(self, part: str, period: Period) -> Measure:
        if part not in ("numerator", "denominator"):
            raise ValueError(f"part must be numerator or denominator, not {part!r}")
        return getattr(self, part)(period)

    def __str__(self) -> str:
        return str(self.label)


class Registry(Mapping[str, Indicator]):
    """Indicators by slug, in the order declared. A duplicate slug is refused."""

    def __init__(self, indicators: Iterable[Indicator]):
        self._by_slug: dict[str, Indicator] = {}
        for indicator in indicators:
            if indicator.slug in self._by_slug:
                raise ValueError(f"duplicate indicator slug: {indicator.slug}")
            self._by_slug[indicator.slug] = indicator

    def __getitem__(self, slug: str) -> Indicator:
        return self._by_slug[slug]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_slug)

    def __len__(self) -> int:
        return len(self._by_slug)

    def choices(self) -> list[tuple[str, str]]:
        return [(slug, indicator.label) for slug, indicator in self._by_slug.items()]


def registry(*indicators: Indicator) -> Registry:
    return Registry(indicators)


def _w_closed(p: Period) -> Measure:
    return count(WORKLOAD & closed_in(p))


def _l_closed(p: Period) -> Measure:
    return count(LITIGATION & closed_in(p))


def _f_closed(p: Period) -> Measure:
    return count(FIRST_INSTANCE & closed_in(p))


def _enforced_with_claim(p: Period) -> Q:
    return ENFORCEMENT & closed_in(p) & WITH_CLAIM


INDICATORS = registry(
    Indicator(
        number=1,
        slug="closed_to_filed_ratio",
        label=_("结收比"),
        unit=Unit.PERCENT,
        direction=Direction.HIGHER,
        numerator=_w_closed,
        denominator=lambda p: count(WORKLOAD & filed_in(p)),
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
    ),
    Indicator(
        number=3,
        slug="within_limit_rate",
        label=_("法定审限内结案率"),
        unit=Unit.PERCENT,
        direction=Direction.HIGHER,
        numerator=lambda p: count(WORKLOAD & closed_in(p) & WITHIN_LIMIT),
        denominator=lambda p: count(WORKLOAD & closed_in(p) & HAS_DEADLINE),
    ),
    Indicator(
        number=4,
        slug="avg_trial_days",
        label=_("平均审理天数"),
        unit=Unit.DAYS,
        direction=Direction.LOWER,
        numerator=lambda p: total("trial_days", LITIGATION & closed_in(p)),
        denominator=_l_closed,
    ),
    Indicator(
        number=5,
        slug="long_pending_share",
        label=_("超12个月未结案件比"),
        unit=Unit.PERCENT,
        direction=Direction.LOWER,
        numerator=lambda p: count(LITIGATION & long_pending_at(p.end)),
        denominator=lambda p: count(LITIGATION & pending_at(p.end)),
    ),
    Indicator(
        number=6,
        slug="first_instance_acceptance_rate",
        label=_("一审服判息诉率"),
        unit=Unit.PERCENT,
        direction=Direction.HIGHER,
        numerator=lambda p: count(FIRST_INSTANCE & closed_in(p) & Q(effective_appealed=False)),
        denominator=_f_closed,
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
    ),
    Indicator(
        number=10,
        slug="enforcement_recovery_rate",
        label=_("执行到位率"),
        unit=Unit.PERCENT,
        direction=Direction.HIGHER,
        numerator=lambda p: total("amount_recovered", _enforced_with_claim(p)),
        denominator=lambda p: total("amount_applied", _enforced_with_claim(p)),
    ),
    Indicator(
        number=11,
        slug="case_to_proceeding_ratio",
        label=_("案-件比"),
        unit=Unit.RATIO,
        direction=Direction.LOWER,
        numerator=lambda p: count(ALL_FILED & filed_in(p)),
        denominator=lambda p: count(ALL_FILED & filed_in(p) & Q(origin_case_number="")),
        scopes=frozenset({Scope.CITY, Scope.COURT}),
    ),
)
