"""cases.paging.pager: a page of one list among several, by its own parameter. Its first page
is read in one query when the rows fit on it; otherwise it is what Django's Paginator gives."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from cases.paging import pager
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
SIZE = 3
NEXT = {"": "?bands_page=2", "?bands_page=1": "?bands_page=2", "?other=x": "?other=x&bands_page=2"}


def _paged(cases: int, query: str = "") -> tuple[dict, int]:
    CaseFactory.create_batch(cases)
    request = RequestFactory().get(f"/reports/{query}")
    rows = Case.objects.order_by("case_number")
    with CaptureQueriesContext(connection) as queries:
        listed = pager(request, rows, "bands_page", size=SIZE)
        listed["rows"] = list(listed["rows"])
    return listed, len(queries.captured_queries)


def _expected(number) -> dict:
    page = Paginator(Case.objects.order_by("case_number"), SIZE).get_page(number)
    return {
        "rows": list(page.object_list),
        "count": page.paginator.count,
        "number": page.number,
        "pages": page.paginator.num_pages,
        "has_next": page.has_next(),
    }


def _seen(listed: dict) -> dict:
    return {
        "rows": listed["rows"],
        "count": listed["count"],
        "number": listed["number"],
        "pages": listed["pages"],
        "has_next": bool(listed["next_url"]),
    }


@pytest.mark.parametrize(("cases", "queries"), [(0, 1), (2, 1), (SIZE, 1), (SIZE + 1, 2), (7, 2)])
@pytest.mark.parametrize("query", ["", "?bands_page=1", "?other=x"])
def test_the_first_page_is_the_paginators_in_one_query_when_it_holds_every_row(
    cases, queries, query
):
    listed, asked = _paged(cases, query)
    assert _seen(listed) == _expected(1)
    assert asked == queries
    if cases > SIZE:  # the next page keeps the other parameters
        assert listed["next_url"] == NEXT[query]


@pytest.mark.parametrize("number", ["2", "3", "99", "x", "0"])
def test_a_later_page_is_the_paginators(number):
    listed, _asked = _paged(7, f"?bands_page={number}")
    assert _seen(listed) == _expected(number)
