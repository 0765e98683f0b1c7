from django.urls import path  # each area adds its pages below

from cases.views import imports, pages

app_name = "cases"

urlpatterns: list = [
    path("cases/", pages.case_list, name="case_list"),
    path("cases/<int:pk>/", pages.case_detail, name="case_detail"),
    path("audit/", pages.audit_log, name="audit_log"),
    path("import/", imports.import_upload, name="import"),
    path("import/<str:token>/", imports.import_status, name="import_status"),
    path("import/<str:token>/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/<str:token>/retry/", imports.import_retry, name="import_retry"),
    path("import/<str:token>/report.csv", imports.import_report, name="import_report"),
]
