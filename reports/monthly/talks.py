"""The monthly review's section 约谈提醒: the talks held in the month with the unit or units
inside it, and the follow-up of the commitments made in talks (made, due, done, still open,
overdue) as of the review's day. Kept in the review's content under "talks" (a review kept
before this section existed has no such key: the template shows nothing)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cases.units import ScopeKey
from reports.models import Talk, TalkCommitment
from reports.talks.choices import CommitmentState

LISTED = 20


def _done_by(day: datetime.date) -> Q:
    return Q(state=CommitmentState.DONE, closed_at__date__lte=day)


def talks_section(unit: ScopeKey, as_of: datetime.date, first: datetime.date, last) -> dict:
    held = (
        Talk.objects.filter(unit.cases_q(), held_on__range=(first, last))
        .select_related("court", "division", "judge", "conducted_by")
        .annotate(commitment_count=Count("commitments"))
        .order_by("held_on", "pk")
    )
    talks = [
        {
            "id": talk.pk,
            "held_on": talk.held_on.isoformat(),
            "unit": " ".join(
                part.name for part in (talk.court, talk.division, talk.judge) if part is not None
            ),
            "conducted_by": talk.conducted_by.display_name,
            "problems": talk.problems[:200],
            "commitments": talk.commitment_count,
        }
        for talk in held[:LISTED]
    ]
    commitments = TalkCommitment.objects.filter(unit.cases_q("talk__"), talk__held_on__lte=as_of)
    follow_up = commitments.aggregate(
        made=Count("pk", filter=Q(talk__held_on__range=(first, last))),
        due=Count("pk", filter=Q(due_on__range=(first, last))),
        done=Count(
            "pk", filter=Q(state=CommitmentState.DONE, closed_at__date__range=(first, last))
        ),
        open=Count("pk", filter=~_done_by(as_of)),
        overdue=Count("pk", filter=~_done_by(as_of) & Q(due_on__lt=as_of)),
    )
    return {"held": held.count(), "talks": talks, "follow_up": follow_up}


def talks_sheet(section: dict) -> tuple[list, list, list]:
    """The XLSX sheet of the section: (headers, rows, widths); text is written formula-safe by
    the documents' writer (cases.spreadsheets.xlsx_append)."""
    follow_up = section["follow_up"]
    rows = [
        [talk["held_on"], talk["unit"], talk["conducted_by"], talk["problems"], talk["commitments"]]
        for talk in section["talks"]
    ]
    rows += [
        [],
        [_("本月约谈"), section["held"]],
        [_("本月作出承诺"), follow_up["made"]],
        [_("本月到期"), follow_up["due"]],
        [_("本月核销"), follow_up["done"]],
        [_("尚未核销"), follow_up["open"]],
        [_("其中逾期"), follow_up["overdue"]],
    ]
    headers = [_("约谈日期"), _("被约谈单位"), _("约谈人"), _("指出的问题"), _("承诺数")]
    return headers, rows, [12, 36, 14, 70, 10]
