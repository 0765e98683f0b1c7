"""The indicators this product computes: every indicator set's declarations, in one registry.

`INDICATORS` is what every consumer reads (the engine's one pass, the drill-down, the API, the
contract of `compute_indicators`): both sets, each indicator once, in INDICATORS.md order (an
indicator of both sets is declared once, with both in its `sets`). What is about scores,
targets, rankings or the local view reads `LOCAL_INDICATORS` (= INDICATORS.of_set(LOCAL)).
A new indicator is one declaration in its set's module (local.py: the seed's eleven;
spc2024.py: the SPC's 2024 set) and its test; nothing else keeps a table by slug
(tests/test_registry_architecture.py).

Which sets a deployment shows is a setting (COURTDASH_INDICATOR_SETS, `shown_sets()`); the
nightly computes every set.
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


def shown_sets() -> list[IndicatorSet]:
    """The indicator sets this deployment shows (COURTDASH_INDICATOR_SETS), in choice order."""
    chosen = {IndicatorSet(name) for name in settings.COURTDASH_INDICATOR_SETS}
    return [indicator_set for indicator_set in IndicatorSet if indicator_set in chosen]


def shown_indicators() -> Registry:
    """The indicators of the sets shown, in registry order."""
    sets = set(shown_sets())
    return Registry(i for i in INDICATORS.values() if i.sets & sets)
