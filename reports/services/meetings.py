"""数据会商 writes: the office holds a meeting (its agenda frozen), notes the discussion of each
item, records decisions that become actions with an owner and a due date; the owner reports an
action done; the office closes it. Everything is on the trail (and so in the audit trail)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import AuditAction
from cases.dates import today
from cases.models import User
from cases.permissions import Action, Refused, refuse_personal, require
from cases.services import audit_record
from cases.units import ScopeKey, people_q, reaches, top_court_id, top_unit_name
from reports.models import Meeting, MeetingAction, MeetingActionState, MeetingDecision
from reports.selectors.meetings import MEETING_SCOPES, agenda_build
from supervision.choices import TraceKind
from supervision.services.effects import track_effect
from supervision.services.notify import notify_users
from supervision.services.trail import require_text, supervision_service, trail_record

TEXT_LIMIT = 2000


def _trail_court(unit: ScopeKey, actor) -> int | None:
    """The court a meeting's steps are recorded under: its own; the top court's (the city's
    intermediate court, a province's high court) for the top unit."""
    if unit.court_id is not None:
        return unit.court_id
    return top_court_id()


def _require_unit(actor, action: Action, unit: ScopeKey, detail: dict) -> None:
    require(actor, action, detail=detail)
    if not reaches(actor, unit):
        raise Refused(_("该单位不在您的管辖范围内"), action=action, actor=actor, detail=detail)


def _text(value: str, message: str, limit: int = TEXT_LIMIT) -> str:
    value = require_text(value, message)
    if len(value) > limit:
        raise ValidationError(_("内容过长（不超过 %(limit)s 字）") % {"limit": limit})
    return value


def meeting_unit(meeting: Meeting) -> ScopeKey:
    return ScopeKey.of_row(meeting)


def meeting_url(meeting: Meeting) -> str:
    return reverse("reports:meeting", args=[meeting.pk])


def action_url(action: MeetingAction) -> str:
    return reverse("reports:meeting_action", args=[action.pk])


@supervision_service
def meeting_create(
    *,
    actor: User,
    unit: ScopeKey,
    month: datetime.date,
    held_on: datetime.date,
    attendees: str = "",
    day: datetime.date | None = None,
) -> Meeting:
    """Hold a meeting of `unit` about `month`: its agenda is built now and kept as it is."""
    detail = {"scope": str(unit.scope), "court_id": unit.court_id, "month": f"{month:%Y-%m}"}
    _require_unit(actor, Action.MEETING_MANAGE, unit, detail)
    if unit.scope not in MEETING_SCOPES:
        raise ValidationError(_("数据会商的单位须为%(top)s、法院或部门") % {"top": top_unit_name()})
    month = month.replace(day=1)
    if month > (day or today()).replace(day=1):
        raise ValidationError(_("会商月份不能晚于本月"))
    if held_on < month:
        raise ValidationError(_("会商日期不能早于会商月份"))
    if len(attendees or "") > TEXT_LIMIT:
        raise ValidationError(_("参会人员过长（不超过 %(limit)s 字）") % {"limit": TEXT_LIMIT})
    agenda = agenda_build(user=actor, unit=unit, month=month, today=day)
    meeting = Meeting.objects.create(
        scope=unit.scope,
        court_id=unit.court_id,
        division_id=unit.division_id,
        month=month,
        held_on=held_on,
        title=agenda.title,
        attendees=(attendees or "").strip(),
        agenda=agenda.items,
        agenda_as_of=agenda.as_of,
        created_by=actor,
    )
    trail_record(
        kind=TraceKind.MEETING_HELD,
        actor=actor,
        obj=meeting,
        court_id=_trail_court(unit, actor),
        note=_("%(unit)s %(month)s 数据会商") % {"unit": meeting.title, "month": f"{month:%Y-%m}"},
        detail={**detail, "items": len(agenda.items), "held_on": held_on.isoformat()},
    )
    return meeting


def _managed(meeting: Meeting, actor, what: str) -> Meeting:
    unit = meeting_unit(meeting)
    _require_unit(actor, Action.MEETING_MANAGE, unit, {"meeting_id": meeting.pk, "step": what})
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _agenda_item(meeting: Meeting, item_key: str) -> dict:
    item = meeting.item(item_key or "")
    if item is None:
        raise ValidationError(_("议题不存在"))
    return item


@supervision_service
def meeting_note(*, meeting: Meeting, actor: User, item_key: str, note: str) -> Meeting:
    """The discussion of one agenda item (replaces the item's earlier note)."""
    meeting = _managed(meeting, actor, "note")
    item = _agenda_item(meeting, item_key)
    note = (note or "").strip()
    if len(note) > TEXT_LIMIT:
        raise ValidationError(_("内容过长（不超过 %(limit)s 字）") % {"limit": TEXT_LIMIT})
    notes = dict(meeting.notes)
    if note:
        notes[item["key"]] = note
    else:
        notes.pop(item["key"], None)
    meeting.notes = notes
    meeting.save(update_fields=["notes"])
    audit_record(
        action=AuditAction.CHANGE,
        user=actor,
        object_type="reports.meeting",
        object_id=str(meeting.pk),
        detail={"kind": "meeting_note", "item": item["key"], "note": note[:200]},
    )
    return meeting


def _owner(actor, owner: User | None) -> User:
    if owner is None:
        raise ValidationError(_("请选择责任人"))
    if not User.objects.filter(people_q(actor), pk=owner.pk, is_active=True).exists():
        raise ValidationError(_("责任人须为您管辖范围内的在岗人员"))
    return owner


def _item_unit(item: dict) -> ScopeKey:
    unit = item["unit"]
    return ScopeKey(unit["scope"], unit["court_id"], unit["division_id"], unit["judge_id"])


@supervision_service
def meeting_decide(
    *,
    meeting: Meeting,
    actor: User,
    item_key: str,
    text: str,
    owner: User | None,
    due_on: datetime.date | None,
    task: str = "",
) -> MeetingDecision:
    """A decision on one agenda item, and the action it becomes: the owner (in the organiser's
    reach) does `task` (the decision itself if empty) by `due_on`. The action joins the
    owner's work queue and reminders, and its effect is followed up (跟踪问效)."""
    meeting = _managed(meeting, actor, "decide")
    item = _agenda_item(meeting, item_key)
    text = _text(text, _("请填写决定事项"))
    owner = _owner(actor, owner)
    if due_on is None:
        raise ValidationError(_("请填写办理期限"))
    if due_on < meeting.held_on:
        raise ValidationError(_("办理期限不能早于会商日期"))
    task = (task or "").strip() or text
    if len(task) > TEXT_LIMIT:
        raise ValidationError(_("内容过长（不超过 %(limit)s 字）") % {"limit": TEXT_LIMIT})
    decision = MeetingDecision.objects.create(
        meeting=meeting, item_key=item["key"], text=text, decided_by=actor
    )
    unit = _item_unit(item)
    action = MeetingAction.objects.create(
        decision=decision,
        meeting=meeting,
        scope=unit.scope,
        court_id=unit.court_id,
        division_id=unit.division_id,
        judge_id=unit.judge_id,
        task=task,
        owner=owner,
        due_on=due_on,
    )
    trail_record(
        kind=TraceKind.MEETING_DECIDED,
        actor=actor,
        obj=action,
        court_id=_trail_court(unit, actor),
        note=text,
        detail={
            "meeting_id": meeting.pk,
            "item": item["key"],
            "owner": owner.username,
            "due_on": due_on.isoformat(),
        },
    )
    notify_users(
        users=[owner],
        title=(_("数据会商交办：%(task)s") % {"task": task})[:200],
        body=_("%(meeting)s 数据会商决定由您办理，期限 %(due)s。")
        % {"meeting": meeting.title, "due": due_on.isoformat()},
        url=action_url(action),
    )
    track_effect(
        source="meeting_action",
        object_id=action.pk,
        unit=unit,
        slugs=item.get("indicators", []),
        case_ids=item.get("case_ids", []),
        started_on=meeting.held_on,
        title=task[:200],
        url=action_url(action),
        actor=actor,
    )
    return decision


def _locked(action: MeetingAction) -> MeetingAction:
    return MeetingAction.objects.select_for_update().select_related("meeting").get(pk=action.pk)


@supervision_service
def meeting_action_done(*, action: MeetingAction, actor: User, note: str) -> MeetingAction:
    """The owner reports the action done, saying what was done."""
    detail = {"meeting_action_id": action.pk, "court_id": action.court_id}
    require(actor, Action.MEETING_ACTION_DONE, detail=detail)
    if action.owner_id != actor.pk:
        raise refuse_personal(actor, Action.MEETING_ACTION_DONE, detail=detail)
    note = _text(note, _("请填写办理情况"))
    action = _locked(action)
    if action.state != MeetingActionState.OPEN:
        raise ValidationError(_("该事项已报告办结"))
    action.state = MeetingActionState.DONE
    action.done_note = note
    action.done_at = timezone.now()
    action.save(update_fields=["state", "done_note", "done_at"])
    trail_record(
        kind=TraceKind.MEETING_ACTION_DONE,
        actor=actor,
        obj=action,
        court_id=_trail_court(ScopeKey.of_row(action), actor),
        note=note,
        detail={"meeting_id": action.meeting_id, "step": "done"},
    )
    organiser = action.meeting.created_by
    if organiser is not None and organiser.is_active and organiser.pk != actor.pk:
        notify_users(
            users=[organiser],
            title=(_("会商事项已报办结：%(task)s") % {"task": action.task})[:200],
            body=note[:500],
            url=action_url(action),
        )
    return action


@supervision_service
def meeting_action_close(*, action: MeetingAction, actor: User, note: str = "") -> MeetingAction:
    """The office closes (销号) an action reported done."""
    unit = ScopeKey.of_row(action)
    _require_unit(actor, Action.MEETING_MANAGE, unit, {"meeting_action_id": action.pk})
    action = _locked(action)
    if action.state != MeetingActionState.DONE:
        raise ValidationError(_("只能对已报办结的事项销号"))
    note = (note or "").strip()
    if len(note) > TEXT_LIMIT:
        raise ValidationError(_("内容过长（不超过 %(limit)s 字）") % {"limit": TEXT_LIMIT})
    action.state = MeetingActionState.CLOSED
    action.closed_by = actor
    action.closed_at = timezone.now()
    action.close_note = note
    action.save(update_fields=["state", "closed_by", "closed_at", "close_note"])
    trail_record(
        kind=TraceKind.MEETING_ACTION_DONE,
        actor=actor,
        obj=action,
        court_id=_trail_court(unit, actor),
        note=note or _("销号"),
        detail={"meeting_id": action.meeting_id, "step": "closed"},
    )
    return action
