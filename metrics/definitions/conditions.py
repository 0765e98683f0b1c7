"""Conditions over cases, and the measures (counts and sums) built from them.

A condition is a Django `Q` over the columns of one case row, with no join. The same object is
compiled two ways: into a `FILTER (WHERE …)` aggregate by the engine (metrics.computation.engine),
and into `Case.objects.filter(…)` by the drill-down (metrics.selectors.indicator_cases). So a number
and its case list can never disagree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.aggregates import Aggregate

from cases.choices import Category, ClosingMethod, Outcome, Procedure
from metrics.definitions.periods import Period, long_pending_cutoff, months_before

LITIGATION_CATEGORIES = [Category.CIVIL, Category.CRIMINAL, Category.ADMINISTRATIVE]
LITIGATION_PROCEDURES = [Procedure.FIRST_INSTANCE, Procedure.SECOND_INSTANCE, Procedure.RETRIAL]

# Case sets of INDICATORS.md, by the procedure (and category) that the type code gives.
WORKLOAD = ~Q(  # W
    procedure__in=[Procedure.PRESERVATION, Procedure.ENFORCEMENT_RESUMED, Procedure.PRE_SUIT]
)
LITIGATION = Q(category__in=LITIGATION_CATEGORIES, procedure__in=LITIGATION_PROCEDURES)  # L
FIRST_INSTANCE = LITIGATION & Q(procedure=Procedure.FIRST_INSTANCE)  # F
CIVIL_FIRST_INSTANCE = FIRST_INSTANCE & Q(category=Category.CIVIL)  # CF
ENFORCEMENT = Q(procedure=Procedure.ENFORCEMENT)  # E: first-time enforcement (执)
ALL_FILED = ~Q(procedure__in=[Procedure.PRESERVATION, Procedure.PRE_SUIT])  # A
# The SPC's 2024 set adds (INDICATORS.md, "The SPC's 2024 set"):
SECOND_INSTANCE = LITIGATION & Q(procedure=Procedure.SECOND_INSTANCE)  # S2
RETRIAL = LITIGATION & Q(procedure=Procedure.RETRIAL)  # RT

WITH_CLAIM = Q(amount_applied__gt=0)  # enforcement: the applicant asked for an amount
REVERSED = [Outcome.MODIFIED, Outcome.REMANDED]
MEDIATED_OR_WITHDRAWN = [ClosingMethod.MEDIATION, ClosingMethod.WITHDRAWAL]
# A second instance or a retrial that corrects the decision below it (改判、发回重审).
MODIFIED_OR_REMANDED = [ClosingMethod.MODIFIED, ClosingMethod.REMANDED]
# The optional columns of DATA_FORMAT.md that a source system may not export: empty is "not
# recorded", never false.
HEARING_RECORDED = Q(hearing_held__isnull=False)
HEARING_HELD = Q(hearing_held=True)
APPEAL_LODGED_RECORDED = Q(appeal_lodged_on__isnull=False)


def filed_in(period: Period) -> Q:
    return Q(filed_on__gte=period.start, filed_on__lte=period.end)


def closed_in(period: Period) -> Q:
    return Q(closed_on__gte=period.start, closed_on__lte=period.end)


def pending_at(day: datetime.date) -> Q:
    """Pending at the end of `day`: filed by then and not closed by then."""
    return Q(filed_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def pending_at_start(period: Period) -> Q:
    return pending_at(period.day_before_start)


def long_pending_at(day: datetime.date) -> Q:
    """Pending at `day` and filed_on + 12 calendar months < day."""
    return pending_at(day) & Q(filed_on__lte=long_pending_cutoff(day))


# Age of the pending caseload (CEPEJ / CourTools), in months since filing: [low, high).
AGE_BUCKETS = ((0, 6), (6, 12), (12, 18), (18, 24), (24, 36), (36, None))


def pending_aged(day: datetime.date, low: int, high: int | None) -> Q:
    """W cases pending at `day` whose gross age since filing is over `low` months and not over
    `high` (None: no upper bound). Over 12 months is exactly long-pending."""
    condition = WORKLOAD & pending_at(day)
    if low:
        condition &= Q(filed_on__lte=months_before(day, low))
    if high:
        condition &= Q(filed_on__gt=months_before(day, high))
    return condition


# Closing on the deadline day is within the limit (DOMAIN.md); a case with no deadline is not
# counted either way.
HAS_DEADLINE = Q(deadline__isnull=False)
WITHIN_LIMIT = HAS_DEADLINE & Q(closed_on__lte=F("deadline"))


def decided_in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


@dataclass(frozen=True)
class Measure:
    """A count of the cases meeting `condition`, or the sum of `field` over them."""

    condition: Q
    field: str | None = None

    @property
    def is_sum(self) -> bool:
        return self.field is not None

    def aggregate(self) -> Aggregate:
        if self.field is None:
            return Count("pk", filter=self.condition)
        return Sum(self.field, filter=self.condition)

    def cases(self, queryset):
        """The cases this measure counts or sums over."""
        return queryset.filter(self.condition)


def count(condition: Q) -> Measure:
    return Measure(condition=condition)


def total(field: str, condition: Q) -> Measure:
    return Measure(condition=condition, field=field)
