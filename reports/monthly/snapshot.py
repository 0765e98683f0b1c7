"""The content of a monthly review (月讲评), as it stands at the month's end, as JSON.

Everything the report shows is in the snapshot — numbers, their display text, unit names, the
charts' figures — so that a kept report reads the same next year whatever changes meanwhile
(imports, recomputations, renamed courts, new targets, new display rules). Numbers come from
the stored results (indicator values, scores, rankings, targets, projections, health-check
findings); the problems and the supervision done are a few grouped counts over the unit's
cases and supervision records.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils.translation import gettext as _

from cases.units import CHILD_SCOPE, ScopeKey, unit_info
from metrics.choices import IndicatorSet, PeriodKind, RankingMode, Scope
from metrics.definitions.indicators import LOCAL_INDICATORS
from metrics.definitions.periods import ONE_DAY, month_ends, quarter_of
from metrics.models import IndicatorValue, ScopeScore
from metrics.reading import dashboard
from metrics.selectors import latest_as_of, ranking_mode, score_band, shown_sets, unit_values
from metrics.templatetags.metrics_display import (
    change,
    fixed2,
    indicator_value,
    quantity,
    target_text,
    warning_text,
)
from reports.monthly import charts, sections
from reports.monthly.effects import effects_section
from reports.monthly.funnel import funnel_section
from reports.monthly.meetings import meetings_section
from reports.monthly.quality import quality_section
from reports.monthly.spc import spc_section
from reports.monthly.talks import talks_section
from reports.periods import month_bounds, year_end
from reports.projection import projections
from reports.selectors.targets import target_progress

YTD = PeriodKind.YTD.value


class NoResults(LookupError):
    """No computed indicators in that month: nothing to report on."""


def _iso(day):
    return day.isoformat() if day else None


def _text(value, indicator) -> str:
    return indicator_value(value, indicator)


def _year_target(book: dashboard.TargetBook, indicator, day: datetime.date) -> dict:
    target = book.get(indicator, YTD, day)
    low, high = target.full
    return {
        "text": target_text(target),
        "warning_text": warning_text(target),
        "low": low,
        "high": high,
        "target": target.target,
    }


def _meets(indicator, value, target: dict) -> str | None:
    """met / missed: where a (projected) value stands against a target's full-marks bounds."""
    if value is None or (target["low"] is None and target["high"] is None):
        return None
    if target["low"] is not None and value < target["low"] - 1e-9:
        return "missed"
    if target["high"] is not None and value > target["high"] + 1e-9:
        return "missed"
    return "met"


def _indicators(unit: ScopeKey, as_of, before, *, today: datetime.date) -> tuple[list, dict]:
    now = {row.indicator: row for row in unit_values(unit=unit, as_of=as_of, period=YTD)}
    then = (
        {row.indicator: row for row in unit_values(unit=unit, as_of=before, period=YTD)}
        if before
        else {}
    )
    last_year = {
        row.indicator: row.value
        for row in IndicatorValue.objects.filter(
            unit.rows_q(), period=YTD, as_of=dashboard.same_day_last_year(as_of)
        ).only("indicator", "value")
    }
    book = dashboard.TargetBook()
    end = year_end(as_of)
    projected = projections(units=[unit], period=YTD, as_of=as_of, end=end)
    year, quarter = quarter_of(as_of)
    progress = {
        row.indicator.slug: row
        for row in target_progress(
            units=[unit], year=year, quarter=quarter, today=today, all_indicators=False
        )[unit]
    }
    rows = []
    for slug, indicator in LOCAL_INDICATORS.items():
        if unit.scope not in indicator.scopes:
            continue
        row, previous = now.get(slug), then.get(slug)
        value = row.value if row else None
        delta = (
            value - previous.value
            if value is not None and previous is not None and previous.value is not None
            else None
        )
        band = score_band(score=row.score, weight=row.weight) if row else None
        projection = projected.get((unit, slug))
        year_target = _year_target(book, indicator, end)
        entry = {
            "slug": slug,
            "number": indicator.number,
            "label": str(indicator.label),
            "unit": indicator.unit,
            "direction": indicator.direction,
            "value": value,
            "value_text": _text(value, indicator),
            "numerator_text": quantity(row.numerator) if row else "—",
            "denominator_text": quantity(row.denominator) if row else "—",
            "score": row.score if row else None,
            "weight": row.weight if row else None,
            "score_text": (
                f"{fixed2(row.score)} / {fixed2(row.weight)}"
                if row and row.score is not None
                else "—"
            ),
            "band": band.value if band else None,
            "band_label": str(band.label) if band else "",
            "previous_text": _text(previous.value if previous else None, indicator),
            "change": delta,
            "change_text": change(delta, indicator),
            "tone": dashboard.change_tone(indicator, delta),
            "last_year_text": _text(last_year.get(slug), indicator),
            "target_text": target_text(book.get(indicator, YTD, as_of)),
            "year_target": year_target,
            "projection": None,
            "quarter": None,
        }
        if projection is not None and projection.value is not None:
            entry["projection"] = {
                "value": projection.value,
                "low": projection.low,
                "high": projection.high,
                "value_text": _text(projection.value, indicator),
                "band_text": (
                    f"{_text(projection.low, indicator)} – {_text(projection.high, indicator)}"
                    if projection.has_band
                    else "—"
                ),
                "method": projection.method,
                "years": projection.years,
                "meets": _meets(indicator, projection.value, year_target),
            }
        quarter_row = progress.get(slug)
        if quarter_row is not None and quarter_row.target is not None:
            target = quarter_row.target
            target_shown = _text(float(target.target), indicator)
            if target.upper_target is not None:
                target_shown += f"–{_text(float(target.upper_target), indicator)}"
            entry["quarter"] = {
                "target_text": target_shown,
                "basis": target.get_basis_display(),
                "status": quarter_row.status,
                "status_label": quarter_row.status_label,
                "projected_text": _text(
                    quarter_row.projection.value if quarter_row.projection else None, indicator
                ),
                "gap_text": quarter_row.gap.text if quarter_row.gap else "",
            }
        rows.append(entry)
    return rows, {"year": year, "quarter": quarter}


def _score(unit: ScopeKey, as_of, before) -> dict:
    scores = {
        row.as_of: row
        for row in ScopeScore.objects.filter(
            unit.rows_q(), period=YTD, as_of__in=[day for day in (as_of, before) if day]
        )
    }
    now, then = scores.get(as_of), scores.get(before)
    ranks = ranking_mode() is RankingMode.RANKS
    total = now.total if now else None
    previous = then.total if then else None
    return {
        "total": total,
        "total_text": fixed2(total),
        "previous_text": fixed2(previous),
        "change": total - previous if total is not None and previous is not None else None,
        "change_text": (
            f"{total - previous:+.2f}" if total is not None and previous is not None else "—"
        ),
        "rank": now.rank if now and ranks else None,
        "peers": now.peers if now and ranks else None,
        "previous_rank": then.rank if then and ranks else None,
        "scored": now.scored if now else 0,
    }


def monthly_snapshot(*, unit: ScopeKey, month: datetime.date, health_run=None) -> dict:
    """The whole monthly review of `unit` for `month` (its first day), as JSON primitives."""
    first, last = month_bounds(month)
    as_of = latest_as_of(YTD, last)
    if as_of is None or as_of < first:
        raise NoResults(f"no computed indicators in {first:%Y-%m}")
    info = unit_info(unit)
    if info is None:
        raise NoResults("no such unit")
    before = latest_as_of(YTD, first - ONE_DAY)
    indicators, quarter = _indicators(unit, as_of, before, today=as_of + ONE_DAY)
    children = sections.children(unit, as_of, before)
    months = dashboard.monthly_flow(unit=unit, as_of=as_of)
    series = _month_end_series(unit, as_of)
    # The top unit's review is its courts': 全市法院 (全省法院 in a province).
    title = (
        info.title if unit.scope is not Scope.CITY else _("%(top)s法院") % {"top": info.top_name}
    )
    content = {
        "version": 1,
        "month": first.strftime("%Y-%m"),
        "month_label": _("%(year)d年%(month)d月") % {"year": first.year, "month": first.month},
        "first": _iso(first),
        "last": _iso(last),
        "as_of": _iso(as_of),
        "previous_as_of": _iso(before),
        "year_end": _iso(year_end(as_of)),
        "unit": {
            "scope": unit.scope.value,
            "scope_label": str(unit.scope.label),
            "name": info.name,
            "title": title,
            "child_label": str(CHILD_SCOPE[unit.scope].label) if unit.scope in CHILD_SCOPE else "",
        },
        "ranking_mode": ranking_mode().value,
        "score": _score(unit, as_of, before),
        "indicators": indicators,
        "quarter": quarter,
        "children": children,
        "movers": sections.movers(unit, as_of, before),
        "problems": sections.problems(unit, as_of, first, last),
        "supervision": sections.supervision(unit, as_of, first, last),
        "findings": sections.findings(unit, health_run),
        "health_as_of": _iso(health_run.as_of) if health_run else None,
        "talks": talks_section(unit, as_of or last, first, last),
        "quality": quality_section(unit, first, last),
        "meetings": meetings_section(unit, first),
        "effects": effects_section(unit, first, last),
        "funnel": funnel_section(unit=unit, as_of=as_of, mode=ranking_mode()),
        # issue 14: the SPC's 2024 set against its reference ranges (None: the set not shown).
        "spc": spc_section(unit, title, as_of),
        # Whether the local eleven (scores, targets, ranks) were shown when it was kept: a city
        # that shows the SPC's set alone gets a review without them.
        "local_shown": IndicatorSet.LOCAL in shown_sets(),
        "flow": [
            {key: (_iso(value) if key == "end" else value) for key, value in month_row.items()}
            for month_row in months
        ],
    }
    content["figures"] = charts.figures(content, series)
    return content


def _month_end_series(unit: ScopeKey, as_of) -> dict[str, list]:
    """Each indicator's YTD value at this year's month ends up to `as_of`, and at `as_of`."""
    ends = month_ends(as_of)
    rows = IndicatorValue.objects.filter(unit.rows_q(), period=YTD, as_of__in=ends).values_list(
        "indicator", "as_of", "value"
    )
    series: dict[str, list] = defaultdict(list)
    for slug, day, value in sorted(rows, key=lambda row: row[1]):
        series[slug].append((day.isoformat(), value))
    return series
