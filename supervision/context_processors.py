"""The top bar's count of what waits for the signed-in user (我的待办), read once a request
and only when a template shows it."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from supervision.selectors.queue import queue_counts


def open_counts(request) -> dict[str, int]:
    """{kind: open items} of the request's user, counted once per request (one query a kind)."""
    counts = getattr(request, "_queue_counts", None)
    if counts is None:
        counts = queue_counts(request.user) if request.user.is_authenticated else {}
        request._queue_counts = counts
    return counts


def work_queue(request) -> dict:
    if not hasattr(request, "user"):
        return {}
    return {"queue_open": SimpleLazyObject(lambda: sum(open_counts(request).values()))}
