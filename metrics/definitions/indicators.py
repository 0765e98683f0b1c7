"""The indicators this product computes: every indicator set's declarations, in one registry.

`INDICATORS` is what every consumer reads (the engine's one pass, the drill-down, the pages,
the API, the reports). A new indicator is one declaration in its set's module (local.py: the
seed's eleven) and its test; nothing else keeps a table by slug
(tests/test_registry_architecture.py).
"""

from __future__ import annotations

from metrics.definitions.local import LOCAL
from metrics.definitions.registry import registry

INDICATORS = registry(*LOCAL)
