"""The API's pagination, in a module of its own.

DRF imports DEFAULT_PAGINATION_CLASS while `rest_framework.generics` is still loading; the
module it names must therefore not import any ViewSet (courtdash.api imports them all).
"""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
