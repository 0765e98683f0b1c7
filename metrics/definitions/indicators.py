"""The indicators this product computes: every indicator set's declarations, in one registry.

`INDICATORS` is what every consumer reads (the engine's one pass, the drill-down, the API, the
contract of `compute_indicators`): both sets, each indicator once, in INDICATORS.md order (an
indicator of both sets is declared once, with both in its `sets`). What is about scores,
targets, rankings or the local view reads `LOCAL_INDICATORS` (= INDICATORS.of_set(LOCAL)).
A new indicator is one declaration in its set's module (local.py: the seed's eleven;
spc2024.py: the SPC's 2024 set) and its test; nothing else keeps a table by slug
(tests/test_registry_architecture.py).

Which sets a deployment shows is the office's choice (metrics.selectors.shown_sets: its latest
IndicatorSetSetting, else `default_sets()`, the setting COURTDASH_INDICATOR_SETS); the nightly
computes every set.
"""

from __future__ import annotations

from django.conf import settings

from metrics.choices import IndicatorSet
from metrics.definitions.local import LOCAL
from metrics.definitions.registry import Registry, registry
from metrics.definitions.spc2024 import SPC2024

INDICATORS = registry(*LOCAL, *SPC2024)
LOCAL_INDICATORS = INDICATORS.of_set(IndicatorSet.LOCAL)
SPC2024_INDICATORS = INDICATORS.of_set(IndicatorSet.SPC2024)


def ordered_sets(names) -> list[IndicatorSet]:
    """The named sets (values or IndicatorSet members) in choice order, each once."""
    chosen = {IndicatorSet(name) for name in names}
    return [indicator_set for indicator_set in IndicatorSet if indicator_set in chosen]


def default_sets() -> list[IndicatorSet]:
    """The sets a deployment shows until its office chooses (COURTDASH_INDICATOR_SETS)."""
    return ordered_sets(settings.COURTDASH_INDICATOR_SETS)


def indicators_of_sets(sets) -> Registry:
    """The indicators of any of `sets`, in registry order."""
    sets = set(sets)
    return Registry(i for i in INDICATORS.values() if i.sets & sets)
