"""The supervision REST API: ViewSets registered in courtdash/api.py under supervision/.

Every queryset is scoped (`in_scope(request.user)`, built on cases.units.user_scope): an
object out of scope is not found (404). Every write is one service call, which checks the
permission table (cases.permissions) and refuses — 403 with the reason, recorded on the
trail and in the audit trail — what the role may not do.
"""

from supervision.api.views.abnormality import AbnormalityDraftViewSet, AbnormalityViewSet
from supervision.api.views.clearance import CampaignCaseViewSet, CampaignViewSet
from supervision.api.views.consultations import ConsultationViewSet
from supervision.api.views.effects import EffectTrackViewSet
from supervision.api.views.extensions import ExtensionApproverViewSet, ExtensionRequestViewSet
from supervision.api.views.fourtype import (
    CaseTimelineViewSet,
    FourTypeMarkViewSet,
    FourTypeRuleViewSet,
    MeasureViewSet,
    ReferralViewSet,
    TraceEntryViewSet,
)
from supervision.api.views.inspections import JointInspectionViewSet
from supervision.api.views.letters import (
    InboxViewSet,
    InquiryViewSet,
    NoticeViewSet,
    NotificationViewSet,
)
from supervision.api.views.quality import (
    QualityCampaignViewSet,
    QualityReviewViewSet,
    RectificationViewSet,
)
from supervision.api.views.reports import SupervisionReportViewSet
from supervision.api.views.reviews import ReversalReviewViewSet

# (prefix under the API root, ViewSet, basename)
ROUTES = [
    ("supervision/marks", FourTypeMarkViewSet, "supervision-mark"),
    ("supervision/mark-rules", FourTypeRuleViewSet, "supervision-mark-rule"),
    ("supervision/measures", MeasureViewSet, "supervision-measure"),
    ("supervision/referrals", ReferralViewSet, "supervision-referral"),
    ("supervision/extension-approvers", ExtensionApproverViewSet, "supervision-extension-approver"),
    ("supervision/extension-requests", ExtensionRequestViewSet, "supervision-extension-request"),
    ("supervision/notices", NoticeViewSet, "supervision-notice"),
    ("supervision/inquiries", InquiryViewSet, "supervision-inquiry"),
    ("supervision/inbox", InboxViewSet, "supervision-inbox"),
    ("supervision/abnormalities", AbnormalityViewSet, "supervision-abnormality"),
    ("supervision/abnormality-drafts", AbnormalityDraftViewSet, "supervision-abnormality-draft"),
    ("supervision/notifications", NotificationViewSet, "supervision-notification"),
    ("supervision/reviews", ReversalReviewViewSet, "supervision-review"),
    ("supervision/campaigns", CampaignViewSet, "supervision-campaign"),
    ("supervision/campaign-cases", CampaignCaseViewSet, "supervision-campaign-case"),
    ("supervision/joint-inspections", JointInspectionViewSet, "supervision-joint-inspection"),
    ("supervision/trace", TraceEntryViewSet, "supervision-trace"),
    ("supervision/timelines", CaseTimelineViewSet, "supervision-timeline"),
    ("supervision/reports", SupervisionReportViewSet, "supervision-report"),
    ("supervision/consultations", ConsultationViewSet, "supervision-consultation"),
    ("supervision/quality-campaigns", QualityCampaignViewSet, "supervision-quality-campaign"),
    ("supervision/quality-reviews", QualityReviewViewSet, "supervision-quality-review"),
    ("supervision/rectifications", RectificationViewSet, "supervision-rectification"),
    ("supervision/effects", EffectTrackViewSet, "supervision-effect"),
]

__all__ = ["ROUTES"]
