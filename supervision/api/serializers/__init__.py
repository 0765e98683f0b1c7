"""Serializers of the supervision API: read shapes of the records, and the inputs of each
action. A choice is shown as its value and its label; people as id and name. One module per
subject; all importable from here."""

from supervision.api.serializers.abnormality import (  # noqa: F401
    AbnormalitySerializer,
    DraftDiscardSerializer,
    DraftSendSerializer,
)
from supervision.api.serializers.clearance import (  # noqa: F401
    BucketProgressSerializer,
    CampaignAssignSerializer,
    CampaignCaseSerializer,
    CampaignCreateSerializer,
    CampaignProgressSerializer,
    CampaignSerializer,
    JointInspectionCreateSerializer,
    JointInspectionSerializer,
)
from supervision.api.serializers.common import (  # noqa: F401
    CaseBriefSerializer,
    CourtUserField,
    PersonSerializer,
    ReachableCaseField,
    ReachableUnitField,
    ReasonSerializer,
    TimelineSerializer,
    TraceEntrySerializer,
)
from supervision.api.serializers.extensions import (  # noqa: F401
    DecisionSerializer,
    ExtensionApproverDesignateSerializer,
    ExtensionApproverSerializer,
    ExtensionRequestCreateSerializer,
    ExtensionRequestSerializer,
)
from supervision.api.serializers.fourtype import (  # noqa: F401
    FourTypeMarkCreateSerializer,
    FourTypeMarkSerializer,
    FourTypeRuleSerializer,
    MeasureCreateSerializer,
    MeasureSerializer,
    ReferralCreateSerializer,
    ReferralResultSerializer,
    ReferralSerializer,
    ResponseSerializer,
    SuggestResultSerializer,
)
from supervision.api.serializers.letters import (  # noqa: F401
    AnswerSerializer,
    CloseSerializer,
    InboxItemSerializer,
    InboxPageSerializer,
    InboxQuerySerializer,
    InquiryCreateSerializer,
    InquirySendSerializer,
    InquirySerializer,
    LetterFieldsMixin,
    NoticeCreateSerializer,
    NoticeSerializer,
    NotificationSerializer,
    ReturnSerializer,
)
from supervision.api.serializers.reports import (  # noqa: F401
    BucketCountsSerializer,
    LedgerRowSerializer,
    OutlookRowSerializer,
)
from supervision.api.serializers.reviews import (  # noqa: F401
    ObjectionSerializer,
    OpenedSerializer,
    QuarterQuerySerializer,
    ReversalReviewSerializer,
    ReviewAnswerSerializer,
    ReviewRecordSerializer,
    ReviewReportRowSerializer,
)
