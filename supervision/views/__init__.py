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
from supervision.views.letters import inbox, inquiry_detail, notice_detail, notice_new
from supervision.views.longpending import long_pending, overdue
from supervision.views.reviews import (
    review_detail,
    review_report,
    review_report_export,
    reviews,
    reviews_open,
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
    "inspection_detail",
    "inspection_new",
    "inspections",
    "ledger",
    "long_pending",
    "notice_detail",
    "notice_new",
    "overdue",
    "review_detail",
    "review_report",
    "review_report_export",
    "reviews",
    "reviews_open",
    "trail",
]
