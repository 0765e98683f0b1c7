"""Gross calendar age of a case from filing (DOMAIN.md, long-pending), in PostgreSQL.

"More than N months" means the day is after filed_on + N calendar months, with PostgreSQL's
month arithmetic — the same day number, clamped to the month's end — as the deadlines use.
In the ORM that is `older_than` (a cutoff from metrics.definitions.periods.months_before, the rule
of the indicators' long-pending too); in raw SQL, `plus_months_sql` / `age_bucket_sql` (they agree:
checked day by day against PostgreSQL over two years of days and 6–36 months).
"""

from __future__ import annotations

import datetime

from django.db.models import Case, DateField, Func, Q, Value, When

from metrics.definitions.periods import months_before
from supervision.choices import AGE_BUCKET_MONTHS, AgeBucket


class PlusMonths(Func):
    """date + n calendar months, as a date."""

    output_field = DateField()

    def __init__(self, expression, months: int):
        super().__init__(expression, Value(int(months)))

    def as_sql(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        months_sql, months_params = compiler.compile(self.source_expressions[1])
        sql = f"(({date_sql}) + make_interval(months => ({months_sql})::int))::date"
        return sql, [*date_params, *months_params]


def plus_months_sql(column: str, months_param: str) -> str:
    """The same, for raw SQL: `plus_months_sql("c.filed_on", "%(months)s")`."""
    return f"(({column}) + make_interval(months => ({months_param})::int))::date"


def older_than(months: int, day: datetime.date, field: str = "filed_on") -> Q:
    """Filed more than `months` calendar months before `day` (field + months < day): on or
    before metrics.definitions.periods.months_before(day, months), the cutoff the indicators'
    conditions use too — one rule for both, and a plain comparison an index on the field serves."""
    return Q(**{f"{field}__lte": months_before(day, months)})


def bucket_condition(bucket: AgeBucket, day: datetime.date, field: str = "filed_on") -> Q:
    low, high = AGE_BUCKET_MONTHS[bucket]
    condition = older_than(low, day, field)
    if high is not None:
        condition &= ~older_than(high, day, field)
    return condition


def age_bucket(day: datetime.date, field: str = "filed_on") -> Case:
    """The long-pending bucket of a case on `day` ('' when 12 months or younger)."""
    return Case(
        *(
            When(older_than(low, day, field), then=Value(bucket.value))
            for bucket, (low, _high) in reversed(AGE_BUCKET_MONTHS.items())
        ),
        default=Value(""),
    )


def age_bucket_sql(column: str, day_param: str) -> str:
    """The same as `age_bucket`, for raw SQL."""
    whens = " ".join(
        f"WHEN {plus_months_sql(column, str(low))} < {day_param} THEN '{bucket.value}'"
        for bucket, (low, _high) in reversed(AGE_BUCKET_MONTHS.items())
    )
    return f"CASE {whens} ELSE '' END"
