"""评查 in the work queue (我的待办) and the reminders: the cases a reviewer is to score (due at
the campaign's scoring date, if it has one), the rectifications a judge is to answer (due at
their due date) and those the office is to accept or return. Registered from
SupervisionConfig.ready."""

from __future__ import annotations

from django.db.models import DateField, F, Q, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.permissions import Action, may
from supervision.choices import QualityReviewState, RectificationState, ReminderSubject
from supervision.models import QualityReview, Rectification
from supervision.selectors.queue import QueueItem, QueueSource, register
from supervision.services.reminders import Source, _window, register_source

CASE_RELATED = ("case", "case__court", "case__division")


def _of_case(case) -> dict:
    return {
        "unit": f"{case.court.code} {case.division.name}",
        "court_code": case.court.code,
        "division_name": case.division.name,
    }


def review_rows(user, day):
    """The cases assigned to the user to score (of another court: not by scope, by name)."""
    if not may(user, Action.QUALITY_REVIEW_SCORE):
        return None
    return (
        QualityReview.objects.filter(reviewer=user, state=QualityReviewState.PENDING)
        .select_related("campaign", *CASE_RELATED)
        .annotate(queue_due=F("campaign__score_due_on"))
    )


def review_item(review, day) -> QueueItem:
    case = review.case
    due = review.queue_due
    return QueueItem(
        kind="quality_review",
        kind_label=str(_("案件评查")),
        pk=review.pk,
        title=f"{case.case_number}（{review.campaign.name}）",
        **_of_case(case),
        due_on=due,
        overdue=due is not None and due < day,
        url=reverse("supervision:quality_review", args=[review.pk]),
        action="score",
        action_label=str(_("评查打分")),
        state=review.state,
        state_label=review.get_state_display(),
        since=review.assigned_at,
    )


def rectification_rows(user, day):
    """The judge: open rectifications of their cases; the office: answers to accept or return."""
    answer = may(user, Action.RECTIFY_ANSWER) and user.judge_id
    decide = may(user, Action.QUALITY_REVIEW_MANAGE)
    if not (answer or decide):
        return None
    wanted = Q(pk__in=[])
    if answer:
        wanted |= Q(state=RectificationState.OPEN, case__judge_id=user.judge_id)
    if decide:
        wanted |= Q(state=RectificationState.ANSWERED)
    return (
        Rectification.objects.in_scope(user)
        .filter(wanted)
        .select_related(*CASE_RELATED)
        .annotate(queue_due=Value(None, output_field=DateField()) if not answer else F("due_on"))
    )


def rectification_item(item, day) -> QueueItem:
    case = item.case
    answering = item.state == RectificationState.OPEN
    due = item.queue_due if answering else None
    return QueueItem(
        kind="rectification",
        kind_label=str(_("评查整改")),
        pk=item.pk,
        title=str(_("案件%(case)s评查整改") % {"case": case.case_number}),
        **_of_case(case),
        due_on=due,
        overdue=due is not None and due < day,
        url=reverse("supervision:rectification", args=[item.pk]),
        action="answer" if answering else "review",
        action_label=str(_("答复整改情况") if answering else _("审核整改答复")),
        state=item.state,
        state_label=item.get_state_display(),
        since=item.answered_at or item.requested_at,
    )


class RectificationSource(Source):
    """A rectification asked of a judge after a 瑕疵 or 差错 grade, due at its due date: the
    judge, then the division head, then the division's court leaders."""

    kind = ReminderSubject.RECTIFICATION

    @property
    def due_word(self):
        return _("整改答复期限")

    def subjects(self, day):
        start, end = _window(day, self.stages)
        return Rectification.objects.filter(
            state=RectificationState.OPEN, due_on__range=(start, end)
        ).select_related("case__judge")

    def get(self, subject_id):
        return Rectification.objects.select_related("case__judge").get(pk=subject_id)

    def due_on(self, subject):
        return subject.due_on

    def name(self, subject):
        return _("案件%(case)s的评查整改") % {"case": subject.case.case_number}

    def url(self, subject):
        return reverse("supervision:rectification", args=[subject.pk])


def register_quality_sources() -> None:
    register(QueueSource("quality_review", gettext_lazy("案件评查"), review_rows, review_item))
    register(
        QueueSource(
            "rectification", gettext_lazy("评查整改"), rectification_rows, rectification_item
        )
    )
    register_source(RectificationSource())
