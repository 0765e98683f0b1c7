"""The API's pagination, in a module of its own.

DRF imports DEFAULT_PAGINATION_CLASS while `rest_framework.generics` is still loading; the
module it names must therefore not import any ViewSet (courtdash.api imports them all).

Page numbers as before, but `count` is counted only up to COUNT_CAP (cases.keyset): an exact
count of a city's million cases on every request is most of the request. A longer list answers
count = COUNT_CAP (a floor, the schema says so) and its pages past the cap are still served,
`next` following them while rows remain (a deep page costs its offset: narrow the list with the
filters). Backwards compatible: a list of fewer than COUNT_CAP rows pages and counts exactly as
before; page-number links stay valid, where a cursor would have changed every client.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.core.paginator import Paginator as DjangoPaginator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination

from cases.keyset import COUNT_CAP, capped_count


class CappedPage(Page):
    """A page that knows whether a next page exists from one row more, not from the count."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class CappedPaginator(DjangoPaginator):
    """Django's paginator with the count capped; the pages past the cap are still served (by
    their offset) and the next link still follows them, so every row stays reachable."""

    @cached_property
    def count(self) -> int:
        if hasattr(self.object_list, "query"):
            return min(capped_count(self.object_list, COUNT_CAP), COUNT_CAP)
        return super().count

    def validate_number(self, number):
        if self.count < COUNT_CAP:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        more = len(rows) > self.per_page
        return CappedPage(rows[: self.per_page], number, self, more=more)


class Pagination(PageNumberPagination):
    django_paginator_class = CappedPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        description = _("总数，最多计到 %(cap)d：达到时是下限，可按 next 继续翻页")
        response["properties"]["count"]["description"] = str(description % {"cap": COUNT_CAP})
        response["properties"]["count"]["maximum"] = COUNT_CAP
        return response
