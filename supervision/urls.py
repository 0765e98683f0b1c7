from django.urls import path
from django.views.generic import RedirectView

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="supervision:inbox"), name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("abnormalities/", views.abnormalities, name="abnormalities"),
    path("ledger/", views.ledger, name="ledger"),
    path("long-pending/", views.long_pending, name="long_pending"),
    path("overdue/", views.overdue, name="overdue"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/open/", views.reviews_open, name="reviews_open"),
    path("reviews/report/", views.review_report, name="review_report"),
    path("reviews/report.xlsx", views.review_report_export, name="review_report_xlsx"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("trail/", views.trail, name="trail"),
    path("cases/<int:case_id>/", views.case_supervision, name="case"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("inquiries/<int:pk>/", views.inquiry_detail, name="inquiry"),
]
