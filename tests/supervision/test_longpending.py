"""Long-pending cases: age buckets (gross calendar age from filing), the 30/60/90-day outlook,
clearance campaigns. Today is 2025-06-30 (tests/conftest.py)."""

import datetime

import pytest

from cases.choices import Role
from supervision import selectors, services
from supervision.choices import AgeBucket
from supervision.models import CampaignCase
from tests.factories import CaseFactory, UserFactory

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
