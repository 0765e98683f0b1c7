"""Chainable filters: Case.objects.pending_at(d).in_scope(user).with_band(today)."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Case as CaseWhen
from django.db.models import F, Func, IntegerField, Q, Value, When

from cases.choices import BAND_URGENT_DAYS, BAND_WARNING_DAYS, Band
from cases.permissions import Action, may
from cases.units import UnitScopedQuerySet, people_q


def days_between(later, earlier) -> Func:
    """PostgreSQL date − date: a whole number of days."""
    return Func(
        later, earlier, template="(%(expressions)s)", arg_joiner=" - ", output_field=IntegerField()
    )


def pending_filed_on() -> CaseWhen:
    """The filing day of a pending case, NULL for a closed one: the expression of
    case_pending_filed_idx, whose statistics tell PostgreSQL how many pending cases were filed
    before a day (a condition on closed_on and filed_on apart it guesses from the whole table)."""
    return CaseWhen(When(closed_on__isnull=True, then=F("filed_on")), default=None)


class CaseQuerySet(UnitScopedQuerySet):
    def pending(self):
        return self.filter(closed_on__isnull=True)

    def pending_at(self, day: datetime.date):
        return self.filter(Q(filed_on__lte=day), Q(closed_on__isnull=True) | Q(closed_on__gt=day))

    def with_band(self, today: datetime.date):
        """Annotate days_left (to the deadline) and band (the warning band, for pending cases)."""
        days_left = days_between(F("deadline"), Value(today))
        return self.annotate(days_left=days_left).annotate(
            band=CaseWhen(
                When(closed_on__isnull=False, then=Value("")),
                When(deadline__isnull=True, then=Value(Band.NO_LIMIT.value)),
                When(days_left__lt=0, then=Value(Band.OVERDUE.value)),
                When(days_left__lte=BAND_URGENT_DAYS, then=Value(Band.URGENT.value)),
                When(days_left__lte=BAND_WARNING_DAYS, then=Value(Band.WARNING.value)),
                default=Value(Band.NORMAL.value),
                output_field=models.CharField(),
            )
        )

    def by_urgency(self):
        return self.order_by(F("deadline").asc(nulls_last=True), "case_number")


class AuditEventQuerySet(models.QuerySet):
    def in_scope(self, user):
        """The office reads the trail of the people of its court (the intermediate court's:
        the city's); an administrator all of it."""
        if not may(user, Action.AUDIT_READ):
            return self.none()
        return self.filter(people_q(user, "user__"))
