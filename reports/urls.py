from django.urls import include, path

from reports.views import daily, health, monthly, settings, targets
from reports.views import meetings as meetings  # issue 12: meetings
from reports.views import ranges as ranges  # issue 14: reference ranges (区间参考值)

app_name = "reports"

urlpatterns = [
    path("", daily.daily, name="daily"),
    path("targets/", targets.targets, name="targets"),
    path("targets/edit/", targets.targets_edit, name="targets_edit"),
    path("ranges/", ranges.ranges, name="ranges"),
    path("ranges/edit/", ranges.ranges_edit, name="ranges_edit"),
    path("monthly/", monthly.monthly_list, name="monthly_list"),
    path("monthly/generate/", monthly.monthly_generate, name="monthly_generate"),
    path("monthly/<int:pk>/", monthly.monthly, name="monthly"),
    path("monthly/<int:pk>/report.pdf", monthly.monthly_pdf, name="monthly_pdf"),
    path("monthly/<int:pk>/report.xlsx", monthly.monthly_xlsx, name="monthly_xlsx"),
    path("health/", health.health, name="health"),
    path("health/findings/<int:pk>/", health.finding, name="finding"),
    path("settings/health/", settings.health_settings, name="health_settings"),
    path("settings/ranking/", settings.ranking_settings, name="ranking_settings"),
    path("meetings/", meetings.meetings, name="meetings"),
    path("meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meetings.meeting, name="meeting"),
    path("meetings/<int:pk>/minutes.pdf", meetings.meeting_pdf, name="meeting_pdf"),
    path("meetings/actions/", meetings.meeting_actions_list, name="meeting_actions"),
    path("meetings/actions/<int:pk>/", meetings.meeting_action, name="meeting_action"),
    path("", include("reports.talks.urls")),
]
