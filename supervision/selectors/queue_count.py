"""The top bar's 我的待办 count, kept in the page cache (metrics.reading.pagecache's Redis, alias
"pages") so that a page pays one Redis round trip for it instead of ~15 COUNT subqueries.

What is cached: a user's `queue_counts` ({kind: open items}), under their own key (their id and
today's date: a deadline passing at midnight changes the count the next day; two users never
share an entry) together with the queue generation it was computed under.

The queue generation is a token in Redis changed after every commit that may change anybody's
queue: any save or delete of a model of cases, supervision or reports (the queue's sources, the
people, their units and designations; the services also leave a trail entry, a save, for each
action), except the few that never feed the queue (QUIET). A queue's source written without a
save (bulk_create, update(), raw SQL) calls `queue_changed()` itself (the health check's
findings); the services that write in bulk also save a row (a campaign, a talk, a trail entry)
in the same transaction.
The count read is the one stored with the current generation, or computed again.

An import writes the case table without a save (its set-based writer, the derived fields'
refresh): it sends `cases.signals.cases_imported`, and its commit changes the generation too.

Where no invalidation reaches, the count lags by at most COURTDASH_QUEUE_COUNT_SECONDS: raw
SQL outside the application, and a generation that could not be changed because Redis was
unreachable at the commit. The work queue page (supervision.views.queue) shows this count too,
and keeps its page's keys the same way (`cached_keys`: under the user's id, today, the kind
and the page's end); the rows it shows are read on every request, so that a row answered
meanwhile is left out. The API's inbox (supervision.api) counts on every request. The daily
page (reports.views.daily) keeps its rendered body and its counts under this generation too
(`queue_generation`): its cases, letters and units change only by such writes and imports.

Redis unreachable or the page cache off: the count is computed, as before, never an error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from cases.dates import today
from cases.fragments import CACHE_ALIAS, enabled, unreachable
from cases.signals import cases_imported
from metrics.reading.pagecache import generation_of, generation_set
from supervision.selectors.queue import queue_counts

T = TypeVar("T")
GENERATION_KEY = "queue-generation"
# The apps whose models the queue reads (its sources, the people and units who receive it).
WATCHED_APPS = frozenset({"cases", "supervision", "reports"})
# Models of those apps that never change a queue (logs, messages, reminders sent), written often.
QUIET = frozenset(
    {
        ("cases", "auditevent"),
        ("supervision", "notification"),
        ("supervision", "reminder"),
        ("supervision", "smsmessage"),
        ("reports", "pipelinestep"),
        ("reports", "reportdocument"),
    }
)
# Models of those apps deleted in bulk by a service that calls `queue_changed()` itself (the
# health check's case links: a nightly deletes and writes them by the hundred thousand).
BULK = frozenset({("reports", "findingcase")})
QUEUE_CACHE = "queue count cache"


def _key(user) -> str:
    return f"queue-count:{user.pk}:{today().isoformat()}"


def _keys_key(user, kind: str, stop: int) -> str:
    return f"queue-keys:{user.pk}:{today().isoformat()}:{kind}:{stop}"


def queue_generation() -> str | None:
    """The current queue generation (made if there is none), for what is kept under it
    elsewhere (the daily page: its cases and letters); None when the page cache is off or
    Redis unreachable."""
    if not enabled():
        return None
    cache = caches[CACHE_ALIAS]
    try:
        return generation_of(cache, GENERATION_KEY, cache.get(GENERATION_KEY))
    except Exception as error:
        unreachable(error, "get", QUEUE_CACHE)
        return None


def generation_change() -> None:
    """A new queue generation, now: no count stored before is used again."""
    generation_set(GENERATION_KEY, "a queue")


class _Change:
    """The generation change of one transaction's commit: registered once per write (so that
    a savepoint rolled back drops only its own), done once."""

    def __init__(self):
        self.done = False

    def __call__(self):
        if not self.done:
            self.done = True
            generation_change()


def queue_changed() -> None:
    """Somebody's queue changed (or will, when the current transaction commits): one Redis
    write at the commit, however many rows the transaction writes. Nothing when the page cache
    is off: no count is kept."""
    if not enabled():
        return
    connection = transaction.get_connection()
    pending = None
    if connection.in_atomic_block:
        # The transaction's own, near the end of its hooks (usually the last one).
        for _savepoints, hook, _robust in reversed(connection.run_on_commit):
            if isinstance(hook, _Change) and not hook.done:
                pending = hook
                break
    transaction.on_commit(pending or _Change())


def _kept(key: str, compute: Callable[[], T]) -> T:
    """What `compute` gives, as stored under `key` with the current queue generation, or
    computed (and stored); computed when the page cache is off or Redis unreachable."""
    if not enabled():
        return compute()
    cache = caches[CACHE_ALIAS]
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = generation_of(cache, GENERATION_KEY, found.get(GENERATION_KEY))
    except Exception as error:
        unreachable(error, "get", QUEUE_CACHE)
        return compute()
    stored = found.get(key)
    if stored is not None and stored[0] == generation:
        return stored[1]
    # Computed on the primary: a replica (courtdash.routers reads one only outside a
    # transaction) that has not replayed a write yet would store the old value under the new
    # generation.
    with transaction.atomic():
        value = compute()
    if generation is not None:
        try:
            cache.set(key, (generation, value), timeout=settings.COURTDASH_QUEUE_COUNT_SECONDS)
        except Exception as error:
            unreachable(error, "set", QUEUE_CACHE)
    return value


def cached_counts(user) -> dict[str, int]:
    """{kind: open items} of the signed-in `user`: as stored under the current generation
    today, or counted (and stored)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return _kept(_key(user), lambda: queue_counts(user))


def cached_keys(user, kind: str, stop: int, read: Callable[[], list]) -> list:
    """The sort keys of the first `stop` items of `user`'s work queue (of one kind, or of all:
    `kind` ""), as stored under the current generation today, or `read` (and stored). The
    keys' one query (`QueueList._keys`: a `UNION ALL` of each kind's first rows, 3 ms of
    planning alone for a division head's six kinds at 1,000,000 cases) then runs once per
    generation and page, not on every request; the rows shown are still read each time."""
    return _kept(_keys_key(user, kind, stop), read)


def _changed(sender, **kwargs) -> None:
    meta = sender._meta
    if meta.app_label not in WATCHED_APPS or (meta.app_label, meta.model_name) in QUIET:
        return
    fields = kwargs.get("update_fields")
    if fields is not None and set(fields) <= {"last_login"}:
        return  # a login (django.contrib.auth's update_last_login)
    queue_changed()


def _imported(sender, **kwargs) -> None:
    queue_changed()  # a judge's time limits, a mark's case closed: at the import's commit


def connect() -> None:
    """Change the generation after every commit that saved or deleted a watched model, or
    imported cases. Connected model by model: a delete listener on a model turns off Django's
    fast (one-statement) delete for it, so the models written in bulk (BULK) keep it and call
    `queue_changed()` themselves."""
    for model in apps.get_models():
        meta = model._meta
        watched = (meta.app_label, meta.model_name)
        if meta.app_label not in WATCHED_APPS or watched in QUIET:
            continue
        post_save.connect(_changed, sender=model, dispatch_uid=f"queue_count_saved_{meta.label}")
        if watched not in BULK:
            uid = f"queue_count_deleted_{meta.label}"
            post_delete.connect(_changed, sender=model, dispatch_uid=uid)
    m2m_changed.connect(_changed, dispatch_uid="queue_count_m2m")
    cases_imported.connect(_imported, dispatch_uid="queue_count_imported")
