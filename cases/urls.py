from django.urls import path  # noqa: F401 - each area adds its pages below

app_name = "cases"

urlpatterns: list = []
