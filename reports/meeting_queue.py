"""The data-review meeting's actions in the work queue (我的待办) and the reminders: the owner's
open actions, due at their date; for the office, the actions reported done that await closing
(销号). Registered from ReportsConfig.ready (supervision may not import reports)."""

from __future__ import annotations

from django.db.models import DateField, F, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.permissions import Action, may
from cases.units import top_court_id, top_unit_name
from reports.models import MeetingAction, MeetingActionState
from supervision.choices import ReminderSubject
from supervision.selectors.queue import QueueItem, QueueSource, register
from supervision.services.reminders import TASK_STAGES, Source, _window, register_source

RELATED = ("meeting", "owner", "court", "division", "judge")


def _unit(action: MeetingAction) -> str:
    parts = [action.court.code if action.court_id else top_unit_name()]
    parts += [unit.name for unit in (action.division, action.judge) if unit is not None]
    return " ".join(parts)


def owned_rows(user, day):
    """The open actions the user owns."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        MeetingAction.objects.filter(owner_id=user.pk, state=MeetingActionState.OPEN)
        .select_related(*RELATED)
        .annotate(queue_due=F("due_on"))
    )


def owned_item(action: MeetingAction, day) -> QueueItem:
    return QueueItem(
        kind="meeting_action",
        kind_label=str(_("会商事项")),
        pk=action.pk,
        title=action.task,
        unit=_unit(action),
        due_on=action.due_on,
        overdue=action.due_on < day,
        url=reverse("reports:meeting_action", args=[action.pk]),
        action="report_done",
        action_label=str(_("报告办理情况")),
        state=action.state,
        state_label=action.get_state_display(),
        court_code=action.court.code if action.court_id else "",
        division_name=action.division.name if action.division_id else "",
        since=action.created_at,
    )


def reported_rows(user, day):
    """Actions reported done in the office's reach, awaiting closing."""
    if not may(user, Action.MEETING_MANAGE):
        return None
    return (
        MeetingAction.objects.in_scope(user)
        .filter(state=MeetingActionState.DONE)
        .select_related(*RELATED)
        .annotate(queue_due=Value(None, output_field=DateField()))
    )


def reported_item(action: MeetingAction, day) -> QueueItem:
    return QueueItem(
        kind="meeting_action_done",
        kind_label=str(_("会商事项销号")),
        pk=action.pk,
        title=f"{action.task}（{action.owner.display_name}）",
        unit=_unit(action),
        due_on=None,
        overdue=False,
        url=reverse("reports:meeting_action", args=[action.pk]),
        action="close",
        action_label=str(_("核实并销号")),
        state=action.state,
        state_label=action.get_state_display(),
        court_code=action.court.code if action.court_id else "",
        division_name=action.division.name if action.division_id else "",
        since=action.done_at,
    )


class MeetingActionSource(Source):
    """An open meeting action, due at its date; the owner is responsible, above them the head
    and the court leaders of the action's division (if it is a division's)."""

    kind = ReminderSubject.MEETING_ACTION
    stages = TASK_STAGES

    @property
    def due_word(self):
        return _("办理期限")

    def subjects(self, day):
        start, end = _window(day, self.stages)
        return MeetingAction.objects.filter(
            state=MeetingActionState.OPEN, due_on__range=(start, end)
        ).select_related(*RELATED)

    def get(self, subject_id):
        return MeetingAction.objects.select_related(*RELATED).get(pk=subject_id)

    def due_on(self, subject):
        return subject.due_on

    def responsible(self, subject):
        return [subject.owner] if subject.owner.is_active else []

    def division_id(self, subject):
        return subject.division_id

    def who(self, subject):
        return subject.owner.display_name

    def case(self, subject):
        return None

    def court_id(self, subject):
        if subject.court_id is not None:
            return subject.court_id
        return top_court_id()  # the top unit's meeting: its top court

    def url(self, subject):
        return reverse("reports:meeting_action", args=[subject.pk])

    def name(self, subject):
        return _("数据会商（%(meeting)s）交办事项“%(task)s”") % {
            "meeting": subject.meeting.title,
            "task": subject.task[:40],
        }


def register_meeting_sources() -> None:
    register(QueueSource("meeting_action", gettext_lazy("会商事项"), owned_rows, owned_item))
    register(
        QueueSource(
            "meeting_action_done", gettext_lazy("会商事项销号"), reported_rows, reported_item
        )
    )
    register_source(MeetingActionSource())
