"""Scoping of supervision records, built on cases.scoping.user_scope (the only visibility rule).

One difference from cases: an inspector reaches the supervision records of their whole court
(DOMAIN.md: "supervision records and notices of their court"), not only the cases they are
joined to — so `cases_joined_only` is ignored here, and only here.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from cases.scoping import Reach, user_scope
from supervision.choices import AWAITING_ANSWER_STATES, OPEN_MARK_STATES, LetterState

NOTHING = Q(pk__in=[])


def reach_q(
    user,
    *,
    court: str | None = "court_id",
    division: str | None = "division_id",
    judge: str | None = "judge_id",
) -> Q:
    """A filter for the rows whose unit, at the given paths, the user reaches. A path of None
    means the rows have no such unit, so that reach sees none of them."""
    scope = user_scope(user)
    if scope.reach is Reach.NOTHING:
        return NOTHING
    if scope.reach is Reach.EVERYTHING:
        return Q()
    if scope.reach is Reach.COURTS:
        return Q(**{f"{court}__in": scope.court_ids}) if court else NOTHING
    if scope.reach is Reach.DIVISION:
        return Q(**{division: scope.division_id}) if division else NOTHING
    return Q(**{judge: scope.judge_id}) if judge else NOTHING


def in_reach(user, *, court_id: int, division_id: int | None, judge_id: int | None) -> bool:
    """Whether one unit (a case's court, division and judge) is in the user's reach."""
    scope = user_scope(user)
    if scope.reach is Reach.EVERYTHING:
        return True
    if scope.reach is Reach.COURTS:
        return court_id in scope.court_ids
    if scope.reach is Reach.DIVISION:
        return division_id is not None and division_id == scope.division_id
    if scope.reach is Reach.JUDGE:
        return judge_id is not None and judge_id == scope.judge_id
    return False


def case_in_reach(user, case) -> bool:
    return in_reach(
        user, court_id=case.court_id, division_id=case.division_id, judge_id=case.judge_id
    )


class CaseLinkedQuerySet(models.QuerySet):
    """Rows about one case (marks, measures, referrals, extension requests, reviews)."""

    def in_scope(self, user):
        return self.filter(
            reach_q(
                user, court="case__court_id", division="case__division_id", judge="case__judge_id"
            )
        )


class MarkQuerySet(CaseLinkedQuerySet):
    def open(self):
        return self.filter(state__in=OPEN_MARK_STATES)


class MeasureQuerySet(CaseLinkedQuerySet):
    def awaiting_response(self):
        return self.filter(responded_at__isnull=True)

    def overdue(self, day: datetime.date):
        return self.awaiting_response().filter(deadline__lt=day)


class UnitQuerySet(models.QuerySet):
    """Rows carrying their own court, division and judge columns (trail entries, letters)."""

    def in_scope(self, user):
        return self.filter(reach_q(user))


class LetterQuerySet(UnitQuerySet):
    def awaiting_answer(self):
        return self.filter(state__in=AWAITING_ANSWER_STATES)

    def overdue(self, day: datetime.date):
        return self.awaiting_answer().filter(deadline__lt=day)

    def sent(self):
        return self.exclude(state=LetterState.DRAFT)


class InquiryQuerySet(LetterQuerySet):
    def in_scope(self, user):
        return self.filter(reach_q(user, judge=None))


class AbnormalityQuerySet(models.QuerySet):
    """Abnormalities found by the nightly detection, of a court or one of its divisions."""

    def in_scope(self, user):
        return self.filter(reach_q(user, judge=None))


class CampaignQuerySet(models.QuerySet):
    """A campaign covers a court or one division of it; a division's people see the campaigns
    of their division and the court-wide ones (whose list they see only their part of)."""

    def in_scope(self, user):
        scope = user_scope(user)
        if scope.reach in (Reach.DIVISION, Reach.JUDGE):
            return self.filter(
                Q(division__isnull=True) | Q(division_id=scope.division_id),
                court_id__in=scope.court_ids,
            )
        return self.filter(reach_q(user))


class NotificationQuerySet(models.QuerySet):
    def in_scope(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class JointInspectionQuerySet(models.QuerySet):
    def in_scope(self, user):
        return self.filter(reach_q(user, division=None, judge=None))


class ApproverQuerySet(models.QuerySet):
    """Everyone in a court may know who its designated approver is."""

    def in_scope(self, user):
        scope = user_scope(user)
        if scope.reach is Reach.NOTHING:
            return self.none()
        if scope.reach is Reach.EVERYTHING:
            return self
        return self.filter(court_id__in=scope.court_ids)


class RuleQuerySet(models.QuerySet):
    """Four-type rules: those for every court and those of a court in reach."""

    def in_scope(self, user):
        scope = user_scope(user)
        if scope.reach is Reach.NOTHING:
            return self.none()
        if scope.reach is Reach.EVERYTHING:
            return self
        return self.filter(Q(court__isnull=True) | Q(court_id__in=scope.court_ids))
