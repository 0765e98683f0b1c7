"""The top bar's count of what waits for the signed-in user (我的待办), read once a request
and only when a template shows it, from the page cache when it holds this user's count of
today under the current queue generation (supervision.selectors.queue_count)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from supervision.selectors.queue_count import cached_counts


def open_counts(request, *, exact: bool = False, rows: dict | None = None) -> dict[str, int]:
    """{kind: open items} of the request's user, read once per request. `exact`: counted now,
    not read from the cache (a page that lists the rows; the top bar then shows the same).
    `rows`: the user's `queue_rows` of today, already built by the page."""
    counts = getattr(request, "_queue_counts", None)
    if counts is None or (exact and not getattr(request, "_queue_counts_exact", False)):
        counts = cached_counts(request.user, exact=exact, rows=rows)
        request._queue_counts = counts
        request._queue_counts_exact = exact
    return counts


def work_queue(request) -> dict:
    if not hasattr(request, "user"):
        return {}
    return {"queue_open": SimpleLazyObject(lambda: sum(open_counts(request).values()))}
