"""The kinds of fact an indicator of the registry (metrics.definitions.registry) carries beside its
computation: its words, its nouns, its funnel model, how it projects, the rules of its gap to a
target, and its default target and detection rule. Types only, frozen; the facts themselves are
declared with each indicator in metrics.definitions.registry, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from metrics.definitions.conditions import Measure
    from metrics.definitions.periods import Period


@dataclass(frozen=True)
class Words:
    """The definition in words, for people (the indicator page, the drill-down's XLSX)."""

    numerator: str
    denominator: str
    note: str = ""


@dataclass(frozen=True)
class Nouns:
    """What numerator and denominator count, in a few words, for the sentences of a gap (what
    must happen to reach a target) and of each unit's share of it."""

    numerator: str  # what more of is needed (or allowed)
    coming: str  # what the denominator grows by until the period ends
    measure: str  # 件, 天 or 元


@dataclass(frozen=True)
class FunnelModel:
    """The distribution behind a funnel plot's control limits (metrics.reading.funnel_limits)."""

    kind: str  # "binomial" | "poisson" | "days"
    label: str
    base: float = 0.0  # poisson: the value's floor (案-件比 ≥ 1: the excess is counted)


BINOMIAL = FunnelModel("binomial", _("二项分布精确控制限"))
POISSON = FunnelModel("poisson", _("泊松分布精确控制限"))
DAYS = FunnelModel("days", _("准泊松控制限（按本级案件审理天数的离散度放宽）"))


class Accrual(StrEnum):
    """How a part (numerator or denominator) grows through a period, for its projection."""

    # Counted from zero at the period's start.
    FLOW = "flow"
    # Carries a balance from the period's start (the cases pending then), then grows like a flow.
    CARRIED = "carried"
    # A stock on the day (cases pending): no pace of its own, moved only by past years' pattern.
    STOCK = "stock"


@dataclass(frozen=True)
class Projection:
    """How the indicator is projected to its period's end (reports.projection)."""

    numerator: Accrual = Accrual.FLOW
    denominator: Accrual = Accrual.FLOW
    # A percentage whose numerator is not part of its denominator may pass 100.
    may_pass_100: bool = False

    def accrual(self, part: str) -> Accrual:
        if part not in ("numerator", "denominator"):
            raise ValueError(f"part must be numerator or denominator, not {part!r}")
        return getattr(self, part)


FLOWS = Projection()  # both parts counted from zero at the period's start


@dataclass(frozen=True)
class GapRule:
    """What bounds the numerator still to come (reports.gap): beyond it a target is out of reach."""

    # From now on the numerator can only come out of what the denominator grows by
    # (within-limit closings are closings, an accepted judgment is a first-instance closing…).
    within_coming: bool = False
    # What is needed must fit in what is pending: at most every case closed (结案率).
    within_pending: bool = False


UNBOUNDED_GAP = GapRule()  # nothing but the target itself bounds what is needed


@dataclass(frozen=True)
class DefaultTarget:
    """The INDICATORS.md defaults of an indicator's target row (metrics.IndicatorTarget): what a
    fresh deployment starts from. The office edits the rows; these are never read for scoring.
    `monthly` (by-month targets, YTD only) holds (target, warning) for months 1–12."""

    weight: Decimal
    target: Decimal | None = None
    warning: Decimal | None = None
    lower_warning: Decimal | None = None
    lower_target: Decimal | None = None
    upper_target: Decimal | None = None
    upper_warning: Decimal | None = None
    monthly: tuple[tuple[Decimal, Decimal], ...] = ()

    def __post_init__(self):
        if self.monthly and len(self.monthly) != 12:
            raise ValueError("monthly targets are twelve (target, warning) pairs")

    @property
    def by_month(self) -> bool:
        return bool(self.monthly)

    def fields(self) -> dict:
        """The fields of an IndicatorTarget row (without the monthly rows)."""
        return {
            "weight": self.weight,
            "target": self.target,
            "warning": self.warning,
            "lower_warning": self.lower_warning,
            "lower_target": self.lower_target,
            "upper_target": self.upper_target,
            "upper_warning": self.upper_warning,
            "by_month": self.by_month,
        }

    def months(self) -> dict[int, tuple[Decimal, Decimal]]:
        return {month: pair for month, pair in enumerate(self.monthly, start=1)}


@dataclass(frozen=True)
class DefaultDetection:
    """The default abnormality-detection rule (supervision.DetectionRule): a fall of at least
    `fall_threshold` in the indicator's unit (percentages in points; days and ratios in their
    own unit), judged only where the denominator is at least `min_denominator`."""

    fall_threshold: Decimal
    min_denominator: Decimal = Decimal("20")


@dataclass(frozen=True)
class Coverage:
    """Whether a unit's source system records what an indicator needs (the optional columns of
    DATA_FORMAT.md): the cases that should carry the values (`population`), and those of them
    that do (`recorded`). Where the population is not empty and none of it is recorded, the
    unit's value is "no data" (the export lacks the columns), which is neither 0 nor the "—"
    of a zero denominator. Both are measures of metrics.definitions.conditions for a period,
    counted by the engine in the same pass."""

    population: Callable[[Period], Measure]
    recorded: Callable[[Period], Measure]
    columns: tuple[str, ...]  # the Case columns it needs, for people
