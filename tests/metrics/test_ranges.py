"""Reference ranges (区间参考值) of the SPC's 2024 set (issue 14, item 3): the service's rules and
history, the range in force on a day, and where a value stands against it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from cases.choices import CourtLevel, Role
from cases.models import AuditEvent
from metrics.choices import RangeStatus
from metrics.models import ReferenceRange
from metrics.selectors import range_in_force, range_status, ranges_in_force
from metrics.services import reference_range_set

pytestmark = pytest.mark.django_db

D = datetime.date
BASIC, INTERMEDIATE = CourtLevel.BASIC.value, CourtLevel.INTERMEDIATE.value
NEW_YEAR = D(2025, 1, 1)


@pytest.fixture
def office(city_user):
    return city_user(Role.OFFICE, "苏05")


def put(office, indicator="appeal_rate", level=None, lower=None, upper="30", on=NEW_YEAR):
    return reference_range_set(
        indicator=indicator,
        court_level=level,
        lower=None if lower is None else Decimal(lower),
        upper=None if upper is None else Decimal(upper),
        effective_from=on,
        actor=office,
    )


# --- the service: its rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"indicator": "no_such_indicator"}, "未知指标"),
        # The local eleven's own indicators have targets, not reference ranges.
        ({"indicator": "clearance_rate"}, "不设区间参考值"),
        ({"lower": None, "upper": None}, "至少须填写一项"),
        ({"lower": "40", "upper": "30"}, "下限不能高于上限"),
        ({"lower": "-1", "upper": None}, "不能为负数"),
        ({"lower": None, "upper": "101"}, "不能超过 100"),
        ({"on": D(2023, 12, 31)}, "不能早于 2024-01-01"),
        ({"level": "county"}, "未知法院层级"),
    ],
)
def test_reference_range_set_refuses_with_a_reason_in_chinese(office, arguments, message):
    with pytest.raises(ValidationError) as refused:
        put(office, **arguments)
    assert message in " ".join(refused.value.messages)
    assert not ReferenceRange.objects.exists()
    assert not AuditEvent.objects.filter(object_type="reference_range").exists()


def test_a_days_indicator_may_have_a_bound_above_100(office):
    row = put(office, indicator="appeal_transfer_days", upper="120")
    assert row.upper == Decimal("120")


def test_lower_equal_to_upper_is_a_range(office):
    row = put(office, lower="30", upper="30")
    assert (row.lower, row.upper) == (Decimal("30"), Decimal("30"))


def test_every_change_is_a_new_row_with_who_and_an_audit_event(office):
    first = put(office, upper="30", on=D(2025, 1, 1))
    second = put(office, upper="28", on=D(2025, 7, 1))
    third = put(office, upper="27", on=D(2025, 7, 1))  # a correction of the same day
    rows = list(ReferenceRange.objects.order_by("id"))
    assert [row.pk for row in rows] == [first.pk, second.pk, third.pk]
    assert [row.upper for row in rows] == [Decimal("30"), Decimal("28"), Decimal("27")]
    assert {row.changed_by_id for row in rows} == {office.pk}
    assert {row.username for row in rows} == {office.get_username()}
    events = AuditEvent.objects.filter(object_type="reference_range").order_by("id")
    assert [event.detail["upper"] for event in events] == ["30", "28", "27"]
    assert events[2].detail["replaces"] == {"id": second.pk, "lower": None, "upper": "28"}
    assert events[0].object_id == "appeal_rate:*:2025-01-01"
    assert {event.user_id for event in events} == {office.pk}


def test_entering_the_same_range_again_records_nothing(office):
    first = put(office, upper="30")
    again = put(office, upper="30.0000")
    assert again.pk == first.pk
    assert ReferenceRange.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="reference_range").count() == 1


def test_the_rows_are_append_only(office):
    row = put(office)
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        ReferenceRange.objects.filter(pk=row.pk).update(upper=Decimal("10"))
    with pytest.raises(DatabaseError), transaction.atomic():
        ReferenceRange.objects.filter(pk=row.pk).delete()
    assert ReferenceRange.objects.get(pk=row.pk).upper == Decimal("30")


@pytest.mark.parametrize(
    ("lower", "upper"), [(None, None), (Decimal("40"), Decimal("30"))], ids=["no bound", "reversed"]
)
def test_the_database_refuses_a_range_the_service_would(lower, upper):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferenceRange.objects.bulk_create(
            [
                ReferenceRange(
                    indicator="appeal_rate", lower=lower, upper=upper, effective_from=D(2025, 1, 1)
                )
            ]
        )


# --- the range in force ----------------------------------------------------------------------


def test_the_levels_own_range_comes_before_the_all_levels_one(office):
    everyone = put(office, upper="35", on=D(2025, 3, 1))
    basic = put(office, level=BASIC, upper="30", on=D(2025, 1, 1))
    # The all-levels row is more recent, but the basic level has its own in force.
    assert range_in_force("appeal_rate", BASIC, D(2025, 6, 30)) == basic
    assert range_in_force("appeal_rate", INTERMEDIATE, D(2025, 6, 30)) == everyone
    # The city as a whole (no level) reads the all-levels range.
    assert range_in_force("appeal_rate", None, D(2025, 6, 30)) == everyone
    # Before the basic level's own starts: nothing of its own; before either: none.
    assert range_in_force("appeal_rate", BASIC, D(2024, 12, 31)) is None
    assert range_in_force("appeal_rate", INTERMEDIATE, D(2025, 2, 28)) is None


def test_the_latest_effective_from_on_or_before_the_day_holds(office):
    early = put(office, upper="30", on=D(2025, 1, 1))
    later = put(office, upper="28", on=D(2025, 7, 1))
    future = put(office, upper="25", on=D(2026, 1, 1))
    assert range_in_force("appeal_rate", BASIC, D(2025, 6, 30)) == early
    assert range_in_force("appeal_rate", BASIC, D(2025, 7, 1)) == later
    assert range_in_force("appeal_rate", BASIC, D(2025, 12, 31)) == later  # not yet in force
    assert range_in_force("appeal_rate", BASIC, D(2026, 1, 1)) == future


def test_a_range_entered_later_for_the_same_day_replaces_it(office):
    put(office, upper="30", on=D(2025, 1, 1))
    correction = put(office, upper="29", on=D(2025, 1, 1))
    assert range_in_force("appeal_rate", BASIC, D(2025, 6, 30)) == correction


def test_ranges_in_force_for_many_pairs_in_one_query(office, django_assert_num_queries):
    everyone = put(office, upper="35")
    basic = put(office, level=BASIC, upper="30")
    within = put(office, indicator="within_limit_rate", lower="95", upper=None)
    pairs = [
        ("appeal_rate", BASIC),
        ("appeal_rate", INTERMEDIATE),
        ("appeal_rate", None),
        ("within_limit_rate", BASIC),
        ("appeal_hearing_rate", INTERMEDIATE),
    ]
    with django_assert_num_queries(1):
        found = ranges_in_force(pairs, D(2025, 6, 30))
        assert found[("appeal_rate", BASIC)].changed_by == office  # joined, no extra query
    assert found == {
        ("appeal_rate", BASIC): basic,
        ("appeal_rate", INTERMEDIATE): everyone,
        ("appeal_rate", None): everyone,
        ("within_limit_rate", BASIC): within,
        ("appeal_hearing_rate", INTERMEDIATE): None,
    }


# --- where a value stands --------------------------------------------------------------------


def test_range_status_includes_the_bounds(office):
    band = put(office, indicator="appeal_modify_remand_ratio", lower="5", upper="15")
    assert range_status(5.0, band) == RangeStatus.INSIDE
    assert range_status(15.0, band) == RangeStatus.INSIDE
    assert range_status(10, band) == RangeStatus.INSIDE
    assert range_status(4.9999, band) == RangeStatus.BELOW
    assert range_status(15.0001, band) == RangeStatus.ABOVE
    assert range_status(Decimal("15"), band) == RangeStatus.INSIDE


def test_range_status_with_one_bound(office):
    floor = put(office, indicator="within_limit_rate", lower="95", upper=None)
    ceiling = put(office, indicator="appeal_rate", lower=None, upper="30")
    assert range_status(95.0, floor) == RangeStatus.INSIDE
    assert range_status(100.0, floor) == RangeStatus.INSIDE
    assert range_status(94.99, floor) == RangeStatus.BELOW
    assert range_status(0.0, ceiling) == RangeStatus.INSIDE
    assert range_status(30.0, ceiling) == RangeStatus.INSIDE
    assert range_status(30.01, ceiling) == RangeStatus.ABOVE


def test_range_status_without_a_value_or_a_range(office):
    ceiling = put(office, upper="30")
    assert range_status(None, ceiling) == RangeStatus.NO_VALUE
    assert range_status(float("nan"), ceiling) == RangeStatus.NO_VALUE
    assert range_status(12.0, None) == RangeStatus.NO_RANGE
    assert range_status(None, None) == RangeStatus.NO_VALUE


def test_range_status_reads_a_stored_row_and_its_no_data(office):
    ceiling = put(office, upper="30")

    class Row:
        def __init__(self, value, no_data=False):
            self.value, self.no_data = value, no_data

    assert range_status(Row(31.0), ceiling) == RangeStatus.ABOVE
    assert range_status(Row(None, no_data=True), ceiling) == RangeStatus.NO_VALUE
    assert range_status(Row(None), ceiling) == RangeStatus.NO_VALUE


def test_range_states_read_each_stored_row_against_its_days_range(
    office, city_courts, django_assert_num_queries
):
    from metrics.models import IndicatorValue
    from metrics.selectors import range_states

    everyone = put(office, upper="35", on=D(2025, 1, 1))
    basic = put(office, level=BASIC, upper="30", on=D(2025, 6, 1))
    court = city_courts["苏0505"]

    def value(as_of, value, scope="court", no_data=False):
        return IndicatorValue.objects.create(
            as_of=as_of, period="ytd", scope=scope, court=court if scope == "court" else None,
            indicator="appeal_rate", numerator=1, denominator=1, value=value, no_data=no_data,
        )  # fmt: skip

    rows = [
        value(D(2025, 5, 31), 32.0),  # before the basic level's own: the all-levels range
        value(D(2025, 6, 29), 32.0),  # the basic level's own
        value(D(2025, 6, 29), 36.0, scope="city"),  # the city: all levels
        value(D(2025, 6, 28), None, no_data=True),
    ]
    rows = list(IndicatorValue.objects.select_related("court").filter(pk__in=[r.pk for r in rows]))
    rows.sort(key=lambda row: row.pk)
    with django_assert_num_queries(3):  # one per day
        states = range_states(rows)
    assert [(reference, status) for _row, reference, status in states] == [
        (everyone, RangeStatus.INSIDE),
        (basic, RangeStatus.ABOVE),
        (everyone, RangeStatus.ABOVE),
        (basic, RangeStatus.NO_VALUE),
    ]
