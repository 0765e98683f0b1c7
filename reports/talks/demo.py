"""The demo's talks (约谈提醒), registered from reports/demo.py after the reports step (22): the
city's court leader talked to the demo basic court's civil division six weeks ago (from its
suggestion, if the rules find one) and to the demo judge a fortnight ago; of the commitments
made, one was reported and checked off, one is open and one is overdue — so the work queue,
the reminders, the talks' pages and the monthly review have something to show."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from cases.demo.steps import DemoContext, on_day
from cases.models import User
from cases.units import ScopeKey
from reports.models import Talk
from reports.talks.rules import suggestion_for
from reports.talks.services import commitment_close, commitment_report, talk_record

DAY = datetime.timedelta(days=1)


def talks_demo(context: DemoContext) -> None:
    today = context.today
    office = User.objects.get(username="demo_office")
    leader = User.objects.get(username="demo_court_leader")
    head = User.objects.get(username="demo_division_head")
    judge = User.objects.get(username="demo_judge")
    division = ScopeKey.of(court=head.division.court_id, division=head.division_id)
    suggested = suggestion_for(division, day=today)
    problems = (
        suggested.problems_text()
        if suggested is not None
        else _("结案率、法定审限内结案率低于预警线，长期未结案件清理进度滞后。")
    )
    held_on = today - 42 * DAY
    with on_day(held_on):
        talk = talk_record(
            actor=office,
            court_id=division.court_id,
            division_id=division.division_id,
            held_on=held_on,
            conducted_by=leader,
            attendees=_("%(head)s、%(analyst)s、审管办%(office)s")
            % {"head": head.display_name, "analyst": "沈佳怡", "office": office.display_name},
            problems=problems,
            commitments=[
                {
                    "text": _("两周内逐案排查超12个月未结案件，制定结案计划"),
                    "owner": head,
                    "due_on": held_on + 14 * DAY,
                },
                {
                    "text": _("每周例会通报审限预警案件，督促法官按期结案"),
                    "owner": head,
                    "due_on": today - 5 * DAY,
                },
            ],
            suggestion={**suggested.as_dict(), "case_ids": suggested.case_ids[:500]}
            if suggested is not None
            else None,
        )
    done = talk.commitments.order_by("due_on").first()
    with on_day(held_on + 12 * DAY):
        commitment_report(
            commitment=done,
            report=_("已排查全部长期未结案件，逐案明确结案时间并报分管院领导。"),
            actor=head,
        )
    with on_day(held_on + 15 * DAY):
        commitment_close(commitment=done, note=_("已核实清单和计划"), actor=office)
    judge_unit = ScopeKey.of(
        court=judge.judge.court_id, division=judge.judge.division_id, judge=judge.judge_id
    )
    held_on = today - 14 * DAY
    with on_day(held_on):
        talk_record(
            actor=office,
            court_id=judge_unit.court_id,
            division_id=judge_unit.division_id,
            judge_id=judge_unit.judge_id,
            held_on=held_on,
            conducted_by=leader,
            attendees=head.display_name,
            problems=_("审限预警案件较多，部分案件长期无进展。"),
            commitments=[
                {
                    "text": _("一个月内审结审限届满前15日内的案件"),
                    "owner": judge,
                    "due_on": today + 16 * DAY,
                }
            ],
        )


def talks_demo_reset() -> None:
    """Before the demo is seeded again: the talks (they hold on to courts and people)."""
    Talk.objects.all().delete()
