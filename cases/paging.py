"""One of several lists on a page, paginated by its own query parameter (?page=, ?sets_page=…):
the previous and next links keep every other parameter, so each list pages on its own. Shown
with templates/reports/_pager.html."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PAGE_SIZE = 20


def first_page(rows, size: int) -> Page:
    """Page 1 of `rows`, in one query when they fit on it (most of a page's lists: a day's
    cases entering a warning band, the letters due): the first `size` + 1 rows are read and
    counted; more than `size`, the count is asked too, as a Paginator would."""
    head = list(rows[: size + 1])
    if len(head) <= size:
        return Paginator(head, size).page(1)
    page = Paginator(rows, size).page(1)
    page.object_list = head[:size]  # in place of the Paginator's slice, before it is read
    return page


def pager(request, rows, param: str, *, size: int = PAGE_SIZE) -> dict:
    """`rows` (a queryset or a list) a page at a time, by `?<param>=`."""
    number = request.GET.get(param)
    if number in (None, "", "1"):
        page = first_page(rows, size)
    else:
        page = Paginator(rows, size).get_page(number)

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
