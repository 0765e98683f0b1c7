"""Chainable filters: Case.objects.pending_at(d).in_scope(user).with_band(today)."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Case as CaseWhen
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Value, When

from cases.choices import BAND_URGENT_DAYS, BAND_WARNING_DAYS, Band
from cases.scoping import Reach, user_scope


class ScopedQuerySet(models.QuerySet):
    """Courts, divisions and judges a user may see (the units of their scope)."""

    def in_scope(self, user):
        scope = user_scope(user)
        model = self.model._meta.model_name
        if scope.reach is Reach.NOTHING:
            return self.none()
        if scope.reach is Reach.EVERYTHING:
            return self
        if scope.reach is Reach.COURTS:
            field = {"court": "id"}.get(model, "court_id")
            return self.filter(**{f"{field}__in": scope.court_ids})
        if scope.reach is Reach.DIVISION:
            return self.filter(
                **{
                    "court": {"id__in": scope.court_ids},
                    "division": {"id": scope.division_id},
                    "judge": {"division_id": scope.division_id},
                }[model]
            )
        return self.filter(  # Reach.JUDGE
            **{
                "court": {"id__in": scope.court_ids},
                "division": {"id": scope.division_id},
                "judge": {"id": scope.judge_id},
            }[model]
        )


def days_between(later, earlier) -> Func:
    """PostgreSQL date − date: a whole number of days."""
    return Func(
        later, earlier, template="(%(expressions)s)", arg_joiner=" - ", output_field=IntegerField()
    )


class CaseQuerySet(models.QuerySet):
    def in_scope(self, user):
        scope = user_scope(user)
        if scope.reach is Reach.NOTHING:
            return self.none()
        if scope.reach is Reach.EVERYTHING:
            return self
        if scope.cases_joined_only:
            from cases.models import CaseInspector

            return self.filter(Exists(CaseInspector.objects.filter(case=OuterRef("pk"), user=user)))
        if scope.reach is Reach.COURTS:
            return self.filter(court_id__in=scope.court_ids)
        if scope.reach is Reach.DIVISION:
            return self.filter(division_id=scope.division_id)
        return self.filter(judge_id=scope.judge_id)

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
        """The office reads the trail of its court's users (the intermediate court's: all)."""
        scope = user_scope(user)
        if scope.reach is Reach.EVERYTHING:
            return self
        from cases.choices import Role

        if scope.reach is Reach.COURTS and user.role == Role.OFFICE:
            return self.filter(
                Q(user__court_id__in=scope.court_ids)
                | Q(user__division__court_id__in=scope.court_ids)
                | Q(user__judge__court_id__in=scope.court_ids)
            )
        return self.none()
