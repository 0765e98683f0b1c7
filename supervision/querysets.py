"""Chainable filters of supervision records. Who sees which row is not decided here: each
model names where its unit is (`unit_paths`), and `cases.units` decides (an inspector: the
records of their court, but of the cases joined to their inspections only)."""

from __future__ import annotations

import datetime

from django.db import models

from cases.permissions import Action, may
from cases.units import UnitScopedQuerySet
from supervision.choices import AWAITING_ANSWER_STATES, OPEN_MARK_STATES, LetterState


class CaseLinkedQuerySet(UnitScopedQuerySet):
    """Rows about one case (marks, measures, referrals, extension requests, reviews): their
    unit is their case's (`cases.units.BY_CASE`)."""


class MarkQuerySet(CaseLinkedQuerySet):
    def open(self):
        return self.filter(state__in=OPEN_MARK_STATES)


class MeasureQuerySet(CaseLinkedQuerySet):
    def awaiting_response(self):
        return self.filter(responded_at__isnull=True)

    def overdue(self, day: datetime.date):
        return self.awaiting_response().filter(deadline__lt=day)


class LetterQuerySet(UnitScopedQuerySet):
    def in_scope(self, user):
        """A draft (written by the nightly detection) is the office's until it is sent: its
        recipients and everyone else see it from then on."""
        rows = super().in_scope(user)
        return rows if may(user, Action.LETTER_ISSUE) else rows.sent()

    def awaiting_answer(self):
        return self.filter(state__in=AWAITING_ANSWER_STATES)

    def overdue(self, day: datetime.date):
        return self.awaiting_answer().filter(deadline__lt=day)

    def sent(self):
        return self.exclude(state=LetterState.DRAFT)


class NotificationQuerySet(models.QuerySet):
    def in_scope(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)
