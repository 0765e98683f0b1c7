"""The funnel plots' control limits (metrics.reading.funnel) against an independent reference:
scipy's binomial, Poisson and beta distributions, at small and large n (issue 12, item 7)."""

import math

import pytest
from scipy import stats

from metrics.choices import Direction
from metrics.reading.funnel_limits import (
    BINOMIAL,
    DAYS,
    MODELS,
    POISSON,
    QUANTILES,
    binomial_limits,
    control_limits,
    flag_of,
    poisson_limits,
)

SIZES = (1, 3, 10, 37, 100, 512, 2_000, 25_000)


def reference_binomial(n: int, p: float, q: float) -> float:
    """Spiegelhalter's interpolated exact limit, computed with scipy: r = ppf(q), α = (F(r) − q)
    / P(r), (r − α) / n, clamped to [0, 1]."""
    r = stats.binom.ppf(q, n, p)
    alpha = (stats.binom.cdf(r, n, p) - q) / stats.binom.pmf(r, n, p)
    return min(max((r - alpha) / n, 0.0), 1.0)


def reference_poisson(exposure: float, rate: float, q: float) -> float:
    mean = exposure * rate
    r = stats.poisson.ppf(q, mean)
    alpha = (stats.poisson.cdf(r, mean) - q) / stats.poisson.pmf(r, mean)
    return max(r - alpha, 0.0) / exposure


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("p", [0.004, 0.05, 0.35, 0.5, 0.93, 0.998])
def test_binomial_limits_match_scipy(n, p):
    mine = binomial_limits(n, p)
    reference = [reference_binomial(n, p, q) for q in QUANTILES]
    assert mine == pytest.approx(reference, rel=1e-9, abs=1e-12)
    assert mine == sorted(mine)  # 99.8% low ≤ 95% low ≤ 95% high ≤ 99.8% high


@pytest.mark.parametrize("n", [5, 40, 300, 4_000])
def test_the_binomial_step_is_the_quantile_that_the_beta_inverse_gives(n):
    """The uninterpolated limit r is the least count with P(X ≤ r) ≥ q; by the beta–binomial
    identity P(X ≤ k) = 1 − I_p(k + 1, n − k), so r is where the beta CDF crosses 1 − q."""
    p = 0.12
    for q in QUANTILES:
        r = int(stats.binom.ppf(q, n, p))
        assert 1 - stats.beta.cdf(p, r + 1, n - r) >= q - 1e-12
        if r > 0:
            assert 1 - stats.beta.cdf(p, r, n - r + 1) < q
        limit = binomial_limits(n, p, [q])[0] * n
        # The interpolated limit lies in (r − 1, r]: the step it smooths.
        assert r - 1 - 1e-9 <= limit <= r + 1e-9


@pytest.mark.parametrize("exposure", [1, 4, 25, 300, 5_000, 60_000])
@pytest.mark.parametrize("rate", [0.02, 0.3, 1.0, 1.27, 65.0])
def test_poisson_limits_match_scipy(exposure, rate):
    mine = poisson_limits(exposure, rate)
    reference = [reference_poisson(exposure, rate, q) for q in QUANTILES]
    assert mine == pytest.approx(reference, rel=1e-7, abs=1e-12)


def test_rates_in_percent_are_binomial_limits_times_100():
    limits = control_limits(BINOMIAL, centre=92.0, n=150, factor=100)
    reference = [100 * reference_binomial(150, 0.92, q) for q in QUANTILES]
    assert list(limits) == pytest.approx(reference, rel=1e-9)


def test_days_are_quasi_poisson_limits_widened_by_the_dispersion():
    theta, n, phi = 62.5, 40, 35.0
    limits = control_limits(DAYS, centre=theta, n=n, dispersion=phi)
    reference = [
        max(theta + math.sqrt(phi) * (reference_poisson(n, theta, q) - theta), 0.0)
        for q in QUANTILES
    ]
    assert list(limits) == pytest.approx(reference, rel=1e-9)
    plain = control_limits(DAYS, centre=theta, n=n, dispersion=1.0)
    assert list(plain) == pytest.approx([reference_poisson(n, theta, q) for q in QUANTILES])


def test_the_case_to_proceeding_ratio_counts_the_excess_over_one():
    model = MODELS["case_to_proceeding_ratio"]
    limits = control_limits(model, centre=1.3, n=500)
    reference = [1 + reference_poisson(500, 0.3, q) for q in QUANTILES]
    assert list(limits) == pytest.approx(reference, rel=1e-9)
    assert MODELS["closed_to_filed_ratio"] is POISSON
    assert MODELS["enforcement_recovery_rate"] is None  # money: no case-count model


def test_the_funnel_narrows_as_units_grow():
    widths = [
        (lambda lim: lim[3] - lim[0])(control_limits(BINOMIAL, centre=80, n=n, factor=100))
        for n in (10, 100, 1_000, 10_000)
    ]
    assert widths == sorted(widths, reverse=True)


def test_only_the_bad_side_is_flagged():
    limits = (80.0, 85.0, 95.0, 98.0)
    assert flag_of(Direction.HIGHER, 79.0, limits) == ("alarm", "low")
    assert flag_of(Direction.HIGHER, 84.0, limits) == ("alert", "low")
    assert flag_of(Direction.HIGHER, 85.0, limits) == (None, None)  # on the limit: inside
    assert flag_of(Direction.HIGHER, 99.0, limits) == (None, None)  # better than expected
    assert flag_of(Direction.LOWER, 99.0, limits) == ("alarm", "high")
    assert flag_of(Direction.LOWER, 96.0, limits) == ("alert", "high")
    assert flag_of(Direction.LOWER, 10.0, limits) == (None, None)
    assert flag_of(Direction.BAND, 79.0, limits) == ("alarm", "low")
    assert flag_of(Direction.BAND, 99.0, limits) == ("alarm", "high")
    assert flag_of(Direction.HIGHER, None, limits) == (None, None)


def test_degenerate_centres_give_flat_limits():
    assert binomial_limits(50, 0.0) == [0.0] * 4
    assert binomial_limits(50, 1.0) == [1.0] * 4
    assert poisson_limits(50, 0.0) == [0.0] * 4
    assert all(math.isnan(limit) for limit in binomial_limits(0, 0.5))
