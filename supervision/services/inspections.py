"""Joint inspections by the office and the inspection department (联合督查).

An approved inspection joins its inspectors to its cases (cases.CaseInspector), and an
inspector sees the cases they are joined to everywhere. So joining is the office's: an
inspection the office registers is approved at once; one an inspector registers is a request
that joins nobody until the office of the court approves it, or rejects it with a reason.
Each names at most COURTDASH_INSPECTION_MAX_CASES cases.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import Role
from cases.dates import today
from cases.models import Case, CaseInspector, Court, User
from cases.permissions import Action, may
from cases.units import user_scope
from supervision.choices import InspectionState, TraceKind
from supervision.models import JointInspection
from supervision.services.notify import notify_users
from supervision.services.trail import (
    require_case,
    require_text,
    require_unit,
    supervision_service,
    trail_record,
    user_court_id,
)


@supervision_service
def joint_inspection_record(
    *,
    court: Court,
    title: str,
    inspected_on: datetime.date,
    findings: str,
    actor: User,
    cases: Sequence[Case] = (),
    participants: Sequence[User] = (),
    other_participants: str = "",
) -> JointInspection:
    """Register a joint inspection of the court: its cases, findings and who took part.

    By the office (of a court in its reach): approved at once, the inspectors among the
    participants are joined to its cases. By an inspector: a request, which joins nobody; the
    court's office is told and approves or rejects it (`joint_inspection_decide`)."""
    require_unit(actor, Action.JOINT_INSPECTION, court_id=court.pk, detail={"title": title})
    title = require_text(title, _("请填写名称"))
    findings = require_text(findings, _("请填写督查发现"))
    if inspected_on > today():
        raise ValidationError(_("督查日期不能晚于今天"))
    cases = list({case.pk: case for case in cases}.values())
    limit = settings.COURTDASH_INSPECTION_MAX_CASES
    if len(cases) > limit:
        raise ValidationError(
            _("一次联合督查最多涉及%(limit)s件案件，本次为%(count)s件，请分批登记")
            % {"limit": limit, "count": len(cases)}
        )
    for case in cases:
        if case.court_id != court.pk:
            raise ValidationError(_("案件%(case)s不属于该法院") % {"case": case.case_number})
    for person in participants:
        if user_court_id(person) != court.pk and user_court_id(person) != user_court_id(actor):
            raise ValidationError(_("参加人%(user)s不是本院人员") % {"user": person})
    # The office (reach already checked above) approves its own at once; anyone else asks.
    by_office = may(actor, Action.JOINT_INSPECTION_APPROVE)
    now = timezone.now()
    inspection = JointInspection.objects.create(
        court=court,
        title=title,
        inspected_on=inspected_on,
        findings=findings,
        other_participants=other_participants,
        recorded_by=actor,
        state=InspectionState.APPROVED if by_office else InspectionState.REQUESTED,
        decided_by=actor if by_office else None,
        decided_at=now if by_office else None,
    )
    inspection.cases.set(cases)
    inspection.participants.set(participants)
    detail = _detail(inspection, participants)
    if by_office:
        _join(inspection, cases)
        _trail_cases(
            inspection, kind=TraceKind.JOINT_INSPECTION, actor=actor, note=findings, detail=detail
        )
        return inspection
    trail_record(
        kind=TraceKind.JOINT_INSPECTION_REQUESTED,
        actor=actor,
        obj=inspection,
        court_id=court.pk,
        note=findings,
        detail={**detail, "cases": [case.case_number for case in cases]},
    )
    offices = User.objects.filter(role=Role.OFFICE, court=court, is_active=True)
    notify_users(
        users=offices,
        title=_("联合督查待批准：%(title)s（%(count)s件案件）")
        % {"title": title, "count": len(cases)},
        body=findings,
        url=_url(inspection),
    )
    return inspection


@supervision_service
def joint_inspection_decide(
    *, inspection: JointInspection, approve: bool, note: str, actor: User
) -> JointInspection:
    """The office of the court approves a requested inspection — its inspectors are then
    joined to its cases — or rejects it with a reason (nobody is joined). Anyone else is
    refused, and the attempt is on the trail."""
    inspection = (
        JointInspection.objects.select_for_update()
        .select_related("recorded_by")
        .get(pk=inspection.pk)
    )
    detail = {"inspection": inspection.pk, "approve": approve}
    require_unit(
        actor, Action.JOINT_INSPECTION_APPROVE, court_id=inspection.court_id, detail=detail
    )
    cases = list(inspection.cases.order_by("case_number"))
    for case in cases:
        require_case(actor, Action.JOINT_INSPECTION_APPROVE, case, detail=detail)
    if inspection.state != InspectionState.REQUESTED:
        raise ValidationError(_("该联合督查已审批"))
    if not approve:
        note = require_text(note, _("不批准时请填写理由"))
    inspection.state = InspectionState.APPROVED if approve else InspectionState.REJECTED
    inspection.decided_by = actor
    inspection.decided_at = timezone.now()
    inspection.decision_note = (note or "").strip()
    inspection.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    participants = list(inspection.participants.all())
    if approve:
        joined = _join(inspection, cases)
        _trail_cases(
            inspection,
            kind=TraceKind.JOINT_INSPECTION_APPROVED,
            actor=actor,
            note=inspection.decision_note or inspection.findings,
            detail={
                **_detail(inspection, participants),
                "joined": sorted(user.get_username() for user in joined),
            },
        )
    else:
        trail_record(
            kind=TraceKind.JOINT_INSPECTION_REJECTED,
            actor=actor,
            obj=inspection,
            court_id=inspection.court_id,
            note=inspection.decision_note,
            detail={
                **_detail(inspection, participants),
                "cases": [case.case_number for case in cases],
            },
        )
    notify_users(
        users=[inspection.recorded_by],
        title=(_("联合督查已批准：%(title)s") if approve else _("联合督查未批准：%(title)s"))
        % {"title": inspection.title},
        body=inspection.decision_note,
        url=_url(inspection),
    )
    return inspection


def _join(inspection: JointInspection, cases: Sequence[Case]) -> set[User]:
    """Join the inspectors among the recorder and the participants (as they are now) to the
    inspection's cases; returns them."""
    people = [inspection.recorded_by, *inspection.participants.all()]
    # Those who see only the cases joined to them: the inspectors (cases.units).
    inspectors = {person for person in people if user_scope(person).cases_joined_only}
    CaseInspector.objects.bulk_create(
        [CaseInspector(case=case, user=person) for case in cases for person in inspectors],
        ignore_conflicts=True,
    )
    return inspectors


def _detail(inspection: JointInspection, participants: Sequence[User]) -> dict:
    return {
        "inspection": inspection.pk,
        "title": inspection.title,
        "inspected_on": inspection.inspected_on.isoformat(),
        "state": inspection.state,
        "participants": [person.get_username() for person in participants],
    }


def _trail_cases(inspection: JointInspection, *, kind, actor, note: str, detail: dict) -> None:
    """One step per case of the inspection (on each case's timeline); the court's, if none."""
    cases = list(inspection.cases.order_by("case_number"))
    for case in cases:
        trail_record(kind=kind, actor=actor, obj=inspection, case=case, note=note, detail=detail)
    if not cases:
        trail_record(
            kind=kind,
            actor=actor,
            obj=inspection,
            court_id=inspection.court_id,
            note=note,
            detail=detail,
        )


def _url(inspection: JointInspection) -> str:
    try:
        return reverse("supervision:inspection", args=[inspection.pk])
    except NoReverseMatch:
        return ""
