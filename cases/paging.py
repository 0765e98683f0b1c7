"""One of several lists on a page, paginated by its own query parameter (?page=, ?sets_page=…):
the previous and next links keep every other parameter, so each list pages on its own. Shown
with templates/reports/_pager.html."""

from __future__ import annotations

from django.core.paginator import Paginator

PAGE_SIZE = 20


def pager(request, rows, param: str, *, size: int = PAGE_SIZE) -> dict:
    """`rows` (a queryset or a list) a page at a time, by `?<param>=`."""
    page = Paginator(rows, size).get_page(request.GET.get(param))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}"

    return {
        "page": page,
        "rows": page.object_list,
        "count": page.paginator.count,
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
        "number": page.number,
        "pages": page.paginator.num_pages,
    }
