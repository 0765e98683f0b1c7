"""Reads of the supervision app, one module per subject; all importable from here. Every
selector takes the user and returns only what is in their scope."""

from supervision.selectors.abnormality import (
    abnormalities_discarded,
    abnormality_drafts,
    abnormality_inquiries_sent,
    detection_rules,
)
from supervision.selectors.fourtype import (
    case_timeline,
    ledger_rows,
    letter_trail,
    open_marks,
    overdue_measures,
)
from supervision.selectors.letters import inbox
from supervision.selectors.longpending import (
    campaign_entries,
    campaign_progress,
    campaigns_with_progress,
    closed_after,
    long_pending_cases,
    long_pending_counts,
    long_pending_outlook,
    long_pending_outlook_cases,
    overdue_cases,
    overdue_counts,
)
from supervision.selectors.reviews import review_report

__all__ = [
    "abnormalities_discarded",
    "abnormality_drafts",
    "abnormality_inquiries_sent",
    "campaign_entries",
    "campaign_progress",
    "campaigns_with_progress",
    "case_timeline",
    "closed_after",
    "detection_rules",
    "inbox",
    "ledger_rows",
    "letter_trail",
    "long_pending_cases",
    "long_pending_counts",
    "long_pending_outlook",
    "long_pending_outlook_cases",
    "open_marks",
    "overdue_cases",
    "overdue_counts",
    "overdue_measures",
    "review_report",
]
