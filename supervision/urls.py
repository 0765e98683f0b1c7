from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("ledger/", views.ledger, name="ledger"),
    path("cases/<int:case_id>/", views.case_supervision, name="case"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("inquiries/<int:pk>/", views.inquiry_detail, name="inquiry"),
]
