"""Models of the supervision app, one module per subject; all importable from here."""

from supervision.models.abnormality import Abnormality, DetectionRule
from supervision.models.clearance import CampaignCase, ClearanceCampaign
from supervision.models.consultations import Consultation
from supervision.models.delivery import Contact, Notification, Reminder, SmsMessage
from supervision.models.effects import EffectCheck, EffectTrack
from supervision.models.extensions import ExtensionApprover, ExtensionRequest
from supervision.models.fourtype import FourTypeMark, FourTypeRule, Measure, Referral
from supervision.models.inspections import JointInspection
from supervision.models.leaders import DivisionLeader
from supervision.models.letters import Inquiry, Notice
from supervision.models.quality import (
    QualityCampaign,
    QualityDeduction,
    QualityReview,
    Rectification,
    ScoringSheet,
    SheetItem,
)
from supervision.models.reviews import ReversalReview
from supervision.models.trace import TraceEntry

__all__ = [
    "Abnormality",
    "CampaignCase",
    "ClearanceCampaign",
    "Consultation",
    "Contact",
    "DetectionRule",
    "DivisionLeader",
    "EffectCheck",
    "EffectTrack",
    "ExtensionApprover",
    "ExtensionRequest",
    "FourTypeMark",
    "FourTypeRule",
    "Inquiry",
    "JointInspection",
    "Measure",
    "Notice",
    "Notification",
    "QualityCampaign",
    "QualityDeduction",
    "QualityReview",
    "Rectification",
    "Referral",
    "Reminder",
    "ReversalReview",
    "ScoringSheet",
    "SheetItem",
    "SmsMessage",
    "TraceEntry",
]
