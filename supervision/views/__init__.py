"""Supervision pages, one module per subject; all importable from here.

Each view: scoped lookup (404 out of reach) -> selector -> render; a POST is one service call,
whose refusal (recorded by the service) or broken rule comes back as a message. Any page that
shows a case includes templates/supervision/_timeline.html with `case_timeline_context`; the
pages of lower apps (the case page) show it with the {% case_supervision_timeline case %} tag.
"""

from supervision.views.abnormality import abnormalities
from supervision.views.campaigns import campaign_detail, campaign_new, campaigns
from supervision.views.cases import case_supervision, case_timeline_context, ledger, trail
from supervision.views.inspections import inspection_detail, inspection_new, inspections
from supervision.views.letters import inquiry_detail, notice_detail, notice_new
from supervision.views.longpending import long_pending, overdue
from supervision.views.office import inquiry_new, referral_detail
from supervision.views.people import contacts as settings_contacts
from supervision.views.people import division_leaders as settings_division_leaders
from supervision.views.people import my_settings
from supervision.views.queue import inbox, notification_read, notifications_read_all
from supervision.views.reviews import (
    review_detail,
    review_report,
    review_report_export,
    reviews,
    reviews_open,
)
from supervision.views.settings import (
    settings_approver,
    settings_detection,
    settings_detection_rule,
    settings_home,
    settings_rule,
    settings_rule_new,
    settings_rules,
)

__all__ = [
    "abnormalities",
    "campaign_detail",
    "campaign_new",
    "campaigns",
    "case_supervision",
    "case_timeline_context",
    "inbox",
    "inquiry_detail",
    "inquiry_new",
    "inspection_detail",
    "inspection_new",
    "inspections",
    "ledger",
    "long_pending",
    "my_settings",
    "notice_detail",
    "notice_new",
    "notification_read",
    "notifications_read_all",
    "overdue",
    "referral_detail",
    "review_detail",
    "review_report",
    "review_report_export",
    "reviews",
    "reviews_open",
    "settings_approver",
    "settings_contacts",
    "settings_detection",
    "settings_detection_rule",
    "settings_division_leaders",
    "settings_home",
    "settings_rule",
    "settings_rule_new",
    "settings_rules",
    "trail",
]
