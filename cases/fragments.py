"""What many requests ask for at once, kept a short while in the page cache (issue 13): the top
bar's navigation and user card as rendered, and counts over the live case table (the case
list's warning bands). metrics.reading.pagecache keeps the stored results of the nightly; this
module is its lower-layer sibling for what is not a stored result (cases may not import
metrics), in the same Redis (CACHES["pages"], on with COURTDASH_PAGE_CACHE).

- **Scope.** A key holds everything its value depends on. A count over cases holds the user's
  reach (`units.reach_token`: the courts, division or judge reached, and the user where the reach is
  personal: an inspector sees only the cases joined to them), never only a unit named in the
  request; a fragment of the top bar holds the user themselves.
- **Generation.** A key also holds the results generation of metrics.reading.pagecache (read
  here by its key, as cases may not import metrics): after a nightly, a target change, or a
  test's fresh generation, nothing kept before is used.
- **Lag.** Live counts are kept COURTDASH_LIVE_COUNT_SECONDS (60 s): an import is seen at most
  that late in a count (the list's rows themselves are read on every request), as the top bar's
  queue count does (COURTDASH_QUEUE_COUNT_SECONDS). Keys also hold today's date, so a count never
  outlives its day.
- **Redis unreachable**: computed, never an error (a warning in the log, once a minute).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches

from cases.dates import today

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
GENERATION_KEY = "results-generation"  # changed by metrics.reading.pagecache
MISSING = object()
_warned_at = 0.0

T = TypeVar("T")


def enabled() -> bool:
    """Whether pages, fragments and the top bar's counts are cached: the setting, and a cache
    to use (metrics.reading.pagecache uses this one too)."""
    return settings.COURTDASH_PAGE_CACHE and CACHE_ALIAS in settings.CACHES


def unreachable(error: Exception, doing: str, what: str = "fragment cache") -> None:
    """Log that the cache failed (once a minute at most: a Redis down fails every request)."""
    global _warned_at
    now = time.monotonic()
    if now - _warned_at > 60:
        _warned_at = now
        logger.warning("%s unavailable (%s): %r; computed instead", what, doing, error)


def generation(request=None) -> str | None:
    """The current results generation (read once per request when `request` is given); None
    when there is none yet, the cache is off or cannot be reached."""
    if request is not None and hasattr(request, "_results_generation"):
        return request._results_generation
    found = None
    if enabled():
        try:
            found = caches[CACHE_ALIAS].get(GENERATION_KEY)
        except Exception as error:
            unreachable(error, "generation")
    if request is not None:
        request._results_generation = found
    return found


def key_of(name: str, parts: dict, *, request=None) -> str:
    described = repr(sorted(parts.items()))
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    return f"fragment:{name}:{generation(request)}:{today().isoformat()}:{digest}"


def get(key: str):
    """The value kept under `key`, or None (nothing kept, the cache off or unreachable)."""
    if not enabled():
        return None
    try:
        return caches[CACHE_ALIAS].get(key)
    except Exception as error:  # redis.RedisError, OSError: whatever the backend raises
        unreachable(error, "get")
        return None


def put(key: str, value, seconds: int) -> None:
    if not enabled():
        return
    try:
        caches[CACHE_ALIAS].set(key, value, timeout=seconds)
    except Exception as error:
        unreachable(error, "set")


def kept(name: str, compute: Callable[[], T], /, *, seconds: int, **parts) -> T:
    """`compute()`, or what it gave less than `seconds` ago for the same `name`, `parts` and
    today. `parts` must hold everything the value depends on (the reach: `units.reach_token`)."""
    if not enabled():
        return compute()
    key = key_of(name, parts)
    try:
        value = caches[CACHE_ALIAS].get(key, MISSING)
    except Exception as error:
        unreachable(error, "get")
        return compute()
    if value is not MISSING:
        return value
    value = compute()
    put(key, value, seconds)
    return value
