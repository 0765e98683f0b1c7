"""Who is reminded, and how: who leads which division (分管院领导, the leader above a division
head) and each person's mobile number and reminder channels. Every change is on the trail
(who changed what, from what to what); the office's pages show that history."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Division, User
from cases.permissions import Action, Refused, may, require
from supervision.choices import TraceKind
from supervision.models import Contact, DivisionLeader
from supervision.services.trail import (
    require_unit,
    supervision_service,
    trail_record,
    user_court_id,
)

MOBILE = re.compile(r"^1\d{10}$")


def leader_ineligible(user: User, division: Division) -> str | None:
    """Why this person may not lead the division; None if they may: an active court leader
    (院领导) of the division's court."""
    if not user.is_active:
        return _("该账号已停用")
    if user_court_id(user) != division.court_id or not may_lead(user):
        return _("分管院领导应为本院的院领导")
    return None


def may_lead(user: User) -> bool:
    return may(user, Action.DIVISION_LEAD)


@supervision_service
def division_leader_set(
    *, division: Division, user: User, since: datetime.date, actor: User
) -> DivisionLeader:
    """Record that a court leader leads a division (from `since`); idempotent per pair."""
    require_unit(
        actor,
        Action.DIVISION_LEADERS_EDIT,
        court_id=division.court_id,
        detail={"division_id": division.pk, "user_id": user.pk},
    )
    reason = leader_ineligible(user, division)
    if reason:
        raise ValidationError(reason)
    row, created = DivisionLeader.objects.get_or_create(
        division=division, user=user, defaults={"since": since, "designated_by": actor}
    )
    if not created:
        if row.since == since:
            raise ValidationError(_("%(user)s已是该部门的分管院领导") % {"user": user.display_name})
        before = row.since
        row.since, row.designated_by, row.designated_at = since, actor, timezone.now()
        row.save(update_fields=["since", "designated_by", "designated_at"])
    trail_record(
        kind=TraceKind.DIVISION_LEADER_SET,
        actor=actor,
        obj=row,
        court_id=division.court_id,
        note=_("%(user)s分管%(division)s（自%(since)s起）")
        % {"user": user.display_name, "division": division.name, "since": since.isoformat()},
        detail={
            "division_id": division.pk,
            "division": division.name,
            "leader": user.get_username(),
            "leader_name": user.display_name,
            "since": since.isoformat(),
            "before": None if created else {"since": before.isoformat()},
        },
    )
    return row


@supervision_service
def division_leader_remove(*, row: DivisionLeader, actor: User) -> None:
    division, user = row.division, row.user
    require_unit(
        actor,
        Action.DIVISION_LEADERS_EDIT,
        court_id=division.court_id,
        detail={"division_id": division.pk, "user_id": user.pk},
    )
    trail_record(
        kind=TraceKind.DIVISION_LEADER_REMOVED,
        actor=actor,
        obj=row,
        court_id=division.court_id,
        note=_("%(user)s不再分管%(division)s")
        % {"user": user.display_name, "division": division.name},
        detail={
            "division_id": division.pk,
            "division": division.name,
            "leader": user.get_username(),
            "leader_name": user.display_name,
            "since": row.since.isoformat(),
        },
    )
    row.delete()


def _contact_state(contact: Contact | None) -> dict:
    if contact is None:
        return {"mobile": "", "sms_enabled": False, "email_enabled": True}
    return {
        "mobile": contact.mobile,
        "sms_enabled": contact.sms_enabled,
        "email_enabled": contact.email_enabled,
    }


def clean_mobile(mobile: str) -> str:
    mobile = re.sub(r"[\s-]", "", mobile or "")
    if mobile and not MOBILE.match(mobile):
        raise ValidationError(_("手机号码应为11位数字，以1开头"))
    return mobile


@supervision_service
def contact_save(
    *, user: User, mobile: str, sms_enabled: bool, email_enabled: bool, actor: User
) -> Contact:
    """A person's mobile number and reminder channels, set by themselves (OWN_SETTINGS) or by
    the office of their court (CONTACTS_EDIT). In-app messages are always on."""
    court_id = user_court_id(user)
    if actor.pk == user.pk:
        require(actor, Action.OWN_SETTINGS)
    else:
        if court_id is None:
            raise Refused(_("该用户不属于任何法院"), action=Action.CONTACTS_EDIT, actor=actor)
        require_unit(actor, Action.CONTACTS_EDIT, court_id=court_id, detail={"user_id": user.pk})
    mobile = clean_mobile(mobile)
    if sms_enabled and not mobile:
        raise ValidationError(_("接收短信提醒请先填写手机号码"))
    contact = Contact.objects.select_for_update().filter(user=user).first()
    before = _contact_state(contact)
    after = {"mobile": mobile, "sms_enabled": sms_enabled, "email_enabled": email_enabled}
    changed = [key for key in after if before[key] != after[key]]
    if contact is None:
        contact = Contact(user=user)
    elif not changed:
        return contact
    contact.mobile, contact.sms_enabled, contact.email_enabled = (
        mobile,
        sms_enabled,
        email_enabled,
    )
    contact.updated_at, contact.updated_by = timezone.now(), actor
    contact.save()
    trail_record(
        kind=TraceKind.CONTACT_CHANGED,
        actor=actor,
        obj=contact,
        court_id=court_id,
        note=_("%(user)s的联系方式和提醒渠道") % {"user": user.display_name},
        detail={
            "user_id": user.pk,
            "person": user.get_username(),
            "name": user.display_name,
            "before": before,
            "after": after,
            "changed": changed,
        },
    )
    return contact
