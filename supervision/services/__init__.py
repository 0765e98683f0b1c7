"""Writes and rules of the supervision app, one module per subject; all importable from here.

Every service is keyword-only, typed, atomic (`@supervision_service`), checks the permission
table and the actor's reach first, and leaves a step on the trail; a refusal is recorded.
"""

from supervision.services.abnormality import (
    abnormalities_detect,
    abnormality_discard,
    abnormality_send,
)
from supervision.services.clearance import campaign_case_assign, campaign_start
from supervision.services.extensions import (
    approver_designate,
    extension_decide,
    extension_request,
)
from supervision.services.fourtype import (
    four_type_mark,
    four_type_mark_confirm,
    four_type_mark_remove,
    four_type_suggest,
    measure_respond,
    measure_take,
    referral_create,
    referral_result_record,
)
from supervision.services.inspections import joint_inspection_decide, joint_inspection_record
from supervision.services.letters import (
    inquiry_create,
    inquiry_send,
    letter_acknowledge,
    letter_answer,
    letter_close,
    letter_return,
    notice_issue,
)
from supervision.services.notify import notification_mark_read
from supervision.services.reminders import reminders_send_due
from supervision.services.reviews import (
    review_answer,
    review_object,
    review_record,
    reviews_open_missing,
)
from supervision.services.trail import trail_record

__all__ = [
    "abnormalities_detect",
    "abnormality_discard",
    "abnormality_send",
    "approver_designate",
    "campaign_case_assign",
    "campaign_start",
    "extension_decide",
    "extension_request",
    "four_type_mark",
    "four_type_mark_confirm",
    "four_type_mark_remove",
    "four_type_suggest",
    "inquiry_create",
    "inquiry_send",
    "joint_inspection_decide",
    "joint_inspection_record",
    "letter_acknowledge",
    "letter_answer",
    "letter_close",
    "letter_return",
    "measure_respond",
    "measure_take",
    "notice_issue",
    "notification_mark_read",
    "referral_create",
    "referral_result_record",
    "reminders_send_due",
    "review_answer",
    "review_object",
    "review_record",
    "reviews_open_missing",
    "trail_record",
]
