"""Long-pending cases: age buckets (gross calendar age from filing), the 30/60/90-day outlook,
clearance campaigns. Today is 2025-06-30 (tests/conftest.py)."""

import datetime

import pytest

from cases.choices import Role
from cases.keyset import keyset_page
from supervision import selectors, services
from supervision.choices import AgeBucket
from supervision.models import CampaignCase
from supervision.views.longpending import LIST_KEYS
from tests.factories import CaseFactory, UserFactory
from tests.plans import reads_in_order

D = datetime.date


@pytest.fixture
def aged(world):
    """One pending case per boundary, named by its age on 2025-06-30."""
    filed = {
        "12m": D(2024, 6, 30),  # exactly 12 months: not yet long-pending
        "12m1d": D(2024, 6, 29),
        "18m": D(2023, 12, 30),  # exactly 18 months: still 12–18
        "18m1d": D(2023, 12, 29),
        "24m1d": D(2023, 6, 29),
        "36m": D(2022, 6, 30),  # exactly 36 months: still 24–36
        "36m1d": D(2022, 6, 29),
    }
    cases = {name: world.new_case(filed_on=day) for name, day in filed.items()}
    CaseFactory(
        judge=world.judge,
        filed_on=D(2020, 1, 1),
        closed_on=D(2025, 1, 1),
        closing_method="judgment",
    )
    return cases


def test_pending_cases_fall_into_age_buckets_at_their_boundaries(world, aged):
    office = world.user(Role.OFFICE)
    by_case = {
        case.case_number: case.age_bucket for case in selectors.long_pending_cases(user=office)
    }
    assert by_case == {
        aged["12m1d"].case_number: AgeBucket.M12_18,
        aged["18m"].case_number: AgeBucket.M12_18,
        aged["18m1d"].case_number: AgeBucket.M18_24,
        aged["24m1d"].case_number: AgeBucket.M24_36,
        aged["36m"].case_number: AgeBucket.M24_36,
        aged["36m1d"].case_number: AgeBucket.M36_PLUS,
    }
    [counts] = selectors.long_pending_counts(user=office)
    assert counts == {"12_18": 2, "18_24": 1, "24_36": 2, "36_plus": 1, "total": 6}


def test_bucket_counts_and_lists_agree_and_follow_scope(world, aged):
    head = world.user(Role.DIVISION_HEAD)
    [row] = selectors.long_pending_counts(user=head, by="judge")
    assert row["judge_id"] == world.judge.pk and row["total"] == 6
    for bucket in AgeBucket:
        listed = selectors.long_pending_cases(user=head, bucket=bucket).count()
        assert listed == row[bucket.value]
    colleague = UserFactory(role=Role.JUDGE, judge=world.colleague, court=world.court)
    assert selectors.long_pending_counts(user=colleague)[0]["total"] == 0


def test_a_case_filed_on_a_month_end_ages_by_calendar_months(world):
    case = world.new_case(filed_on=D(2024, 2, 29))  # + 12 months = 2025-02-28
    office = world.user(Role.OFFICE)
    assert not selectors.long_pending_cases(user=office, day=D(2025, 2, 28)).filter(pk=case.pk)
    assert selectors.long_pending_cases(user=office, day=D(2025, 3, 1)).filter(pk=case.pk)


def test_a_past_day_counts_the_cases_closed_since_as_pending_then(world, aged):
    """On a day before a case's closing it was pending: the list and the counts of that day
    take it (the general form of pending_filed_by); today's leave it out (pending now)."""
    day = D(2025, 3, 1)
    office = world.user(Role.OFFICE)
    closed_since = CaseFactory(
        judge=world.judge,
        filed_on=D(2023, 1, 10),
        closed_on=D(2025, 5, 1),
        closing_method="judgment",
    )
    assert selectors.closed_after(day) and not selectors.closed_after(D(2025, 6, 30))
    then = list(selectors.long_pending_cases(user=office, day=day))
    assert closed_since.pk in {case.pk for case in then}
    assert [(c.filed_key, c.case_number) for c in then] == sorted(
        (c.filed_on, c.case_number) for c in then
    )
    [counts] = selectors.long_pending_counts(user=office, day=day)
    assert counts["total"] == len(then)
    now = list(selectors.long_pending_cases(user=office))
    assert closed_since.pk not in {case.pk for case in now}
    assert {case.pk for case in now} == {
        aged[name].pk for name in ("12m1d", "18m", "18m1d", "24m1d", "36m", "36m1d")
    }


def test_todays_list_pages_through_the_pending_cases_in_filing_order(world, aged):
    """With no case closed after today, the list is the pending cases alone, keyed by
    case_pending_filed_idx's expression: paged two at a time, it gives every long-pending case
    once, oldest filing first, case number within a day."""
    office = world.user(Role.OFFICE)
    twin = world.new_case(filed_on=aged["18m1d"].filed_on)  # same day: ordered by case number
    cases = selectors.long_pending_cases(user=office)
    seen, after = [], None
    while True:
        page = keyset_page(cases, LIST_KEYS, after=after, size=2)
        seen += [(case.filed_on, case.case_number) for case in page]
        if not page.has_next:
            break
        after = page.next_cursor
    assert len(seen) == 7 and twin.case_number in {number for _day, number in seen}
    assert seen == sorted(seen)


def test_todays_list_is_read_from_the_pending_filing_index_in_its_order(world, aged):
    """The first page of a province's long-pending list is read from case_pending_filed_idx in
    its order, not every long-pending case read and sorted (190 ms at 20,000,000 cases): with
    PostgreSQL kept off sorts and off scans that hold no order (tests.plans), the plan reads
    the index and sorts nothing but the ties of a day.
    The top unit's list (every court: no unit condition) is the one this is for; a unit's
    few cases PostgreSQL reads from its unit's index and sorts."""
    top = UserFactory(is_superuser=True)
    page = selectors.long_pending_cases(user=top).order_by(*[key.ordering for key in LIST_KEYS])
    in_order, plan = reads_in_order(page[:51], "case_pending_filed_idx")
    assert in_order, plan
    assert "Presorted Key: (CASE WHEN" in plan, plan  # the index's order, ties sorted


def test_the_outlook_counts_cases_crossing_12_24_36_months_within_30_60_90_days(world):
    office = world.user(Role.OFFICE)
    # crossing 12 months: more than 12 months old from the day after filed_on + 12 months
    world.new_case(filed_on=D(2024, 6, 30))  # crosses on 2025-07-01: within 30
    world.new_case(filed_on=D(2024, 7, 30))  # filed_on + 12m = 2025-07-30: crosses 07-31, day 31
    world.new_case(filed_on=D(2024, 9, 27))  # + 12m = 2025-09-27 < 2025-09-28 (day 90): within 90
    world.new_case(filed_on=D(2024, 9, 28))  # crosses on 2025-09-29: day 91, not within 90
    world.new_case(filed_on=D(2023, 7, 15))  # crosses 24 months on 2025-07-16
    world.new_case(filed_on=D(2022, 8, 20))  # crosses 36 months on 2025-08-21: day 52
    world.new_case(filed_on=D(2024, 6, 29))  # already over 12 months: not a crossing
    outlook = selectors.long_pending_outlook(user=office)
    assert outlook == {
        12: {30: 1, 60: 2, 90: 3},
        24: {30: 1, 60: 1, 90: 1},
        36: {30: 0, 60: 1, 90: 1},
    }
    listed = selectors.long_pending_outlook_cases(user=office, threshold=12, horizon=60)
    assert [case.threshold_on for case in listed] == [D(2025, 6, 30), D(2025, 7, 30)]


def test_a_campaign_freezes_its_list_at_the_start_and_counts_down_as_cases_close(world, aged):
    office = world.user(Role.OFFICE)
    campaign = services.campaign_start(
        name="三年以上清零",
        court=world.court,
        min_months=24,
        target_on=D(2025, 12, 31),
        actor=office,
    )
    assert set(campaign.entries.values_list("case_id", flat=True)) == {
        aged["24m1d"].pk,
        aged["36m"].pk,
        aged["36m1d"].pk,
    }
    world.new_case(filed_on=D(2021, 1, 1))  # long-pending, but after the start: not added
    entry = CampaignCase.objects.get(case=aged["36m1d"])
    assert entry.bucket_at_start == AgeBucket.M36_PLUS
    services.campaign_case_assign(
        entry=entry, leader=world.user(Role.COURT_LEADER), target_on=D(2025, 9, 30), actor=office
    )
    aged["36m1d"].closed_on = D(2025, 6, 30)
    aged["36m1d"].closing_method = "judgment"
    aged["36m1d"].save()
    progress = selectors.campaign_progress(user=office, campaign=campaign)
    assert progress["total"] == 3
    assert progress["closed"] == 1
    assert progress["remaining"] == 2
    assert progress["unassigned"] == 2
    assert progress["by_bucket"]["36_plus"] == {"total": 1, "closed": 1}
