"""The talks' pages, included into the reports namespace (reports/urls.py)."""

from django.urls import path

from reports.talks import views

urlpatterns = [
    path("talks/", views.talks, name="talks"),
    path("talks/suggestions/", views.talk_suggestions, name="talk_suggestions"),
    path("talks/new/", views.talk_new, name="talk_new"),
    path("talks/<int:pk>/", views.talk_detail, name="talk"),
    path("talks/commitments/<int:pk>/", views.commitment_detail, name="talk_commitment"),
    path("settings/talks/", views.talk_settings, name="talk_settings"),
]
