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
  here by its key, as cases may not import metrics): after a nightly, a target change, a
  court's change (cases.signals.courts_changed), or a test's fresh generation, nothing kept
  before is used.
- **Lag.** Live counts are kept COURTDASH_LIVE_COUNT_SECONDS (60 s): an import is seen at most
  that late in a count (the list's rows themselves are read on every request), as the top bar's
  queue count does (COURTDASH_QUEUE_COUNT_SECONDS). Keys also hold today's date, so a count never
  outlives its day. A page whose parts all change only by a write of the application or an
  import (the daily page) is kept whole under the queue generation instead, which every such
  commit changes (`{% page_fragment live=… %}`), and that long at most.
- **Redis unreachable**: computed, never an error (a warning in the log, once a minute).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction

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


# The results generation as the request being served first read it (GenerationMiddleware):
# {"value": generation} once read, {} before; None outside a request (a task, a command).
_request_generation: ContextVar[dict | None] = ContextVar("courtdash_generation", default=None)


class GenerationMiddleware:
    """Gives each request its memo of the results generation: a page and its parts (the cached
    data of metrics.reading.pagecache, the fragments here, the top bar) read the generation
    from Redis once, and agree on it. A change made by the request itself (a target saved, on
    commit) replaces it (`generation_remember`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_generation.set({})
        try:
            return self.get_response(request)
        finally:
            _request_generation.reset(token)


def generation_remember(value: str | None) -> None:
    """The generation this request read or set, for its later reads (outside a request:
    nothing)."""
    memo = _request_generation.get()
    if memo is not None:
        memo["value"] = value


def generation() -> str | None:
    """The current results generation (once per request: GenerationMiddleware); None when
    there is none yet, the cache is off or cannot be reached."""
    memo = _request_generation.get()
    if memo and "value" in memo:
        return memo["value"]
    found = None
    if enabled():
        try:
            found = caches[CACHE_ALIAS].get(GENERATION_KEY)
        except Exception as error:
            unreachable(error, "generation")
    generation_remember(found)
    return found


# Small answers that every page asks and that change only with the stored results (the latest
# computed day, the indicator sets shown): (generation, {(name, args): value}), this process's.
# Replaced whole when the generation changes, so that a thread never sees it half cleared.
_with_results: tuple[str | None, dict] = (None, {})


def kept_with_results(name: str, compute: Callable[[], T], /, *args) -> T:
    """`compute()` (which must depend on `args` only), kept in this process for as long as the
    results generation stays the same: only for what changes where the results generation is
    changed (metrics.reading.pagecache.results_changed). In a request (GenerationMiddleware)
    outside any transaction (a write not committed yet changes no generation), with the page
    cache on; anywhere else computed each time. Computed on the primary, as the page cache's
    data: a replica behind the commit that changed the generation would keep the old answer."""
    if _request_generation.get() is None or not enabled() or connection.in_atomic_block:
        return compute()
    current = generation()
    if current is None:
        return compute()
    global _with_results
    kept_generation, kept = _with_results
    if kept_generation != current:
        kept = {}
        _with_results = (current, kept)
    key = (name, args)
    value = kept.get(key, MISSING)
    if value is MISSING:
        with transaction.atomic():
            value = compute()
        kept[key] = value
    return value


def key_of(name: str, parts: dict) -> str:
    described = repr(sorted(parts.items()))
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    return f"fragment:{name}:{generation()}:{today().isoformat()}:{digest}"


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
