"""What an indicator is (INDICATORS.md): one object holding every fact about it, and the registry.

An indicator is everything the product knows about it: its computation (numerator and denominator
are measures, metrics.definitions.conditions, for a period: the engine turns the whole registry into
one grouped SQL pass; the drill-down applies the same conditions as filters), its names and words,
its short nouns, how it projects, the rules of its gap to a target, what breaks a tie of totals, its
default target and its default detection rule. Adding an indicator is adding one declaration in its
set's module (metrics.definitions.local, the eleven; metrics.definitions.spc2024, the SPC's 2024
set) and its test; every consumer reads these
fields, none keeps a table by slug (tests/test_registry_architecture.py).

Targets, warnings and weights in force are rows the office edits (metrics.models.IndicatorTarget);
`default_target` is only what a fresh deployment starts from (seeded by the migrations, by
metrics.services.indicator_targets_seed, and offered by the target form of an indicator without
a row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from metrics.choices import Direction, IndicatorSet, Scope, Unit
from metrics.definitions.conditions import (
    Measure,
)
from metrics.definitions.periods import Period
from metrics.definitions.traits import (
    FLOWS,
    UNBOUNDED_GAP,
    Coverage,
    DefaultDetection,
    DefaultTarget,
    FunnelModel,
    GapRule,
    Nouns,
    Projection,
    Words,
)

ALL_SCOPES = frozenset(Scope)
LOCAL_ONLY = frozenset({IndicatorSet.LOCAL})
UNIT_FACTORS = {Unit.PERCENT: 100, Unit.DAYS: 1, Unit.RATIO: 1}


@dataclass(frozen=True, kw_only=True)
class Indicator:
    """One trial quality-efficiency indicator (INDICATORS.md), all its facts in one place.

    Keyword-only fields, the facts of one concern grouped in one frozen value
    (metrics.definitions.traits): a later fact (the indicator sets it belongs to, the version of its
    definition) is one more field with a default, and no declaration or consumer changes for it.
    """

    # Identity and computation
    number: int  # its row in INDICATORS.md
    slug: str  # permanent: a database key and a URL part
    label: str  # its name (gettext_lazy)
    unit: Unit
    direction: Direction
    numerator: Callable[[Period], Measure]
    denominator: Callable[[Period], Measure]
    scopes: frozenset[Scope] = ALL_SCOPES
    # The indicator sets it belongs to (INDICATORS.md: the local eleven, the SPC's 2024 set), and
    # the version of its definition: every stored value records the version that produced it, so
    # a changed definition is a new version and a past day reads as it was computed.
    sets: frozenset[IndicatorSet] = LOCAL_ONLY
    version: int = 1
    # Its name in a set that names it differently (the SPC's 审限内结案率 for #3); else `label`.
    set_labels: tuple[tuple[IndicatorSet, str], ...] = ()
    # What it needs of the optional columns (None: only the required ones): where a unit's cases
    # carry none of them, its value is "no data" (IndicatorValue.no_data).
    coverage: Coverage | None = None
    # Words for people: the long description and the short nouns of sentences
    words: Words
    nouns: Nouns
    # Statistics and planning
    funnel_model: FunnelModel | None  # None: no count model (a ratio of money)
    projection: Projection = FLOWS
    gap: GapRule = UNBOUNDED_GAP
    breaks_ties: bool = False  # totals equal: the higher value of this indicator ranks first
    # Defaults of the rows the office edits
    default_target: DefaultTarget | None  # None: no target (not scored, not ranked)
    default_detection: DefaultDetection | None  # None: no detection rule is seeded

    @property
    def factor(self) -> int:
        """Value = numerator / denominator × factor (× 100 for a percentage)."""
        return UNIT_FACTORS[self.unit]

    def label_in(self, indicator_set: IndicatorSet) -> str:
        """Its name as `indicator_set` names it."""
        return dict(self.set_labels).get(indicator_set, self.label)

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
        if sum(indicator.breaks_ties for indicator in self._by_slug.values()) > 1:
            raise ValueError("at most one indicator breaks ties")

    def __getitem__(self, slug: str) -> Indicator:
        return self._by_slug[slug]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_slug)

    def __len__(self) -> int:
        return len(self._by_slug)

    def of_set(self, indicator_set: IndicatorSet | str) -> Registry:
        """The indicators of one set, in registry order."""
        indicator_set = IndicatorSet(indicator_set)
        return Registry(i for i in self._by_slug.values() if indicator_set in i.sets)

    def choices(self) -> list[tuple[str, str]]:
        return [(slug, indicator.label) for slug, indicator in self._by_slug.items()]

    @property
    def tie_breaker(self) -> Indicator | None:
        """The indicator whose higher value ranks first among equal totals (at most one)."""
        return next((i for i in self._by_slug.values() if i.breaks_ties), None)


def registry(*indicators: Indicator) -> Registry:
    return Registry(indicators)
