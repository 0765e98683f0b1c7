from django.urls import path  # each area adds its pages below

from cases.views import imports

app_name = "cases"

urlpatterns: list = [
    path("import/", imports.import_upload, name="import"),
    path("import/<str:token>/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/<str:token>/report.csv", imports.import_report, name="import_report"),
]
