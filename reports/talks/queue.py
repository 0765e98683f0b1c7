"""约谈提醒 in the work queue (我的待办) and the reminders, registered from ReportsConfig.ready
(supervision may not import reports).

- Work queue, kind "talk_commitment": the owner's open commitments (to report on), nearest due
  date first; for whoever may manage talks, the reported commitments of their reach (to check
  off).
- Reminders, ReminderSubject.TALK_COMMITMENT: a commitment not yet reported nor checked off, to
  its owner on the due day and once overdue; then (escalation, as for every task) the head of
  the division talked to, then the court leaders who lead it (分管院领导).
"""

from __future__ import annotations

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.permissions import Action, may
from reports.models import TalkCommitment
from reports.talks.choices import CommitmentState
from supervision.choices import ReminderSubject
from supervision.selectors.queue import QueueItem, QueueSource, register
from supervision.services.reminders import Source, _window, register_source

KIND = "talk_commitment"
RELATED = ("talk__court", "talk__division", "talk__judge", "owner")


def _unit(talk) -> str:
    return " ".join(part.name for part in (talk.court, talk.division, talk.judge) if part)


def commitment_rows(user, day):
    manage = may(user, Action.TALK_MANAGE)
    if not (manage or may(user, Action.TALK_COMMIT)):
        return None
    wanted = Q(owner=user, state=CommitmentState.OPEN)
    if manage:
        reported = TalkCommitment.objects.in_scope(user).filter(state=CommitmentState.REPORTED)
        wanted |= Q(pk__in=reported.values("pk"))
    return (
        TalkCommitment.objects.filter(wanted)
        .select_related(*RELATED)
        .annotate(queue_due=F("due_on"))
    )


def commitment_item(commitment, day) -> QueueItem:
    talk = commitment.talk
    reported = commitment.state == CommitmentState.REPORTED
    return QueueItem(
        kind=KIND,
        kind_label=str(_("约谈整改承诺")),
        pk=commitment.pk,
        title=_("约谈（%(day)s）承诺：%(text)s")
        % {"day": talk.held_on.isoformat(), "text": commitment.text[:80]},
        unit=_unit(talk),
        due_on=commitment.due_on,
        overdue=not reported and commitment.due_on < day,
        url=reverse("reports:talk_commitment", args=[commitment.pk]),
        action="check" if reported else "report",
        action_label=str(_("核销") if reported else _("报告落实情况")),
        state=commitment.state,
        state_label=commitment.get_state_display(),
        court_code=talk.court.code,
        division_name=talk.division.name if talk.division_id else "",
        since=talk.recorded_at,
    )


class CommitmentSource(Source):
    kind = ReminderSubject.TALK_COMMITMENT

    @property
    def due_word(self):
        return _("完成期限")

    def _rows(self):
        return TalkCommitment.objects.select_related(*RELATED)

    def subjects(self, day):
        start, end = _window(day, self.stages)
        return self._rows().filter(state=CommitmentState.OPEN, due_on__range=(start, end))

    def get(self, subject_id):
        return self._rows().get(pk=subject_id)

    def due_on(self, subject):
        return subject.due_on

    def responsible(self, subject):
        return [subject.owner] if subject.owner.is_active else []

    def division_id(self, subject):
        return subject.talk.division_id

    def case(self, subject):
        return None

    def court_id(self, subject):
        return subject.talk.court_id

    def who(self, subject):
        return subject.owner.display_name

    def name(self, subject):
        return _("约谈整改承诺“%(text)s”") % {"text": subject.text[:40]}

    def url(self, subject):
        return reverse("reports:talk_commitment", args=[subject.pk])


def register_talks() -> None:
    register(QueueSource(KIND, gettext_lazy("约谈整改承诺"), commitment_rows, commitment_item))
    register_source(CommitmentSource())
