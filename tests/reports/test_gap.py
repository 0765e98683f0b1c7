"""What must happen to reach a target (应当发生的导向), from a projection's numbers."""

import datetime

from metrics.definitions.indicators import INDICATORS
from reports.gap import LIMIT, NEEDS, REACHED, REDUCE, UNREACHABLE, target_gap
from reports.projection import Projection

D = datetime.date
TODAY = D(2025, 6, 2)
END = D(2025, 6, 30)  # four weeks away


def projection(slug, *, n_now, d_now, n_end=None, d_end=None) -> Projection:
    value_now = INDICATORS[slug].factor * n_now / d_now
    return Projection(
        indicator=slug, as_of=D(2025, 6, 1), end=END, value_now=value_now, value=value_now,
        low=None, high=None, numerator_now=n_now, denominator_now=d_now, numerator=n_end,
        denominator=d_end, years=0, method="pace",
    )  # fmt: skip


def test_clearance_rate_says_how_many_cases_must_close_each_week():
    # 600 of 1,000 closed; 200 more filings expected by the end: 1,200 × 70% = 840 closed.
    gap = target_gap(
        indicator=INDICATORS["clearance_rate"],
        projection=projection("clearance_rate", n_now=600, d_now=1000, d_end=1200),
        target=70,
        today=TODAY,
    )
    assert gap.kind == NEEDS
    assert gap.amount == 240 and gap.per_week == 60
    assert "须再增加结案 240 件" in gap.text and "平均每周 60.0 件" in gap.text


def test_a_target_already_within_reach_says_so():
    gap = target_gap(
        indicator=INDICATORS["clearance_rate"],
        projection=projection("clearance_rate", n_now=900, d_now=1000, d_end=1100),
        target=80,
        today=TODAY,
    )
    assert gap.kind == REACHED


def test_a_share_of_what_is_to_come_above_all_of_it_is_unreachable():
    # Within-limit: 900 of 1,000; 100 more closings to come cannot lift it to 99%.
    gap = target_gap(
        indicator=INDICATORS["within_limit_rate"],
        projection=projection("within_limit_rate", n_now=900, d_now=1000, d_end=1100),
        target=99,
        today=TODAY,
    )
    assert gap.kind == UNREACHABLE and gap.share > 100


def test_within_limit_needs_a_share_of_the_coming_closings():
    gap = target_gap(
        indicator=INDICATORS["within_limit_rate"],
        projection=projection("within_limit_rate", n_now=950, d_now=1000, d_end=1200),
        target=96,
        today=TODAY,
    )
    # 1,200 × 96% = 1,152 within the limit: 202 more, of only 200 closings to come.
    assert gap.kind == UNREACHABLE
    # At 95.5%: 1,146, so 196 of the 200 (98%).
    gap = target_gap(
        indicator=INDICATORS["within_limit_rate"],
        projection=projection("within_limit_rate", n_now=950, d_now=1000, d_end=1200),
        target=95.5,
        today=TODAY,
    )
    assert gap.kind == NEEDS and round(gap.amount) == 196 and round(gap.share) == 98


def test_a_stock_over_its_limit_must_shrink():
    # 30 long-pending of 1,000 pending; target 2%: at most 20, so 10 fewer.
    gap = target_gap(
        indicator=INDICATORS["long_pending_share"],
        projection=projection("long_pending_share", n_now=30, d_now=1000, d_end=1000),
        target=2,
        today=TODAY,
    )
    assert gap.kind == REDUCE and round(gap.amount) == 10
    assert "须减少超12个月未结案件 10 件" in gap.text


def test_average_trial_days_gives_the_longest_average_the_coming_closings_may_take():
    # 100 closings averaging 70 days; 100 more to come; a 60-day target allows 50 on average.
    gap = target_gap(
        indicator=INDICATORS["avg_trial_days"],
        projection=projection("avg_trial_days", n_now=7000, d_now=100, d_end=200),
        target=60,
        today=TODAY,
    )
    assert gap.kind == LIMIT and gap.share == 50
    assert "不超过 50.0 天" in gap.text


def test_a_band_target_gives_both_bounds_of_the_coming_share():
    gap = target_gap(
        indicator=INDICATORS["mediation_withdrawal_rate"],
        projection=projection("mediation_withdrawal_rate", n_now=30, d_now=100, d_end=200),
        target=35,
        upper=65,
        today=TODAY,
    )
    assert (gap.amount, gap.share, gap.upper_share) == (40, 40, 100)


def test_no_numbers_no_advice():
    gap = target_gap(
        indicator=INDICATORS["clearance_rate"],
        projection=Projection("clearance_rate", D(2025, 6, 1), END, None, None, None, None,
                              None, None, None, None, 0, "none"),
        target=70,
        today=TODAY,
    )  # fmt: skip
    assert gap.kind == "unknown"
