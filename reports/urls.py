from django.urls import path

from reports.views import daily, health, monthly, settings, targets

app_name = "reports"

urlpatterns = [
    path("", daily.daily, name="daily"),
    path("targets/", targets.targets, name="targets"),
    path("targets/edit/", targets.targets_edit, name="targets_edit"),
    path("monthly/", monthly.monthly_list, name="monthly_list"),
    path("monthly/generate/", monthly.monthly_generate, name="monthly_generate"),
    path("monthly/<int:pk>/", monthly.monthly, name="monthly"),
    path("monthly/<int:pk>/report.pdf", monthly.monthly_pdf, name="monthly_pdf"),
    path("monthly/<int:pk>/report.xlsx", monthly.monthly_xlsx, name="monthly_xlsx"),
    path("health/", health.health, name="health"),
    path("health/findings/<int:pk>/", health.finding, name="finding"),
    path("settings/health/", settings.health_settings, name="health_settings"),
    path("settings/ranking/", settings.ranking_settings, name="ranking_settings"),
    # --- issue 12: meetings (add below this line) ---
    # --- issue 12: talks (add below this line) ---
    # --- issue 12: contributions (add below this line) ---
    # --- issue 12: funnel (add below this line) ---
]
