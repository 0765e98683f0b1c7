"""Joint inspections by the office and the inspection department (联合督查)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.choices import Role
from cases.dates import today
from cases.models import Case, CaseInspector, Court, User
from supervision.choices import TraceKind
from supervision.models import JointInspection
from supervision.permissions import Action
from supervision.services.trail import (
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
    """Record a joint inspection of the court: its cases, findings and who took part. The
    inspectors among the recorder and participants are joined to its cases (they may then
    open those cases as well as their supervision trail)."""
    require_unit(actor, Action.JOINT_INSPECTION, court_id=court.pk, detail={"title": title})
    title = require_text(title, _("请填写名称"))
    findings = require_text(findings, _("请填写督查发现"))
    if inspected_on > today():
        raise ValidationError(_("督查日期不能晚于今天"))
    for case in cases:
        if case.court_id != court.pk:
            raise ValidationError(_("案件%(case)s不属于该法院") % {"case": case.case_number})
    for person in participants:
        if user_court_id(person) != court.pk and user_court_id(person) != user_court_id(actor):
            raise ValidationError(_("参加人%(user)s不是本院人员") % {"user": person})
    inspection = JointInspection.objects.create(
        court=court,
        title=title,
        inspected_on=inspected_on,
        findings=findings,
        other_participants=other_participants,
        recorded_by=actor,
    )
    inspection.cases.set(cases)
    inspection.participants.set(participants)
    inspectors = {person for person in [actor, *participants] if person.role == Role.INSPECTOR}
    CaseInspector.objects.bulk_create(
        [CaseInspector(case=case, user=person) for case in cases for person in inspectors],
        ignore_conflicts=True,
    )
    detail = {
        "inspection": inspection.pk,
        "title": title,
        "inspected_on": inspected_on.isoformat(),
        "participants": [person.get_username() for person in participants],
    }
    for case in cases:
        trail_record(
            kind=TraceKind.JOINT_INSPECTION,
            actor=actor,
            obj=inspection,
            case=case,
            note=findings,
            detail=detail,
        )
    if not cases:
        trail_record(
            kind=TraceKind.JOINT_INSPECTION,
            actor=actor,
            obj=inspection,
            court_id=court.pk,
            note=findings,
            detail=detail,
        )
    return inspection
