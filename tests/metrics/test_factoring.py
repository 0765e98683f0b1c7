"""metrics.computation.factoring: counts and sums over the cells equal the condition applied to the
cases, including NULL dates under NOT, exact days, and every comparison on both sides of a
boundary."""

import datetime
import itertools
import random

import pytest
from django.db import connection
from django.db.models import F, Q

from cases.models import Case
from metrics.computation.factoring import Factoring
from metrics.definitions.conditions import Measure, closed_in, count, pending_at, total
from metrics.definitions.periods import Period
from tests.factories import CaseFactory, JudgeFactory

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = D(2025, 6, 15)
TYPES = ["民初", "民终", "刑初", "执", "执保", "行初"]


@pytest.fixture
def cases():
    """Cases of two judges on and around DAY: each date one day before, on, or after it, or
    empty; a deadline or none."""
    rng = random.Random(5)
    judges = [JudgeFactory(), JudgeFactory()]
    for index in range(60):
        filed = DAY + datetime.timedelta(days=rng.choice([-400, -2, -1, 0, 1]))
        closed = rng.choice([None, None, filed, DAY - D.resolution, DAY, DAY + D.resolution])
        if closed is not None and closed < filed:
            closed = filed
        CaseFactory(
            judge=judges[index % 2],
            type_code=rng.choice(TYPES),
            filed_on=filed,
            closed_on=closed,
            closing_method="judgment" if closed else "",
            deadline_on=rng.choice([None, DAY, DAY + D.resolution]),
            amount_applied=rng.choice([0, 100, 250]),
        )
    return judges


def _factored(measures: list[Measure]) -> dict:
    query = Case.objects.all().query
    factoring = Factoring(query=query, compiler=query.get_compiler(connection=connection))
    aliases = [factoring.add(measure) for measure in measures]
    built = factoring.build(where_sql="TRUE", where_params=[])
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH cells AS ({built.cells_sql}) SELECT judge_id, {', '.join(built.aggregates)} "
            "FROM cells GROUP BY judge_id",
            built.cells_params,
        )
        names = ["judge_id", *(f"m{index}" for index in range(len(built.aggregates)))]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {row["judge_id"]: [row[alias] for alias in aliases] for row in rows}


def _direct(measures: list[Measure]) -> dict:
    """The same measures as Django aggregates with their conditions as FILTER (an empty sum: 0,
    as the engine stores it)."""
    aggregates = {f"a{index}": measure.aggregate() for index, measure in enumerate(measures)}
    rows = Case.objects.values("judge_id").annotate(**aggregates).order_by()
    return {row["judge_id"]: [row[f"a{i}"] or 0 for i in range(len(measures))] for row in rows}


COMPARISONS = ["lt", "lte", "gt", "gte", "exact"]


def test_every_date_comparison_and_its_negation_on_each_side_of_the_boundary(cases):
    days = [DAY - D.resolution, DAY, DAY + D.resolution]
    conditions = []
    for field, lookup, day in itertools.product(["closed_on", "deadline"], COMPARISONS, days):
        test = Q(**{f"{field}__{lookup}": day})
        conditions += [test, ~test]  # ~ on a NULL date: Django's "or IS NULL" form
    measures = [count(condition) for condition in conditions]
    assert _factored(measures) == _direct(measures)
    assert len({tuple(counts) for counts in _direct(measures).values()}) == 2  # not all zero


def test_the_registry_shapes_nested_or_not_f_and_sums(cases):
    period = Period(start=DAY, end=DAY + D.resolution)
    workload = ~Q(procedure__in=["preservation", "pre_suit"])
    conditions = [
        workload & closed_in(period),
        workload & (pending_at(DAY - D.resolution) | Q(filed_on__gte=DAY, filed_on__lte=DAY)),
        Q(deadline__isnull=False) & Q(closed_on__lte=F("deadline")),
        ~Q(closed_on__lte=F("deadline")),  # NULL for a case without a date, under NOT
        ~(Q(closed_on__lte=F("deadline")) & Q(amount_applied__gt=0)),
        ~(Q(closed_on__isnull=True) | Q(closed_on__gt=DAY)) & ~Q(category="civil"),
        Q(),
    ]
    measures = [count(condition) for condition in conditions]
    measures += [total("amount_applied", condition) for condition in conditions[:2]]
    measures.append(count(conditions[0]))  # the same measure twice: one alias
    factored, direct = _factored(measures), _direct(measures)
    assert factored == direct
    assert all(any(counts[:6]) for counts in direct.values())  # not only Q() counts
