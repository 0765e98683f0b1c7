"""Time-limit control (审限): the one approver per court, extension requests and decisions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import AuditAction, Category
from cases.dates import today
from cases.models import Case, Court, User
from cases.permissions import Action, Refused, refuse_personal
from cases.services import audit_record, case_derived_refresh
from cases.units import unit_reached, user_scope
from supervision.choices import CIVIL_EXTENSION_LEAD_DAYS, ExtensionState, TraceKind
from supervision.models import ExtensionApprover, ExtensionRequest
from supervision.services.notify import case_page_url, notify_users
from supervision.services.trail import (
    require_case,
    require_text,
    require_unit,
    supervision_service,
    trail_record,
    user_court_id,
)


@supervision_service
def approver_designate(*, court: Court, user: User, actor: User) -> ExtensionApprover:
    """Name the court's one approver of time-limit changes (审限变更一支笔), replacing any
    before. The approver must see every case of the court (`approver_ineligible`); the same
    is checked again at every decision."""
    require_unit(actor, Action.APPROVER_DESIGNATE, court_id=court.pk, detail={"user": user.pk})
    reason = approver_ineligible(user, court_id=court.pk)
    if reason is not None:
        raise ValidationError(reason)
    previous = ExtensionApprover.objects.filter(court=court).select_for_update().first()
    approver, _created = ExtensionApprover.objects.update_or_create(
        court=court,
        defaults={"user": user, "designated_by": actor, "designated_at": timezone.now()},
    )
    trail_record(
        kind=TraceKind.APPROVER_DESIGNATED,
        actor=actor,
        obj=approver,
        court_id=court.pk,
        note=str(user),
        detail={
            "user": user.pk,
            "username": user.get_username(),
            "previous_user": previous.user_id if previous else None,
        },
    )
    return approver


def approver_ineligible(user: User, *, court_id: int) -> str | None:
    """Why this person may not be the court's approver of time-limit changes; None if they may:
    active, of the court, and seeing every case of it (DOMAIN.md roles: the office, a court
    leader, the party leadership — not a judge or a division, nor an inspector, who sees only
    the cases joined to them). A leader who also handles cases may be the approver, but never
    decides an extension of their own cases (`extension_decide`)."""
    if not user.is_active:
        return _("审批人账号已停用")
    if (
        user_court_id(user) != court_id
        or user_scope(user).cases_joined_only
        or not unit_reached(user, court_id=court_id)
    ):
        return _("审批人应为本院可查看全院案件的人员（如分管院领导）")
    return None


def _civil_lead_check(case: Case) -> None:
    days_left = (case.deadline - today()).days
    if case.category == Category.CIVIL and days_left < CIVIL_EXTENSION_LEAD_DAYS:
        raise ValidationError(
            _(
                "民事案件应在审限届满%(lead)s日前申请延长审限：本案审限于%(deadline)s届满，"
                "仅剩%(left)s日，已不能在系统中申请。"
            )
            % {
                "lead": CIVIL_EXTENSION_LEAD_DAYS,
                "deadline": case.deadline.isoformat(),
                "left": max(days_left, 0),
            }
        )


@supervision_service
def extension_request(*, case: Case, days: int, reason: str, actor: User) -> ExtensionRequest:
    """The handling judge asks to extend the time limit (civil: at least 15 days before it
    expires); the court's approver is told."""
    require_case(actor, Action.EXTENSION_REQUEST, case, detail={"days": days})
    if actor.judge_id != case.judge_id:
        raise refuse_personal(actor, Action.EXTENSION_REQUEST, case=case)
    reason = require_text(reason, _("请填写申请理由"))
    if days <= 0:
        raise ValidationError(_("延长天数应大于0"))
    if case.closed_on is not None:
        raise ValidationError(_("案件已结，不能申请延长审限"))
    if case.deadline is None:
        raise ValidationError(_("该案件没有审限，无需申请延长"))
    if case.deadline_on is not None:
        # The record's own deadline wins over extension_days (DOMAIN.md): an approval here
        # would not move it. The case-handling system extends such a case.
        raise ValidationError(_("该案件的审限届满日期由办案系统提供，延长审限请在办案系统中办理"))
    _civil_lead_check(case)
    pending = _("该案件已有待审批的延长审限申请，请待其审批后再申请")
    if ExtensionRequest.objects.filter(case=case, state=ExtensionState.PENDING).exists():
        raise ValidationError(pending)
    try:
        # A concurrent request passes the check above; the constraint
        # extension_one_pending_per_case refuses the second (a savepoint keeps the rest).
        with transaction.atomic():
            extension = ExtensionRequest.objects.create(
                case=case,
                days=days,
                reason=reason,
                requested_by=actor,
                deadline_at_request=case.deadline,
            )
    except IntegrityError as error:
        if "extension_one_pending_per_case" not in str(error):
            raise
        raise ValidationError(pending) from error
    trail_record(
        kind=TraceKind.EXTENSION_REQUESTED,
        actor=actor,
        obj=extension,
        case=case,
        note=reason,
        detail={"days": days, "deadline": case.deadline.isoformat()},
    )
    approver = ExtensionApprover.objects.filter(court_id=case.court_id).first()
    if approver is not None:
        notify_users(
            users=[approver.user],
            title=_("延长审限申请：%(case)s 延长%(days)s日")
            % {"case": case.case_number, "days": days},
            body=reason,
            url=case_page_url(case, "extensions"),
        )
    return extension


@supervision_service
def extension_decide(
    *, extension: ExtensionRequest, approve: bool, note: str, actor: User
) -> ExtensionRequest:
    """Approve or reject a request. Only the court's designated approver may, while still
    eligible (`approver_ineligible`: their account may have changed since the designation),
    and never on a case they handle or a request they made; anyone else is refused, and the
    attempt is on the trail. Approval adds the days to the case and recomputes its deadline;
    the old and new deadline go on the trail.

    The days go to the case's `approved_extension_days` (Courtdash's own total: the extension
    the deadline counted until now + these days), never to the imported `extension_days`,
    so a re-import of the case does not take the approval back. The request row is locked
    and must still be pending: two approvals of one request add the days once."""
    extension = (
        ExtensionRequest.objects.select_for_update().select_related("case").get(pk=extension.pk)
    )
    case = extension.case
    detail = {"extension_id": extension.pk, "approve": approve}
    require_case(actor, Action.EXTENSION_DECIDE, case, detail=detail)
    approver = (
        ExtensionApprover.objects.filter(court_id=case.court_id).select_related("user").first()
    )
    if approver is None:
        raise Refused(
            _("本院尚未指定审限变更审批人，不能审批"),
            action=Action.EXTENSION_DECIDE,
            actor=actor,
            case=case,
            detail=detail,
        )
    if approver.user_id != actor.pk:
        raise refuse_personal(actor, Action.EXTENSION_DECIDE, case=case, detail=detail)
    handles_case = approver.user.judge_id is not None and approver.user.judge_id == case.judge_id
    if handles_case or extension.requested_by_id == actor.pk:
        raise Refused(
            _("审批人不能审批本人承办案件或本人提出的延长审限申请（应当回避）"),
            action=Action.EXTENSION_DECIDE,
            actor=actor,
            case=case,
            detail=detail,
        )
    # The account as it is now (read with the designation), not as it was when designated.
    reason = approver_ineligible(approver.user, court_id=case.court_id)
    if reason is not None:
        raise Refused(
            _("您已不符合审限变更审批人的条件（%(reason)s），不能审批；请院领导重新指定审批人")
            % {"reason": reason},
            action=Action.EXTENSION_DECIDE,
            actor=actor,
            case=case,
            detail=detail,
        )
    if extension.state != ExtensionState.PENDING:
        raise ValidationError(_("该申请已审批"))
    if not approve:
        note = require_text(note, _("不批准时请填写理由"))
    extension.state = ExtensionState.APPROVED if approve else ExtensionState.REJECTED
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.decision_note = note or ""
    if approve:
        old_deadline = case.deadline
        Case.objects.filter(pk=case.pk).update(
            approved_extension_days=(
                Greatest("extension_days", "approved_extension_days") + extension.days
            )
        )
        case_derived_refresh(case_ids=[case.pk])
        case.refresh_from_db(
            fields=["extension_days", "approved_extension_days", "deadline", "updated_at"]
        )
        extension.old_deadline = old_deadline
        extension.new_deadline = case.deadline
    extension.save()
    trail_record(
        kind=TraceKind.EXTENSION_APPROVED if approve else TraceKind.EXTENSION_REJECTED,
        actor=actor,
        obj=extension,
        case=case,
        note=extension.decision_note,
        detail={"days": extension.days},
    )
    if approve:
        change = {
            "old_deadline": _iso(extension.old_deadline),
            "new_deadline": _iso(extension.new_deadline),
            "extension_days": case.effective_extension_days,
        }
        trail_record(
            kind=TraceKind.DEADLINE_CHANGED,
            actor=actor,
            obj=extension,
            case=case,
            note=_("批准延长审限%(days)s日") % {"days": extension.days},
            detail=change,
        )
        audit_record(
            action=AuditAction.CASE_CHANGE,
            user=actor,
            object_type="case",
            object_id=str(case.pk),
            detail={"case_number": case.case_number, "extension_request": extension.pk, **change},
        )
    notify_users(
        users=[extension.requested_by],
        title=(
            _("延长审限申请已批准：%(case)s，审限届满日变更为%(deadline)s")
            if approve
            else _("延长审限申请未批准：%(case)s")
        )
        % {"case": case.case_number, "deadline": _iso(extension.new_deadline)},
        body=extension.decision_note,
        url=case_page_url(case, "extensions"),
    )
    return extension


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None
