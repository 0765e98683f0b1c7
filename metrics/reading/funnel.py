"""Fair comparison without rankings (issue 12, item 7): funnel plots.

For the bands mode (the SPC's 2024 rule against circulating rankings), each unit one level down
is plotted by its value against its size (the indicator's denominator), with control limits
around the parent's value at 95% and 99.8%. Only units beyond a limit on the indicator's bad
side are flagged: beyond 99.8% an alarm (报警), beyond 95% an alert (提示). A unit inside the
funnel is not "better" or "worse" than another inside it: its difference is what chance gives a
unit of its size. No order of units is made anywhere here: points and lists are by code.

The model per indicator (`MODELS`; documented on the page, in the API and in the tests):

- **binomial** — a share of cases (the numerator's cases are among the denominator's): exact
  binomial limits with Spiegelhalter's interpolation (Statistics in Medicine 2005; the method of
  England's public-health funnel plots): r is the q-quantile of Binomial(n, θ) (the least r with
  F(r) ≥ q), α = (F(r) − q) / P(r), limit = (r − α) / n, clamped to [0, 1]. Interpolation keeps
  the limits smooth in n instead of stepping with the discrete counts; at small n it is the
  exact distribution, not a normal approximation.
- **poisson** — a count per unit of exposure whose numerator is not a subset of the denominator
  (结收比: closings per filing; 案-件比: proceedings per original case, where the excess over 1 is
  counted): exact Poisson quantiles of Poisson(n · (θ − base)), with the same interpolation.
- **days** — an average of trial days (sum of days / cases): quasi-Poisson. The total days of a
  unit of n cases is taken as Poisson(n · θ) (exact quantiles, interpolated, divided by n), and
  the limits are widened by √φ around θ, where φ = variance / mean of the trial days of the
  parent's own cases (days are far more dispersed than a Poisson count: φ is typically 20–60).
  Bootstrap was rejected: it needs random draws in a request, and at the sizes here the
  quasi-Poisson limits agree with it closely while staying reproducible and cheap.
- money sums (执行到位率, a ratio of amounts) have no case-count model: not plotted.

A band indicator (调撤率) is flagged on both sides; a higher-is-better one only below the lower
limits; a lower-is-better one only above the upper limits.

Case-mix adjustment (optional, `adjusted=True`): indirect standardisation over strata of
category × procedure × track (cases.choices). Expected E = Σ over strata of the parent's stratum
rate × the unit's stratum denominator; the unit's adjusted value is θ × O / E (O: its observed
numerator), plotted on the same funnel at its own n (the "risk-adjusted rate" of surgical
funnel plots; the null variance of O is at most that of Binomial(n, E/n), so the limits are
exact or slightly conservative). This reads the parent's cases in one grouped query, with the
very conditions that computed the stored numbers; the unadjusted funnel reads stored values only.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Avg, Q, Variance

from cases.models import Case
from cases.units import CHILD_SCOPE, ScopeKey
from metrics.choices import PeriodKind, Scope
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.periods import Period
from metrics.definitions.registry import Indicator
from metrics.models import IndicatorValue
from metrics.reading.funnel_limits import (  # noqa: F401 - the funnel's statistics, re-exported
    ALARM_Q,
    ALERT_Q,
    BINOMIAL,
    DAYS,
    MODELS,
    POISSON,
    QUANTILES,
    Model,
    binomial_limits,
    control_limits,
    flag_of,
    interpolated_quantiles,
    model_of,
    poisson_limits,
)
from metrics.selectors import children_values, unit_code, unit_name

CURVE_POINTS = 80
STRATA = ("category", "procedure", "track")


# --- the funnel of one indicator under one parent ----------------------------------------


@dataclass
class Point:
    unit: ScopeKey
    code: str
    name: str
    numerator: float
    denominator: float
    value: float | None  # as stored (unadjusted) or θ × O / E (adjusted), × factor
    raw_value: float | None
    expected: float | None = None  # adjusted: E
    limits: tuple | None = None
    flag: str | None = None
    side: str | None = None


@dataclass
class Funnel:
    indicator: Indicator
    model: Model
    parent: ScopeKey
    as_of: datetime.date
    period: str
    centre: float | None
    adjusted: bool = False
    dispersion: float = 1.0
    points: list[Point] = field(default_factory=list)
    curve: list[dict] = field(default_factory=list)  # {"n", "limits"}

    @property
    def flagged(self) -> list[Point]:
        return [point for point in self.points if point.flag]

    @property
    def factor(self) -> int:
        return self.indicator.factor


def applies(indicator: Indicator, parent: ScopeKey) -> bool:
    """A funnel needs a model and units one level down for which the indicator is computed."""
    child = CHILD_SCOPE.get(parent.scope)
    return model_of(indicator) is not None and child is not None and child in indicator.scopes


def _grid(sizes: list[float]) -> list[float]:
    """Sizes at which the funnel's curves are drawn, geometric (the funnel narrows fastest at
    small n)."""
    positive = [size for size in sizes if size and size > 0]
    if not positive:
        return []
    # From half the smallest unit (and at most a fifth of the largest: units of one size still
    # show the funnel's shape) to a bit past the largest.
    high = max(positive) * 1.1
    low = max(1.0, min(min(positive) * 0.5, high / 5))
    if high <= low:
        high = low + 1
    grid = np.unique(np.round(np.geomspace(low, high, CURVE_POINTS)))
    return [float(size) for size in grid]


def _dispersion(indicator: Indicator, parent: ScopeKey, period: Period) -> float:
    """φ = variance / mean of the trial days of the parent's cases in the denominator."""
    measure = indicator.numerator(period)
    stats = Case.objects.filter(parent.cases_q(), measure.condition).aggregate(
        mean=Avg(measure.field), variance=Variance(measure.field, sample=True)
    )
    if not stats["mean"] or stats["variance"] is None:
        return 1.0
    return float(stats["variance"]) / float(stats["mean"])


def _child_fields(parent: ScopeKey) -> list[str]:
    depth = {Scope.CITY: 1, Scope.COURT: 2, Scope.DIVISION: 3}[parent.scope]
    return ["court_id", "division_id", "judge_id"][:depth]


def strata_counts(indicators: list[Indicator], parent: ScopeKey, period: Period) -> dict:
    """{slug: {child unit: {stratum: [numerator, denominator]}}} over the parent's cases, one
    grouped query for every indicator asked, by the indicators' own conditions."""
    fields = _child_fields(parent)
    aggregates, conditions = {}, Q(pk__in=[])
    for index, indicator in enumerate(indicators):
        for part in ("numerator", "denominator"):
            measure = indicator.measure(part, period)
            aggregates[f"m{index}_{part}"] = measure.aggregate()
            conditions |= measure.condition
    rows = (
        Case.objects.filter(parent.cases_q())
        .filter(conditions)
        .values(*fields, *STRATA)
        .annotate(**aggregates)
        .order_by()
    )
    child_scope = CHILD_SCOPE[parent.scope]
    result: dict = {indicator.slug: defaultdict(dict) for indicator in indicators}
    for row in rows:
        ids = [row[name] for name in fields]
        if any(value is None for value in ids):
            continue
        unit = ScopeKey(child_scope, *ids)
        stratum = tuple(row[name] for name in STRATA)
        for index, indicator in enumerate(indicators):
            numerator = float(row[f"m{index}_numerator"] or 0)
            denominator = float(row[f"m{index}_denominator"] or 0)
            if numerator or denominator:
                result[indicator.slug][unit][stratum] = [numerator, denominator]
    return result


def _adjust(funnel: Funnel, strata: dict) -> None:
    """Indirect standardisation: each point's value becomes θ × O / E (see the module)."""
    base = funnel.model.base
    pooled: dict = defaultdict(lambda: [0.0, 0.0])
    for by_stratum in strata.values():
        for stratum, (numerator, denominator) in by_stratum.items():
            pooled[stratum][0] += numerator
            pooled[stratum][1] += denominator
    total_numerator = sum(numerator for numerator, _d in pooled.values())
    total_denominator = sum(denominator for _n, denominator in pooled.values())
    if not total_denominator:
        return
    theta = total_numerator / total_denominator
    rate = {s: (num / den if den else 0.0) for s, (num, den) in pooled.items()}
    for point in funnel.points:
        by_stratum = strata.get(point.unit, {})
        observed = sum(num - base * den for num, den in by_stratum.values())
        expected = sum((rate[s] - base) * den for s, (_num, den) in by_stratum.items())
        point.expected = expected
        if expected > 0:
            point.value = (base + (theta - base) * observed / expected) * funnel.factor
        else:
            point.value = None


def _finish(funnel: Funnel) -> Funnel:
    """Limits at each unit's own size (its flag) and along the curve."""
    if funnel.centre is None:
        return funnel
    kwargs = {"factor": funnel.factor, "dispersion": funnel.dispersion}
    for point in funnel.points:
        if point.denominator > 0:
            point.limits = control_limits(
                funnel.model, centre=funnel.centre, n=point.denominator, **kwargs
            )
            point.flag, point.side = flag_of(funnel.indicator.direction, point.value, point.limits)
    funnel.curve = [
        {"n": size, "limits": control_limits(funnel.model, centre=funnel.centre, n=size, **kwargs)}
        for size in _grid([point.denominator for point in funnel.points])
    ]
    return funnel


def funnels(
    *,
    parent: ScopeKey,
    as_of: datetime.date,
    period: str = PeriodKind.YTD,
    adjusted: bool = False,
    indicators: list[Indicator] | None = None,
) -> list[Funnel]:
    """The funnel of every indicator asked (default: all that apply) for the units directly
    below `parent`, from the stored values (and, adjusted, one grouped query over cases)."""
    chosen = [
        indicator
        for indicator in (indicators or list(INDICATORS.values()))
        if applies(indicator, parent)
    ]
    if not chosen:
        return []
    slugs = [indicator.slug for indicator in chosen]
    centres = dict(
        IndicatorValue.objects.filter(
            parent.rows_q(), as_of=as_of, period=period, indicator__in=slugs
        ).values_list("indicator", "value")
    )
    by_slug: dict[str, list] = defaultdict(list)
    for row in children_values(unit=parent, as_of=as_of, period=period).filter(indicator__in=slugs):
        by_slug[row.indicator].append(row)
    the_period = Period.of(period, as_of)
    strata = strata_counts(chosen, parent, the_period) if adjusted else {}
    result = []
    for indicator in chosen:
        model = model_of(indicator)
        funnel = Funnel(
            indicator=indicator,
            model=model,
            parent=parent,
            as_of=as_of,
            period=period,
            centre=centres.get(indicator.slug),
            adjusted=adjusted,
        )
        if model.kind == "days" and funnel.centre is not None:
            funnel.dispersion = _dispersion(indicator, parent, the_period)
        funnel.points = [
            Point(
                unit=ScopeKey.of_row(row),
                code=unit_code(row),
                name=unit_name(row),
                numerator=float(row.numerator),
                denominator=float(row.denominator),
                value=row.value,
                raw_value=row.value,
            )
            for row in by_slug[indicator.slug]
            if row.denominator > 0
        ]
        if adjusted:
            _adjust(funnel, strata.get(indicator.slug, {}))
        result.append(_finish(funnel))
    return result


def funnel(*, indicator: Indicator, parent: ScopeKey, as_of, period=PeriodKind.YTD, adjusted=False):
    """One indicator's funnel, or None where it does not apply."""
    found = funnels(
        parent=parent, as_of=as_of, period=period, adjusted=adjusted, indicators=[indicator]
    )
    return found[0] if found else None


def flagged(found: list[Funnel]) -> list[tuple[Funnel, Point]]:
    """Every flagged unit, by indicator (registry order), then unit code — never by value."""
    return [(item, point) for item in found for point in sorted(item.flagged, key=lambda p: p.code)]
