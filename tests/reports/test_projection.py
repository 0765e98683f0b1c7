"""Projections (必然发生的趋势) on data with a known trend: the value the period really ends with
lands inside the projected band, and the band is narrow enough to say something."""

import datetime

import pytest

from cases.units import ScopeKey
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.periods import add_months
from metrics.models import IndicatorValue
from metrics.services import metrics_compute
from reports.projection import load_points, project, projections
from tests.reports.generate import trend_city

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2025, 6, 30)
YEAR_END = D(2025, 12, 31)
CHECKED = {
    # indicator: widest band (in its unit) that still says something
    "closed_to_filed_ratio": 30.0,
    "clearance_rate": 20.0,
    "within_limit_rate": 10.0,
    "avg_trial_days": 30.0,
    "mediation_withdrawal_rate": 15.0,
    "first_instance_acceptance_rate": 15.0,
}


def month_ends(year: int, months) -> list[datetime.date]:
    return [add_months(D(year, month, 1), 1) - datetime.timedelta(days=1) for month in months]


def compute(days):
    for day in days:
        metrics_compute(as_of=day, periods=["ytd"])


def truth(unit: ScopeKey, slug: str, day: datetime.date) -> float:
    return IndicatorValue.objects.get(unit.rows_q(), indicator=slug, period="ytd", as_of=day).value


@pytest.fixture
def seasonal_court():
    """2022–2025 of a court with growing filings and a year-end push of closings; the stored
    history a court has after two years of nightly runs (month ends), and the year's truth."""
    trend_city(start=D(2022, 1, 1), end=YEAR_END, seed=11)
    days = []
    for year in (2023, 2024):
        days += month_ends(year, [4, 5, 6, 12])
    days += month_ends(2025, range(1, 7))
    compute(days)
    compute([YEAR_END])  # what really happened, for the test only
    IndicatorValue.objects.filter(as_of=YEAR_END).update(as_of=D(2099, 12, 31))
    from cases.models import Court

    return ScopeKey("court", Court.objects.get(code="苏0505").pk)


def test_year_end_projection_lands_inside_its_band_with_a_year_end_push(seasonal_court):
    unit = seasonal_court
    result = projections(units=[unit], period="ytd", as_of=AS_OF, end=YEAR_END)
    for slug, widest in CHECKED.items():
        projection = result[(unit, slug)]
        actual = truth(unit, slug, D(2099, 12, 31))
        assert projection.method == "seasonal" and projection.years == 2, slug
        assert projection.contains(actual), (slug, actual, projection)
        assert projection.high - projection.low < widest, (slug, projection)
        assert projection.low <= projection.value <= projection.high


def test_past_years_pattern_sees_the_year_end_push_that_the_pace_alone_misses(seasonal_court):
    unit = seasonal_court
    indicator = INDICATORS["clearance_rate"]
    frame = load_points(units=[unit], period="ytd", as_of=AS_OF, end=YEAR_END)
    frame = frame[frame["indicator"] == indicator.slug]
    seasonal = project(frame, indicator=indicator, period="ytd", as_of=AS_OF, end=YEAR_END)
    this_year = frame[frame["day"] >= D(2025, 1, 1)]
    pace = project(this_year, indicator=indicator, period="ytd", as_of=AS_OF, end=YEAR_END)
    assert pace.method == "pace" and seasonal.method == "seasonal"
    actual = truth(unit, indicator.slug, D(2099, 12, 31))
    assert abs(seasonal.value - actual) < abs(pace.value - actual)
    assert pace.value < actual  # the push closes more than the summer's pace says


def test_without_past_years_the_pace_projection_of_a_steady_court_lands_in_its_band():
    """One year only: projected from 30 June to the quarter's end."""
    trend_city(
        start=D(2024, 9, 1),
        end=D(2025, 9, 30),
        seed=5,
        growth=0.0,
        year_end_push=0.0,
        seasons=False,
    )
    # What the nightly runs leave: month ends, and the days of the last thirteen weeks.
    days = month_ends(2025, range(1, 6))
    days += [AS_OF - datetime.timedelta(days=7 * week) for week in range(0, 14)]
    compute(sorted(set(days)))
    unit = ScopeKey.city()
    end = D(2025, 9, 30)
    result = projections(units=[unit], period="ytd", as_of=AS_OF, end=end)
    compute([end])
    # Without past years the band is wider: it knows only this year's own misses.
    widest = {"closed_to_filed_ratio": 40.0, "clearance_rate": 15.0, "avg_trial_days": 30.0}
    for slug, width in widest.items():
        projection = result[(unit, slug)]
        assert projection.method == "pace" and projection.has_band
        assert projection.contains(truth(unit, slug, end)), (slug, projection)
        assert projection.high - projection.low < width, (slug, projection)


def test_no_stored_value_on_the_day_gives_no_projection():
    trend_city(start=D(2025, 1, 1), end=D(2025, 3, 31), seed=3)
    compute([D(2025, 2, 28)])
    result = projections(units=[ScopeKey.city()], period="ytd", as_of=AS_OF, end=YEAR_END)
    projection = result[(ScopeKey.city(), "clearance_rate")]
    assert projection.method == "none" and projection.value is None and not projection.has_band


def test_a_period_already_over_projects_its_own_value():
    trend_city(start=D(2025, 1, 1), end=D(2025, 3, 31), seed=3)
    compute([D(2025, 3, 31)])
    unit = ScopeKey.city()
    day = D(2025, 3, 31)
    projection = projections(units=[unit], period="ytd", as_of=day, end=day)[
        (unit, "clearance_rate")
    ]
    assert projection.method == "final"
    assert (
        projection.value == projection.low == projection.high == truth(unit, "clearance_rate", day)
    )
