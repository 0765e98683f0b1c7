from django.urls import path
from django.views.generic import RedirectView

from supervision import views
from supervision.views import consultations as consultation_views
from supervision.views import effects as effect_views
from supervision.views import quality as quality_views

app_name = "supervision"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="supervision:inbox"), name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
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
    path("inquiries/new/", views.inquiry_new, name="inquiry_new"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    # 督办设置: the office's settings, each with its history
    path("settings/", views.settings_home, name="settings"),
    path("settings/rules/", views.settings_rules, name="settings_rules"),
    path("settings/rules/new/", views.settings_rule_new, name="settings_rule_new"),
    path("settings/rules/<int:pk>/", views.settings_rule, name="settings_rule"),
    path("settings/detection/", views.settings_detection, name="settings_detection"),
    path(
        "settings/detection/<slug:slug>/",
        views.settings_detection_rule,
        name="settings_detection_rule",
    ),
    path("settings/approver/", views.settings_approver, name="settings_approver"),
    path(
        "settings/division-leaders/",
        views.settings_division_leaders,
        name="settings_division_leaders",
    ),
    path("settings/contacts/", views.settings_contacts, name="settings_contacts"),
    path("my-settings/", views.my_settings, name="my_settings"),
    path("consultations/", consultation_views.consultations, name="consultations"),
    path(
        "consultations/figures/",
        consultation_views.consultation_figures,
        name="consultation_figures",
    ),
    path("consultations/<int:pk>/", consultation_views.consultation_detail, name="consultation"),
    path(
        "cases/<int:case_id>/consult/",
        consultation_views.consultation_new,
        name="consultation_new",
    ),
    path("quality/", quality_views.quality_campaigns, name="quality_campaigns"),
    path("quality/new/", quality_views.quality_campaign_new, name="quality_campaign_new"),
    path("quality/<int:pk>/", quality_views.quality_campaign, name="quality_campaign"),
    path("quality/reviews/<int:pk>/", quality_views.quality_review, name="quality_review"),
    path("quality/rectifications/", quality_views.rectifications, name="rectifications"),
    path("quality/rectifications/<int:pk>/", quality_views.rectification, name="rectification"),
    path("quality/sheets/", quality_views.quality_sheets, name="quality_sheets"),
    path("quality/sheets/<int:pk>/", quality_views.quality_sheet, name="quality_sheet"),
    path("quality/results/", quality_views.quality_results, name="quality_results"),
    path("quality/results.xlsx", quality_views.quality_results_xlsx, name="quality_results_xlsx"),
    path("effects/", effect_views.effects, name="effects"),
    path("effects/<int:pk>/", effect_views.effect_detail, name="effect"),
]
