"""The demo's data-review meeting (数据会商), registered from reports/demo.py after the reports
step (24): early this month the city's office held the demo basic court's meeting about last
month, its agenda as Courtdash found it; two items were decided — the division head's action
reported done and closed, the judge's still open (in their work queue, reminded when due)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from cases.demo.steps import DemoContext, on_day
from cases.models import Court, User
from cases.units import ScopeKey
from metrics.definitions.periods import add_months
from reports.models import Meeting
from reports.services.meetings import (
    meeting_action_close,
    meeting_action_done,
    meeting_create,
    meeting_decide,
    meeting_note,
)

DAY = datetime.timedelta(days=1)


def meetings_demo(context: DemoContext) -> None:
    today = context.today
    office = User.objects.get(username="demo_office")
    head = User.objects.get(username="demo_division_head")
    judge = User.objects.get(username="demo_judge")
    court = Court.objects.get(pk=head.division.court_id)
    month = add_months(today.replace(day=1), -1)
    held_on = max(today - 20 * DAY, month + 35 * DAY)
    held_on = min(held_on, today)
    with on_day(held_on):
        meeting = meeting_create(
            actor=office,
            unit=ScopeKey.of(court=court),
            month=month,
            held_on=held_on,
            attendees=_("分管院领导、审管办、%(head)s及各业务庭庭长") % {"head": head.display_name},
        )
        items = meeting.agenda[:2]
        if not items:
            return
        actions = []
        for item, owner, days, text in (
            (items[0], head, 10, _("逐项分析原因，两周内提出整改措施并报审管办")),
            (items[-1], judge, 30, _("对所涉案件逐案制定结案计划，按期审结")),
        ):
            meeting_note(
                meeting=meeting,
                actor=office,
                item_key=item["key"],
                note=_("与会人员对照数据逐项分析，认为问题集中在少数案件，需明确责任人限期整改。"),
            )
            decision = meeting_decide(
                meeting=meeting,
                actor=office,
                item_key=item["key"],
                text=text,
                owner=owner,
                due_on=held_on + days * DAY,
            )
            actions.append(decision.actions.get())
    done = actions[0]
    with on_day(min(held_on + 7 * DAY, today)):
        meeting_action_done(
            action=done,
            actor=head,
            note=_("已逐项分析原因，制定整改措施并在庭务会上部署。"),
        )
    with on_day(min(held_on + 9 * DAY, today)):
        meeting_action_close(action=done, actor=office, note=_("已核实"))


def meetings_demo_reset() -> None:
    """Before the demo is seeded again: the meetings (they hold on to courts and people)."""
    Meeting.objects.all().delete()
