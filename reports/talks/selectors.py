"""约谈提醒: the reads — which talks and commitments a person sees, a talk's follow-up figures.

Who sees what: whoever may manage talks (TALK_MANAGE), the talks of the units in their reach
(cases.units: `in_scope`); the owner of a commitment, that commitment and the talk it was made
in (so that they can read what was said). Nobody else: a talk outside this is not found (404).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from cases.dates import today
from cases.permissions import Action, may
from cases.units import ScopeKey
from reports.models import Talk, TalkCommitment
from reports.talks.choices import OPEN_COMMITMENT_STATES, CommitmentState

TALK_RELATED = ("court", "division", "judge", "conducted_by", "recorded_by")


def visible_talks(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return Talk.objects.none()
    own = Q(pk__in=TalkCommitment.objects.filter(owner=user).values("talk_id"))
    if may(user, Action.TALK_MANAGE):
        return Talk.objects.filter(Q(pk__in=Talk.objects.in_scope(user).values("pk")) | own)
    return Talk.objects.filter(own)


def visible_commitments(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return TalkCommitment.objects.none()
    if may(user, Action.TALK_MANAGE):
        managed = TalkCommitment.objects.in_scope(user).values("pk")
        return TalkCommitment.objects.filter(Q(pk__in=managed) | Q(owner=user))
    return TalkCommitment.objects.filter(owner=user)


def talk_list(*, user, unit: ScopeKey | None = None) -> QuerySet:
    rows = visible_talks(user)
    if unit is not None:
        rows = rows.filter(unit.cases_q())
    return (
        rows.select_related(*TALK_RELATED)
        .annotate(
            commitment_count=Count("commitments", distinct=True),
            open_count=Count(
                "commitments",
                filter=Q(commitments__state__in=OPEN_COMMITMENT_STATES),
                distinct=True,
            ),
        )
        .order_by("-held_on", "-id")
    )


def talk_commitments(talk: Talk) -> QuerySet:
    return talk.commitments.select_related("owner", "closed_by").order_by("due_on", "id")


def is_overdue(commitment: TalkCommitment, day: datetime.date | None = None) -> bool:
    return commitment.state != CommitmentState.DONE and commitment.due_on < (day or today())


def follow_up(commitments: QuerySet, *, day: datetime.date) -> dict:
    """Counts of commitments: all, done, open (not done), of which overdue, and reported."""
    return commitments.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(state=CommitmentState.DONE)),
        open=Count("pk", filter=~Q(state=CommitmentState.DONE)),
        overdue=Count("pk", filter=~Q(state=CommitmentState.DONE) & Q(due_on__lt=day)),
        reported=Count("pk", filter=Q(state=CommitmentState.REPORTED)),
    )
