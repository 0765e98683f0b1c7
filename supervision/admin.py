"""Admin of the supervision app (cases.admin: an admin is no back door). What a service guards
and records on the trail — the designated approver (审限变更一支笔, `approver_designate`) — is
read-only here; the trail, reminders and SMS log are written by the services only (the trail is
append-only in the database too). The four-type and detection rules and people's contacts are
data edited here, each change on the audit trail (`AuditedAdmin`)."""

from django.contrib import admin

from cases.admin import AuditedAdmin, ReadOnlyAdmin
from supervision.models import (
    Abnormality,
    CampaignCase,
    ClearanceCampaign,
    Contact,
    DetectionRule,
    ExtensionApprover,
    ExtensionRequest,
    FourTypeMark,
    FourTypeRule,
    Inquiry,
    JointInspection,
    Measure,
    Notice,
    Referral,
    Reminder,
    ReversalReview,
    SmsMessage,
    TraceEntry,
)


@admin.register(FourTypeRule)
class FourTypeRuleAdmin(AuditedAdmin):
    list_display = ["slug", "name", "kind", "category", "court", "auto_confirm", "active"]
    list_filter = ["kind", "active"]


@admin.register(DetectionRule)
class DetectionRuleAdmin(AuditedAdmin):
    list_display = ["indicator", "enabled", "check_warning", "fall_threshold", "min_denominator"]


@admin.register(ExtensionApprover)
class ExtensionApproverAdmin(ReadOnlyAdmin):
    """Designated by a court leader through `approver_designate` (eligibility checked, the
    change on the trail); an admin edit would bypass both."""

    list_display = ["court", "user", "designated_by", "designated_at"]


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ["user", "mobile", "sms_enabled"]
    search_fields = ["user__username", "mobile"]
    raw_id_fields = ["user"]


@admin.register(TraceEntry)
class TraceEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "actor_name", "case", "notice", "inquiry", "court"]
    list_filter = ["kind"]
    search_fields = ["actor_name", "note"]
    date_hierarchy = "at"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = [
        "due_on",
        "subject_kind",
        "subject_id",
        "stage",
        "channel",
        "recipient",
        "state",
        "attempts",
        "sent_at",
    ]
    list_filter = ["state", "channel", "subject_kind", "stage"]


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = ["at", "mobile", "gateway", "status"]
    list_filter = ["gateway", "status"]


for model, fields in [
    (FourTypeMark, ["case", "category", "source", "state", "marked_by", "marked_at"]),
    (Measure, ["case", "kind", "deadline", "taken_by", "responded_at"]),
    (Referral, ["case", "body", "referred_by", "referred_at", "result_at"]),
    (ExtensionRequest, ["case", "days", "state", "requested_by", "decided_by"]),
    (Notice, ["title", "court", "division", "judge", "deadline", "state"]),
    (Inquiry, ["title", "court", "division", "indicator_slug", "deadline", "state"]),
    (ClearanceCampaign, ["name", "court", "division", "started_on", "target_on"]),
    (CampaignCase, ["campaign", "case", "bucket_at_start", "leader", "target_on"]),
    (ReversalReview, ["case", "trigger", "outcome", "decided_on", "state", "is_error"]),
    (JointInspection, ["title", "court", "inspected_on", "recorded_by", "state", "decided_by"]),
    (Abnormality, ["as_of", "court", "division", "indicator", "value", "inquiry"]),
]:
    admin.site.register(
        model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": fields})
    )
