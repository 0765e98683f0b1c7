"""Models of the supervision app, one module per subject; all importable from here."""

from supervision.models.abnormality import Abnormality, DetectionRule
from supervision.models.clearance import CampaignCase, ClearanceCampaign
from supervision.models.delivery import Contact, Notification, Reminder, SmsMessage
from supervision.models.extensions import ExtensionApprover, ExtensionRequest
from supervision.models.fourtype import FourTypeMark, FourTypeRule, Measure, Referral
from supervision.models.inspections import JointInspection
from supervision.models.leaders import DivisionLeader
from supervision.models.letters import Inquiry, Notice
from supervision.models.reviews import ReversalReview
from supervision.models.trace import TraceEntry

# --- issue 12: consultations (add below this line) ---
# --- issue 12: quality reviews (add below this line) ---
# --- issue 12: effects (add below this line) ---

__all__ = [
    "Abnormality",
    "CampaignCase",
    "ClearanceCampaign",
    "Contact",
    "DetectionRule",
    "DivisionLeader",
    "ExtensionApprover",
    "ExtensionRequest",
    "FourTypeMark",
    "FourTypeRule",
    "Inquiry",
    "JointInspection",
    "Measure",
    "Notice",
    "Notification",
    "Referral",
    "Reminder",
    "ReversalReview",
    "SmsMessage",
    "TraceEntry",
]
