"""The top bar's count of what waits for the signed-in user (我的待办), read once a request
and only when a template shows it, from the page cache when it holds this user's count of
today under the current queue generation (supervision.selectors.queue_count)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from supervision.selectors.queue_count import cached_counts


def open_counts(request) -> dict[str, int]:
    """{kind: open items} of the request's user, read once per request."""
    counts = getattr(request, "_queue_counts", None)
    if counts is None:
        counts = cached_counts(request.user)
        request._queue_counts = counts
    return counts


def work_queue(request) -> dict:
    if not hasattr(request, "user"):
        return {}
    return {"queue_open": SimpleLazyObject(lambda: sum(open_counts(request).values()))}
