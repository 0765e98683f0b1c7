"""The cache of pages that answer from stored results (issue 13): the overview, the weekly
ranking, the drill-down, the trend, the funnel, an indicator's page, the quarter targets.

What is cached is the data a page shows (the selectors' result, the charts), never a response:
the page still checks who may look and which unit they reach (cases/units.py,
cases/permissions.py) before it asks here, and renders its per-user parts (names, navigation,
CSRF token, buttons by role) on every request. A cached value depends only on what its key
holds: the page, the unit, the day asked for and the day shown, the period, the page's own
query choices, the language, today's date, and the results generation.

The results generation is a token in Redis that changes whenever stored results change: after
the engine stores a day's results, after a target change rescores them, after a quarter target
or the ranking mode changes (`results_changed()`, run on commit), and after a court is
created, changed or removed (the court tree is kept under it: cases.units, `connect`). A key
holds the generation, so after a nightly no page shows the results of before; old entries expire
(COURTDASH_PAGE_CACHE_SECONDS bounds how long an entry lives, even if a change was stored while
Redis was unreachable and its generation could not be changed).

Redis unreachable: every page computes its data as if nothing were cached (a warning in the
log, at most once a minute), never an error.
"""

from __future__ import annotations

import copyreg
import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import translation

from cases.dates import today
from cases.fragments import (
    CACHE_ALIAS,
    GENERATION_KEY,
    MISSING,
    enabled,
    generation,
    generation_remember,
    unreachable,
)
from cases.signals import courts_changed
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.registry import Indicator

logger = logging.getLogger(__name__)

T = TypeVar("T")


def _indicator_by_slug(slug: str) -> Indicator:
    return INDICATORS[slug]


# An indicator holds its computation (lambdas, which pickle cannot store): a cached page's data
# names it by its permanent slug and gets the registry's object back.
copyreg.pickle(Indicator, lambda indicator: (_indicator_by_slug, (indicator.slug,)))


def _token() -> str:
    # Time first, so generations sort; random after, so two processes never make the same one.
    return f"{time.time_ns():x}-{uuid.uuid4().hex[:8]}"


def generation_of(cache, key: str, found: str | None) -> str:
    """The generation stored under `key` (`found`, if already read), made if there is none.
    Raises what the backend raises when the cache cannot be reached."""
    if found is None:
        cache.add(key, _token(), timeout=None)
        found = cache.get(key)
    return found


def generation_set(key: str, what: str) -> str | None:
    """A new generation under `key`, now: nothing cached under the old one is used again. A
    cache that cannot be reached is logged (`what` changed): its entries expire on their own.
    Returns the new generation (None: not changed)."""
    if not enabled():
        return None
    token = _token()
    try:
        caches[CACHE_ALIAS].set(key, token, timeout=None)
    except Exception as error:  # redis.RedisError, OSError: whatever the backend raises
        logger.error("cache: %s changed, generation not changed: %r", what, error)
        return None
    return token


def results_generation() -> str | None:
    """The current results generation (made if there is none; read once per request:
    cases.fragments.GenerationMiddleware); None when the cache cannot be reached."""
    found = generation()
    if found is not None:
        return found
    cache = caches[CACHE_ALIAS]
    try:
        found = generation_of(cache, GENERATION_KEY, None)
    except Exception as error:
        unreachable(error, "generation", "page cache")
        return None
    generation_remember(found)
    return found


def generation_change() -> None:
    """A new results generation, now: nothing cached before is used again — by this request
    either (None, if it could not be set: its later parts then read it again)."""
    generation_remember(generation_set(GENERATION_KEY, "stored results"))


def results_changed() -> None:
    """Stored results changed (or will, when the current transaction commits): pages computed
    before must not be shown. Outside a transaction, at once."""
    transaction.on_commit(generation_change)


def connect() -> None:
    """The court tree is kept under the results generation (cases.units): a court created,
    changed or removed changes the generation, on commit."""
    courts_changed.connect(_courts_changed, dispatch_uid="pagecache_courts_changed")


def _courts_changed(sender, **kwargs) -> None:
    results_changed()


def _key(name: str, parts: dict, generation: str) -> str:
    described = repr(sorted(parts.items()))
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    return f"page:{name}:{generation}:{translation.get_language()}:{today().isoformat()}:{digest}"


def cached(name: str, compute: Callable[[], T], /, **parts) -> T:
    """`compute()`, or what it gave before for the same page `name`, `parts` (the unit, day,
    period and every query choice the data depends on), language, today and generation.

    Call it after the permission and unit checks, and only with a `compute` whose result
    depends on nothing else: never the user, never the request beyond `parts`."""
    if not enabled():
        return compute()
    generation = results_generation()
    if generation is None:
        return compute()
    key = _key(name, parts, generation)
    cache = caches[CACHE_ALIAS]
    try:
        value = cache.get(key, MISSING)
    except Exception as error:
        unreachable(error, "get", "page cache")
        return compute()
    if value is not MISSING:
        return value
    # Filled from the primary: with replicas (courtdash.routers reads one only outside a
    # transaction), one that has not replayed the nightly's commit yet would store the old
    # results under the new generation.
    with transaction.atomic():
        value = compute()
    try:
        cache.set(key, value, timeout=settings.COURTDASH_PAGE_CACHE_SECONDS)
    except Exception as error:
        unreachable(error, "set", "page cache")
    return value
