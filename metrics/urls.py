from django.urls import path

from metrics import views
from metrics.views.funnel import funnel_page

app_name = "metrics"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("ranking/", views.ranking, name="ranking"),
    path("<slug:slug>/", views.indicator, name="indicator"),
    path("<slug:slug>/target/", views.indicator_target, name="indicator_target"),
    path("<slug:slug>/drill/", views.drill, name="drill"),
    path("<slug:slug>/cases/", views.case_list, name="cases"),
    path("<slug:slug>/cases.xlsx", views.case_export, name="cases_export"),
    path("<slug:slug>/trend/", views.trend, name="trend"),
    path("<slug:slug>/funnel/", funnel_page, name="funnel"),
]
