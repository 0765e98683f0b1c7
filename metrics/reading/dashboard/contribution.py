"""晒进度、比贡献: each unit's part in its parent's value and in its parent's gap to target.

From the stored results only (IndicatorValue and the targets in force): no case is read.

Contributions
-------------
Every indicator is value = f × N / D (f = 100 for a percentage, 1 for days and ratios; N and D
stored exact), and a parent's N and D are the sums of its children's (every case counts for one
court, one division and one judge: the engine rolls the judge rows up), so:

- **to the value**: the parent's value is Σ f × N_i / D. A child's *part* is f × N_i / D (the
  parts add up to the parent's value); its *pull* is (D_i / D) × (v_i − v), how far it moves the
  parent's value off what it would be if every child stood at the parent's value (the pulls add
  up to 0; positive raises the value — good where higher is better, bad where lower is). In
  general the pull is part − (D_i / D) × v, which also holds a child with a numerator and no
  denominator of its own (closings but no filings in 结收比): all it adds is its pull.
- **to the gap**: with the target T (the bound of full marks in force), the parent's gap in
  numerator units is, where higher is better, the missing numerator T × D / f − N (so many more
  closings, within-limit closings, recovered yuan…); where lower is better, the excess
  N − T × D / f (so many long-pending cases, trial days, proceedings too many). A child's share
  is the same expression of its own N_i and D_i — its own shortfall or excess against the same
  target. The shares add up EXACTLY to the parent's gap (computed in Decimal: T × D / 100 is
  exact); a child better than the target has a negative share: it covers part of the others'.
  A band indicator (调撤率) is measured to the bound the parent lies beyond (below the lower:
  as higher-is-better to the lower bound; above the upper: as lower-is-better to the upper);
  a parent inside its band has no gap, and every share is 0. An average (平均审理天数: total
  days over closed cases) is the same with sums: the excess days over T days per closed case.
  No target in force (结案率 outside YTD) or no parent value: no gap, only the value parts.

第一方阵 (the value that places a unit in the first third of its peers):
metrics.reading.dashboard.first_group.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from cases.units import CHILD_SCOPE, ScopeKey
from metrics.choices import Direction
from metrics.definitions.indicators import LOCAL_INDICATORS
from metrics.definitions.registry import Indicator
from metrics.models import IndicatorValue
from metrics.reading.dashboard.common import Target, TargetBook
from metrics.selectors import score_band, unit_code, unit_name

SHORTFALL, EXCESS, NONE = "shortfall", "excess", "none"


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


# --- the gap -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapBasis:
    """What a gap is measured to: `bound` (in the value's unit) and which way is short —
    SHORTFALL (the numerator should be higher), EXCESS (lower), or NONE (no gap: no target, no
    value, or a band indicator inside its band)."""

    kind: str
    bound: float | None = None

    def gap(self, indicator: Indicator, numerator, denominator) -> Decimal | None:
        """The shortfall (or excess) in numerator units of N and D against the bound: additive
        over units, exact."""
        if self.kind == NONE:
            return None if self.bound is None else Decimal(0)
        needed = _decimal(self.bound) * _decimal(denominator) / indicator.factor
        have = _decimal(numerator)
        return needed - have if self.kind == SHORTFALL else have - needed


def gap_basis(indicator: Indicator, target: Target, value: float | None) -> GapBasis:
    """The bound of full marks the gap is measured to, for a parent with `value`."""
    if target.thresholds is None or value is None:
        return GapBasis(NONE)
    low, high = target.full
    if indicator.direction == Direction.HIGHER:
        return GapBasis(SHORTFALL, low)
    if indicator.direction == Direction.LOWER:
        return GapBasis(EXCESS, high)
    if low is not None and value < low:
        return GapBasis(SHORTFALL, low)
    if high is not None and value > high:
        return GapBasis(EXCESS, high)
    return GapBasis(NONE, low)  # inside the band: a gap of 0


class KnownTargets:
    """The targets in force already read (e.g. the overview's tiles'), where a TargetBook is
    asked for: no query. An indicator it does not know has no target."""

    def __init__(self, targets: Iterable[Target]):
        self._by_slug = {target.indicator.slug: target for target in targets}

    def get(self, indicator: Indicator, period: str, day: datetime.date) -> Target:
        return self._by_slug.get(indicator.slug) or Target(indicator=indicator, thresholds=None)


Targets = TargetBook | KnownTargets  # anything with .get(indicator, period, day) -> Target


# --- contributions -------------------------------------------------------------------------


def _float(value) -> float | None:
    return None if value is None else float(value)


def contributions(
    *,
    parent: ScopeKey,
    indicator: Indicator,
    as_of: datetime.date,
    period: str,
    book: Targets | None = None,
    rows: Iterable[IndicatorValue] | None = None,
) -> dict:
    """The parent's value and gap of one indicator, and each child's part in both (two
    queries, or none with `rows`: the parent's and its children's stored rows of it).

    Children by code. `gap` and each child's `gap` are Decimals in numerator units (件, 天,
    元), positive for a shortfall or excess, negative for a child ahead of the target; they add
    up exactly. `applies`: the indicator is computed for the children's level.
    """
    book = book or TargetBook()
    target = book.get(indicator, period, as_of) if as_of else Target(indicator, None)
    child_scope = CHILD_SCOPE.get(parent.scope)
    result = {
        "indicator": indicator,
        "parent": parent,
        "as_of": as_of,
        "period": period,
        "target": target,
        "applies": child_scope is not None and child_scope in indicator.scopes,
        "own": None,
        "basis": GapBasis(NONE),
        "gap": None,
        "gap_points": None,
        "gap_abs": None,
        "children": [],
        "noun": str(indicator.nouns.numerator),
        "measure": str(indicator.nouns.measure),
    }
    if not result["applies"]:
        return result
    if rows is None:
        rows = IndicatorValue.objects.filter(
            parent.rows_q() | parent.children_q(),
            as_of=as_of,
            period=period,
            indicator=indicator.slug,
        ).select_related("court", "division", "judge")
    own, children = None, []
    for row in rows:
        if ScopeKey.of_row(row) == parent:
            own = row
        else:
            children.append(row)
    children.sort(key=lambda row: (unit_code(row), row.pk or 0))
    result["own"] = own
    if own is None:
        return result
    total_n, total_d = _decimal(own.numerator), _decimal(own.denominator)
    basis = gap_basis(indicator, target, own.value)
    gap = basis.gap(indicator, total_n, total_d)
    result.update(basis=basis, gap=gap, gap_abs=None if gap is None else abs(gap))
    if gap is not None and total_d:
        result["gap_points"] = float(gap) * indicator.factor / float(total_d)
    for row in children:
        numerator, denominator = _decimal(row.numerator), _decimal(row.denominator)
        weight = float(denominator / total_d) if total_d else None
        child_gap = basis.gap(indicator, numerator, denominator)
        part = float(numerator) * indicator.factor / float(total_d) if total_d else None
        pull = None
        if part is not None and own.value is not None:
            # part − weight × v: (D_i / D)(v_i − v), and for a child with no denominator of
            # its own (结收比 with closings but no filings) all that it adds
            pull = part - weight * own.value
        band = score_band(score=row.score, weight=row.weight)
        result["children"].append(
            {
                "row": row,
                "unit": ScopeKey.of_row(row),
                "code": unit_code(row),
                "name": unit_name(row),
                "numerator": row.numerator,
                "denominator": row.denominator,
                "value": row.value,
                "band": band,
                "weight": weight,
                "part": part,
                "pull": pull,
                "pull_tone": _pull_tone(indicator, pull),
                "gap": child_gap,
                "gap_points": (
                    float(child_gap) * indicator.factor / float(total_d)
                    if child_gap is not None and total_d
                    else None
                ),
                "gap_share": _share(child_gap, gap),
                "tone": _gap_tone(child_gap),
            }
        )
    return result


def _share(part: Decimal | None, whole: Decimal | None) -> float | None:
    """A child's share of a positive gap, in % (none of a gap that shows as 0.00: the shares of
    a remnant of rounding would be meaningless and unbounded)."""
    if part is None or whole is None or round(whole, 2) <= 0:
        return None
    return float(part / whole) * 100


def _gap_tone(gap: Decimal | None) -> str:
    if gap is None or round(gap, 2) == 0:
        return "even"
    return "behind" if gap > 0 else "ahead"


def _pull_tone(indicator: Indicator, pull: float | None) -> str:
    if pull is None or round(pull, 2) == 0 or indicator.direction == Direction.BAND:
        return "flat"
    raises_good = indicator.direction == Direction.HIGHER
    return "better" if (pull > 0) == raises_good else "worse"


def contributions_sorted(result: dict, *, ranks: bool) -> list[dict]:
    """The children as a page lists them: by their share of the gap, largest first, in the
    ranks mode; by code in the bands mode (no order by value: the SPC's rule)."""
    children = result["children"]
    if not ranks or result["gap"] is None:
        return children
    return sorted(children, key=lambda child: -(child["gap"] or 0))


def family_rows(*, parent: ScopeKey, as_of: datetime.date, period: str) -> dict[str, list]:
    """The stored rows of the parent and its children, every indicator, by slug (one query)."""
    rows = IndicatorValue.objects.filter(
        parent.rows_q() | parent.children_q(), as_of=as_of, period=period
    ).select_related("court", "division", "judge")
    family: dict[str, list] = defaultdict(list)
    for row in rows:
        family[row.indicator].append(row)
    return family


def indicators_by_gap(
    *,
    parent: ScopeKey,
    as_of: datetime.date,
    period: str,
    book: Targets | None = None,
    rows: Iterable[IndicatorValue] | None = None,
) -> list[tuple[Indicator, float]]:
    """The indicators computed for the parent's children, worst first: by the parent's gap as
    a share of its target (the gap in the value's unit over the target), those with no gap
    (met, or no target) last in registry order. One query, or none with the parent's `rows`."""
    book = book or TargetBook()
    child_scope = CHILD_SCOPE.get(parent.scope)
    if child_scope is None:
        return []
    if rows is None:
        rows = IndicatorValue.objects.filter(parent.rows_q(), as_of=as_of, period=period)
    rows = {row.indicator: row for row in rows if ScopeKey.of_row(row) == parent}
    ordered = []
    for index, indicator in enumerate(LOCAL_INDICATORS.values()):
        if child_scope not in indicator.scopes:
            continue
        row = rows.get(indicator.slug)
        severity = 0.0
        if row is not None and row.value is not None and row.denominator:
            basis = gap_basis(indicator, book.get(indicator, period, as_of), row.value)
            gap = basis.gap(indicator, row.numerator, row.denominator)
            if gap is not None and gap > 0:
                points = float(gap) * indicator.factor / float(row.denominator)
                severity = points / abs(basis.bound) if basis.bound else points
        ordered.append((indicator, severity, index))
    ordered.sort(key=lambda item: (-item[1], item[2]))
    return [(indicator, severity) for indicator, severity, _index in ordered]
