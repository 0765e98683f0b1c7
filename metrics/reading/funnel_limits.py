"""The funnel plots' statistics (metrics.reading.funnel): the model of each indicator, exact
binomial and Poisson control limits with Spiegelhalter's interpolation, and the flags. Pure Python
and numpy; scipy is the tests' independent reference (tests/metrics/test_funnel_limits.py). The
choices are explained in metrics.reading.funnel's docstring.
"""

from __future__ import annotations

import math

import numpy as np

from metrics.choices import Direction
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.registry import Indicator
from metrics.definitions.traits import (  # noqa: F401 - re-exported
    BINOMIAL,
    DAYS,
    POISSON,
    FunnelModel,
)

ALERT_Q = (0.025, 0.975)  # 95%: 提示
ALARM_Q = (0.001, 0.999)  # 99.8%: 报警
QUANTILES = (ALARM_Q[0], ALERT_Q[0], ALERT_Q[1], ALARM_Q[1])
# Beyond this many standard deviations from the mean the distribution's mass is far below any
# quantile asked for (< 1e-30): the exact pmf is computed on that window only.
WINDOW_SD = 12


# The models are traits of the indicators (Indicator.funnel_model); MODELS is derived from them.
Model = FunnelModel
MODELS: dict[str, Model | None] = {
    slug: indicator.funnel_model for slug, indicator in INDICATORS.items()
}


def model_of(indicator: Indicator) -> Model | None:
    return indicator.funnel_model


# --- exact distributions, pure Python and numpy (scipy is the tests' independent reference) --


def _lgamma(values: np.ndarray) -> np.ndarray:
    return np.fromiter((math.lgamma(v) for v in values), dtype=float, count=len(values))


def _binomial_pmf(n: int, p: float) -> tuple[np.ndarray, np.ndarray]:
    """(k, P(X = k)) for X ~ Binomial(n, p), 0 < p < 1, on the window holding all its mass."""
    mean, sd = n * p, math.sqrt(n * p * (1 - p))
    low = max(0, math.floor(mean - WINDOW_SD * sd - 10))
    high = min(n, math.ceil(mean + WINDOW_SD * sd + 10))
    k = np.arange(low, high + 1, dtype=float)
    log_pmf = (
        math.lgamma(n + 1)
        - _lgamma(k + 1)
        - _lgamma(n - k + 1)
        + k * math.log(p)
        + (n - k) * math.log1p(-p)
    )
    return k, np.exp(log_pmf)


def _poisson_pmf(mean: float) -> tuple[np.ndarray, np.ndarray]:
    sd = math.sqrt(mean)
    low = max(0, math.floor(mean - WINDOW_SD * sd - 10))
    high = math.ceil(mean + WINDOW_SD * sd + 10)
    k = np.arange(low, high + 1, dtype=float)
    return k, np.exp(-mean + k * math.log(mean) - _lgamma(k + 1))


def interpolated_quantiles(k: np.ndarray, pmf: np.ndarray, qs) -> list[float]:
    """Spiegelhalter's interpolated quantiles of a discrete distribution: r − α, where r is the
    least k with F(k) ≥ q and α = (F(r) − q) / P(r)."""
    cdf = np.cumsum(pmf)
    result = []
    for q in qs:
        index = min(int(np.searchsorted(cdf, q - 1e-12, side="left")), len(k) - 1)
        alpha = (cdf[index] - q) / pmf[index] if pmf[index] > 0 else 0.0
        result.append(float(k[index] - alpha))
    return result


def binomial_limits(n: int, p: float, qs=QUANTILES) -> list[float]:
    """Limits on a proportion (0–1) for n cases around p."""
    if n <= 0:
        return [math.nan for _q in qs]
    if p <= 0 or p >= 1:
        return [min(max(p, 0.0), 1.0) for _q in qs]
    k, pmf = _binomial_pmf(int(n), p)
    return [min(max(r / n, 0.0), 1.0) for r in interpolated_quantiles(k, pmf, qs)]


def poisson_limits(exposure: float, rate: float, qs=QUANTILES) -> list[float]:
    """Limits on a rate per unit of exposure (count / exposure) around `rate`."""
    if exposure <= 0:
        return [math.nan for _q in qs]
    if rate <= 0:
        return [0.0 for _q in qs]
    k, pmf = _poisson_pmf(exposure * rate)
    return [max(r, 0.0) / exposure for r in interpolated_quantiles(k, pmf, qs)]


def control_limits(
    model: Model, *, centre: float, n: float, factor: float = 1, dispersion: float = 1.0
) -> tuple[float, float, float, float]:
    """(99.8% low, 95% low, 95% high, 99.8% high) in the indicator's own units (× factor)."""
    theta = centre / factor
    if model.kind == "binomial":
        limits = binomial_limits(round(n), theta)
    elif model.kind == "poisson":
        limits = [model.base + r for r in poisson_limits(n, theta - model.base)]
    else:
        spread = math.sqrt(max(dispersion, 0.0))
        limits = [theta + spread * (r - theta) for r in poisson_limits(n, theta)]
        limits = [max(limit, 0.0) for limit in limits]
    return tuple(limit * factor for limit in limits)


def flag_of(direction: str, value: float | None, limits) -> tuple[str | None, str | None]:
    """("alarm" | "alert" | None, "low" | "high" | None): beyond which limit, on which side, on
    the indicator's bad side only (a band indicator: either side)."""
    if value is None or limits is None or any(math.isnan(limit) for limit in limits):
        return None, None
    alarm_low, alert_low, alert_high, alarm_high = limits
    sides = {
        Direction.HIGHER: ("low",),
        Direction.LOWER: ("high",),
        Direction.BAND: ("low", "high"),
    }[Direction(direction)]
    eps = 1e-9
    if "low" in sides and value < alert_low - eps:
        return ("alarm" if value < alarm_low - eps else "alert"), "low"
    if "high" in sides and value > alert_high + eps:
        return ("alarm" if value > alarm_high + eps else "alert"), "high"
    return None, None
