"""The REST API: one router for every app's ViewSets, the pagination, the schema."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import DefaultRouter


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


router = DefaultRouter()
