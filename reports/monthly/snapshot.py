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

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cases.models import Court, Division, Judge
from metrics import dashboard
from metrics.choices import PeriodKind, RankingMode, Scope
from metrics.conditions import FIRST_INSTANCE, LITIGATION, REVERSED, WORKLOAD, pending_at
from metrics.models import IndicatorValue, ScopeScore
from metrics.periods import ONE_DAY, add_months, long_pending_cutoff
from metrics.registry import INDICATORS
from metrics.scopes import CHILD_SCOPE, ScopeKey
from metrics.selectors import (
    children_values,
    ranking_mode,
    rankings,
    score_band,
    unit_name,
    unit_values,
)
from metrics.templatetags.metrics_display import (
    change,
    fixed2,
    indicator_value,
    quantity,
    target_text,
    warning_text,
)
from reports.findings import finding_text, unit_title
from reports.models import Finding
from reports.monthly import charts
from reports.periods import month_bounds, months_before, quarter_of, year_end
from reports.projection import projections
from reports.selectors.targets import target_progress
from supervision.choices import OPEN_MARK_STATES, ReviewState
from supervision.models import (
    FourTypeMark,
    Inquiry,
    Measure,
    Notice,
    Referral,
    ReversalReview,
)

YTD = PeriodKind.YTD.value
MOVERS = 5
FINDING_CASES = 10  # case numbers listed per finding (all are on its page)
CHILD_FIELD = {Scope.CITY: "court_id", Scope.COURT: "division_id", Scope.DIVISION: "judge_id"}
LONG_BUCKETS = ((12, 18), (18, 24), (24, 36), (36, None))


class NoResults(LookupError):
    """No computed indicators in that month: nothing to report on."""


def _iso(day):
    return day.isoformat() if day else None


def _number(value):
    return None if value is None else float(value)


def _text(value, indicator) -> str:
    return indicator_value(value, indicator)


def _names(scope: Scope, ids) -> dict[int, str]:
    model = {Scope.COURT: Court, Scope.DIVISION: Division, Scope.JUDGE: Judge}[scope]
    return dict(model.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


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
            units=[unit], year=year, quarter=quarter, today=as_of + ONE_DAY, all_indicators=False
        )[unit]
    }
    rows = []
    for slug, indicator in INDICATORS.items():
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


def _children(unit: ScopeKey, as_of, before) -> list[dict]:
    if unit.scope is Scope.JUDGE:
        return []
    rows = rankings(parent=unit, as_of=as_of, period=YTD)
    earlier = (
        {row["unit"]: row for row in rankings(parent=unit, as_of=before, period=YTD)}
        if before
        else {}
    )
    result = []
    for row in rows:
        previous = earlier.get(row["unit"])
        entry = {
            "name": row["name"],
            "code": row["code"],
            "total": row["total"],
            "total_text": fixed2(row["total"]),
            "rank": row["rank"],
            "peers": row["peers"],
            "previous_rank": previous["rank"] if previous else None,
            "change_text": (
                f"{row['total'] - previous['total']:+.2f}"
                if previous and row["total"] is not None and previous["total"] is not None
                else "—"
            ),
        }
        if "bands" in row:
            entry["met"] = sum(1 for band in row["bands"].values() if band == "met")
        result.append(entry)
    return result


def _movers(unit: ScopeKey, as_of, before) -> dict:
    """The units below whose indicator scores moved most over the month, up and down."""
    if unit.scope is Scope.JUDGE or before is None:
        return {"up": [], "down": []}
    now = children_values(unit=unit, as_of=as_of, period=YTD)
    then = {
        (ScopeKey.of_row(row), row.indicator): row
        for row in children_values(unit=unit, as_of=before, period=YTD)
    }
    moves = []
    for row in now:
        previous = then.get((ScopeKey.of_row(row), row.indicator))
        if previous is None or row.score is None or previous.score is None:
            continue
        indicator = INDICATORS[row.indicator]
        moves.append(
            {
                "unit": unit_name(row),
                "indicator": str(indicator.label),
                "value_text": _text(row.value, indicator),
                "previous_text": _text(previous.value, indicator),
                "score_change": row.score - previous.score,
                "score_change_text": f"{row.score - previous.score:+.2f}",
                "weight": row.weight,
            }
        )
    moves.sort(key=lambda move: move["score_change"])
    return {
        "up": [move for move in reversed(moves[-MOVERS:]) if move["score_change"] > 0],
        "down": [move for move in moves[:MOVERS] if move["score_change"] < 0],
    }


def _by_child(unit: ScopeKey, queryset, field_prefix: str = "") -> tuple[int, list[dict]]:
    """A count, and the same count per unit one level down (largest first)."""
    total = queryset.count()
    child_field = CHILD_FIELD.get(unit.scope)
    if child_field is None or not total:
        return total, []
    rows = (
        queryset.values(f"{field_prefix}{child_field}")
        .annotate(count=Count("pk"))
        .order_by("-count")
    )
    names = _names(CHILD_SCOPE[unit.scope], [row[f"{field_prefix}{child_field}"] for row in rows])
    return total, [
        {"name": names.get(row[f"{field_prefix}{child_field}"], "—"), "count": row["count"]}
        for row in rows
    ]


def _problems(unit: ScopeKey, as_of, first, last) -> dict:
    from cases.models import Case

    cases = Case.objects.filter(unit.cases_q())
    overdue, overdue_by = _by_child(
        unit, cases.filter(WORKLOAD & pending_at(as_of), deadline__lt=as_of)
    )
    long_pending = cases.filter(LITIGATION & pending_at(as_of)).filter(
        filed_on__lte=long_pending_cutoff(as_of)
    )
    buckets = []
    for low, high in LONG_BUCKETS:
        condition = Q(filed_on__lte=months_before(as_of, low))
        if high is not None:
            condition &= Q(filed_on__gt=months_before(as_of, high))
        buckets.append(
            {
                "label": (
                    _("%(low)d–%(high)d个月") % {"low": low, "high": high}
                    if high
                    else _("%(low)d个月以上") % {"low": low}
                ),
                "condition": condition,
            }
        )
    counts = long_pending.aggregate(
        **{f"b{i}": Count("pk", filter=b["condition"]) for i, b in enumerate(buckets)}
    )
    long_total, long_by = _by_child(unit, long_pending)
    reversed_ = cases.filter(
        (
            FIRST_INSTANCE
            & Q(
                effective_appeal_outcome__in=REVERSED,
                effective_appeal_decided_on__range=(first, last),
            )
        )
        | (
            LITIGATION
            & Q(
                effective_retrial_outcome__in=REVERSED,
                effective_retrial_decided_on__range=(first, last),
            )
        )
    )
    reversals, reversals_by = _by_child(unit, reversed_)
    marks = FourTypeMark.objects.filter(
        state__in=OPEN_MARK_STATES, **{f"case__{k}": v for k, v in _case_ids(unit).items()}
    )
    four_type, four_type_by = _by_child(unit, marks, field_prefix="case__")
    categories = [
        {"label": row["category"], "count": row["count"]}
        for row in marks.values("category").annotate(count=Count("pk")).order_by("category")
    ]
    from supervision.choices import FourTypeCategory

    for row in categories:
        row["label"] = str(FourTypeCategory(row["label"]).label)
    return {
        "overdue": {"count": overdue, "by": overdue_by[:10]},
        "long_pending": {
            "count": long_total,
            "by": long_by[:10],
            "buckets": [
                {"label": b["label"], "count": counts[f"b{i}"]} for i, b in enumerate(buckets)
            ],
        },
        "reversals": {"count": reversals, "by": reversals_by[:10]},
        "four_type": {"count": four_type, "by": four_type_by[:10], "categories": categories},
    }


def _case_ids(unit: ScopeKey) -> dict:
    ids = {"court_id": unit.court_id, "division_id": unit.division_id, "judge_id": unit.judge_id}
    return {name: value for name, value in ids.items() if value is not None}


def _in_month(field: str, first, last) -> Q:
    return Q(**{f"{field}__date__gte": first, f"{field}__date__lte": last})


def _supervision(unit: ScopeKey, as_of, first, last) -> dict:
    letters_q = Q(**{k: v for k, v in _case_ids(unit).items() if k != "judge_id"})
    result = {}
    for name, model in (("notices", Notice), ("inquiries", Inquiry)):
        rows = model.objects.sent().filter(letters_q)
        if unit.judge_id is not None:
            rows = rows.filter(judge_id=unit.judge_id) if model is Notice else rows.none()
        result[name] = rows.aggregate(
            issued=Count("pk", filter=_in_month("issued_at", first, last)),
            answered=Count("pk", filter=_in_month("answered_at", first, last)),
            closed=Count("pk", filter=_in_month("closed_at", first, last)),
            overdue=Count(
                "pk",
                filter=Q(state__in=["sent", "acknowledged", "returned"], deadline__lt=as_of),
            ),
        )
    case_q = {f"case__{k}": v for k, v in _case_ids(unit).items()}
    result["reviews"] = ReversalReview.objects.filter(**case_q).aggregate(
        opened=Count("pk", filter=_in_month("created_at", first, last)),
        reviewed=Count("pk", filter=_in_month("reviewed_at", first, last)),
        errors=Count("pk", filter=_in_month("reviewed_at", first, last) & Q(is_error=True)),
        awaiting=Count("pk", filter=Q(state=ReviewState.PENDING)),
    )
    result["four_type"] = FourTypeMark.objects.filter(**case_q).aggregate(
        marked=Count("pk", filter=_in_month("marked_at", first, last)),
        confirmed=Count("pk", filter=_in_month("decided_at", first, last) & Q(state="confirmed")),
    )
    result["four_type"]["measures"] = (
        Measure.objects.filter(**case_q).filter(_in_month("taken_at", first, last)).count()
    )
    result["four_type"]["referrals"] = (
        Referral.objects.filter(**case_q).filter(_in_month("referred_at", first, last)).count()
    )
    return result


def _findings(unit: ScopeKey, run) -> list[dict]:
    if run is None:
        return []
    rows = (
        Finding.objects.filter(run=run)
        .within(unit)
        .select_related("court", "division", "judge")
        .order_by("kind", "court__code", "division__name", "judge__staff_id", "subject")
    )
    found = list(rows)
    samples: dict[int, list] = defaultdict(list)
    links = (
        Finding.cases.through.objects.filter(finding__in=found)
        .select_related("case")
        .order_by("finding_id", "case__case_number")
        .values_list("finding_id", "case_id", "case__case_number")
    )
    for finding_id, case_id, number in links:
        if len(samples[finding_id]) < FINDING_CASES:
            samples[finding_id].append({"id": case_id, "number": number})
    return [
        {
            "id": finding.pk,
            "kind": finding.kind,
            "kind_label": finding.get_kind_display(),
            "unit": unit_title(court=finding.court, division=finding.division, judge=finding.judge),
            "scope": finding.scope,
            "text": finding_text(
                kind=finding.kind,
                value=finding.value,
                reference=finding.reference,
                facts=finding.facts,
            ),
            "case_count": finding.case_count,
            "cases": samples[finding.pk],
        }
        for finding in found
    ]


def monthly_snapshot(*, unit: ScopeKey, month: datetime.date, health_run=None) -> dict:
    """The whole monthly review of `unit` for `month` (its first day), as JSON primitives."""
    first, last = month_bounds(month)
    as_of = dashboard.as_of_resolve(YTD, last)
    if as_of is None or as_of < first:
        raise NoResults(f"no computed indicators in {first:%Y-%m}")
    info = dashboard.unit_info(unit)
    if info is None:
        raise NoResults("no such unit")
    before = dashboard.as_of_resolve(YTD, first - ONE_DAY)
    indicators, quarter = _indicators(unit, as_of, before, today=as_of + ONE_DAY)
    children = _children(unit, as_of, before)
    months = dashboard.monthly_flow(unit=unit, as_of=as_of)
    series = _month_end_series(unit, as_of)
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
            # The city's review is the city's courts': 全市法院.
            "title": info.title if unit.scope is not Scope.CITY else _("全市法院"),
            "child_label": str(CHILD_SCOPE[unit.scope].label) if unit.scope in CHILD_SCOPE else "",
        },
        "ranking_mode": ranking_mode().value,
        "score": _score(unit, as_of, before),
        "indicators": indicators,
        "quarter": quarter,
        "children": children,
        "movers": _movers(unit, as_of, before),
        "problems": _problems(unit, as_of, first, last),
        "supervision": _supervision(unit, as_of, first, last),
        "findings": _findings(unit, health_run),
        "health_as_of": _iso(health_run.as_of) if health_run else None,
        "flow": [
            {key: (_iso(value) if key == "end" else value) for key, value in month_row.items()}
            for month_row in months
        ],
    }
    content["figures"] = charts.figures(content, series)
    return content


def _month_end_series(unit: ScopeKey, as_of) -> dict[str, list]:
    """Each indicator's YTD value at this year's month ends up to `as_of`, and at `as_of`."""
    ends = []
    day = add_months(datetime.date(as_of.year, 1, 1), 1) - ONE_DAY
    while day < as_of:
        ends.append(day)
        day = add_months(day.replace(day=1), 2) - ONE_DAY
    ends.append(as_of)
    rows = IndicatorValue.objects.filter(unit.rows_q(), period=YTD, as_of__in=ends).values_list(
        "indicator", "as_of", "value"
    )
    series: dict[str, list] = defaultdict(list)
    for slug, day, value in sorted(rows, key=lambda row: row[1]):
        series[slug].append((day.isoformat(), value))
    return series
