"""The overview of a unit: eleven tiles, the total, and the international companions."""

from __future__ import annotations

import datetime
from collections import defaultdict

from cases.units import ScopeKey
from metrics.choices import Direction, RankingMode, ScoreBand
from metrics.definitions.conditions import AGE_BUCKETS
from metrics.definitions.indicators import LOCAL_INDICATORS
from metrics.definitions.periods import Period
from metrics.definitions.registry import Indicator
from metrics.models import IndicatorValue, PendingAgeProfile
from metrics.reading.dashboard.common import (
    WEEK,
    YTD,
    TargetBook,
    band_colour,
    by_indicator,
    rounded,
    score_rows,
)
from metrics.selectors import ranking_mode, score_band, unit_values


def _change(now: IndicatorValue | None, before: IndicatorValue | None) -> float | None:
    if now is None or before is None or now.value is None or before.value is None:
        return None
    return now.value - before.value


def change_tone(indicator: Indicator, change: float | None) -> str:
    """better / worse / flat: whether a change moved the value the indicator's good way."""
    if change is None or rounded(change) == 0 or indicator.direction == Direction.BAND:
        return "flat"
    better = change > 0 if indicator.direction == Direction.HIGHER else change < 0
    return "better" if better else "worse"


def year_series(*, unit: ScopeKey, as_of: datetime.date) -> dict[str, list[tuple]]:
    """The daily YTD values of every indicator of a unit from 1 January to `as_of` (one query),
    for the sparklines."""
    rows = (
        IndicatorValue.objects.filter(
            unit.rows_q(), period=YTD, as_of__gte=as_of.replace(month=1, day=1), as_of__lte=as_of
        )
        .order_by("as_of")
        .values_list("indicator", "as_of", "value")
    )
    series: dict[str, list[tuple]] = defaultdict(list)
    for slug, day, value in rows:
        series[slug].append((day, value))
    return series


def overview(*, unit: ScopeKey, as_of: datetime.date, period: str) -> dict:
    """The eleven tiles of a unit (value, target, score, change against the week before, the
    year's sparkline), its total score and rank (or bands), and the international companions."""
    week_before = as_of - WEEK
    now = by_indicator(unit_values(unit=unit, as_of=as_of, period=period))
    before = by_indicator(unit_values(unit=unit, as_of=week_before, period=period))
    series = year_series(unit=unit, as_of=as_of)
    book = TargetBook()
    tiles = []
    for indicator in LOCAL_INDICATORS.values():
        row = now.get(indicator.slug)
        band = score_band(score=row.score, weight=row.weight) if row else None
        change = _change(row, before.get(indicator.slug))
        tiles.append(
            {
                "indicator": indicator,
                "row": row,
                "applies": unit.scope in indicator.scopes,
                "target": book.get(indicator, period, as_of),
                "band": band,
                "colour": band_colour(band),
                "change": change,
                "tone": change_tone(indicator, change),
                "series": series.get(indicator.slug, []),
            }
        )
    scores = score_rows(unit, [as_of, week_before], period)
    score, score_before = scores.get(as_of), scores.get(week_before)
    bands = {band: 0 for band in ScoreBand}
    for tile in tiles:
        if tile["band"] is not None:
            bands[tile["band"]] += 1
    return {
        "tiles": tiles,
        "score": score,
        "score_before": score_before,
        "total_change": (
            score.total - score_before.total
            if score and score_before and score.total is not None and score_before.total is not None
            else None
        ),
        "bands": [{"band": band, "count": count} for band, count in bands.items()],
        "ranks": ranking_mode() is RankingMode.RANKS,
        "companions": companions(values=now, period=Period.of(period, as_of)),
        "computed": bool(now),
    }


# International companions (CourTools measures 2-4, CEPEJ clearance rate and disposition time)


def companions(*, values: dict[str, IndicatorValue], period: Period) -> dict:
    """Clearance rate and disposition time, from the stored values alone (no case query).

    - resolved = W closed in P and incoming = W filed in P: the numerator and denominator of
      结收比 (closed_to_filed_ratio), so CEPEJ's clearance rate (resolved / incoming) is 结收比;
    - pending at the end = W pending at start + W filed − W closed in P: the denominator minus
      the numerator of 结案率 (clearance_rate), since every case closed in P was pending at the
      start or filed in P;
    - disposition time = 365 × pending at end / resolved over a year. For a shorter period the
      resolved count is annualised (× 365 / days of P), which gives days(P) × pending / resolved.
    """
    flow, clearance = values.get("closed_to_filed_ratio"), values.get("clearance_rate")
    if flow is None or clearance is None:
        return {}
    resolved, incoming = int(flow.numerator), int(flow.denominator)
    pending_end = int(clearance.denominator - clearance.numerator)
    days = (period.end - period.start).days + 1
    return {
        "resolved": resolved,
        "incoming": incoming,
        "pending_end": pending_end,
        "days": days,
        "clearance_rate": 100 * resolved / incoming if incoming else None,
        "disposition_time": days * pending_end / resolved if resolved else None,
    }


def pending_age_profile(*, unit: ScopeKey, as_of: datetime.date, period: str) -> list[dict]:
    """W cases pending at `as_of`, by gross age since filing (0–6, 6–12, 12–18, 18–24, 24–36,
    over 36 months), as the computation stored them (metrics.definitions.conditions.pending_aged
    gives each bucket's cases). Empty when that day was computed before profiles were stored."""
    row = (
        PendingAgeProfile.objects.filter(unit.rows_q(), as_of=as_of, period=period)
        .values_list("counts", flat=True)
        .first()
    )
    if row is None:
        return []
    total = sum(row)
    return [
        {
            "low": low,
            "high": high,
            "count": count,
            "share": 100 * count / total if total else None,
        }
        for (low, high), count in zip(AGE_BUCKETS, row, strict=True)
    ]
