"""The sections of a monthly review beyond the unit's own indicators: the units below and
their ranking, the biggest movers, the problems found, the supervision done, the health check's
findings. Grouped counts over the unit's cases and supervision records, or stored results."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from cases.models import Case, Court, Division, Judge
from cases.units import CHILD_SCOPE, ScopeKey
from metrics.choices import PeriodKind, Scope
from metrics.definitions.conditions import (
    AGE_BUCKETS,
    FIRST_INSTANCE,
    LITIGATION,
    REVERSED,
    WORKLOAD,
    long_pending_at,
    pending_aged,
    pending_at,
)
from metrics.definitions.indicators import INDICATORS
from metrics.reading.charts import bucket_label
from metrics.selectors import children_values, rankings, unit_name
from metrics.templatetags.metrics_display import fixed2, indicator_value
from reports.findings import finding_text, unit_title
from reports.models import Finding
from reports.selectors.daily import letter_unit_q
from supervision.choices import (
    AWAITING_ANSWER_STATES,
    OPEN_MARK_STATES,
    FourTypeCategory,
    ReviewState,
)
from supervision.models import FourTypeMark, Inquiry, Measure, Notice, Referral, ReversalReview

YTD = PeriodKind.YTD.value
MOVERS = 5
FINDING_CASES = 10  # case numbers listed per finding (all are on its page)
CHILD_FIELD = {Scope.CITY: "court_id", Scope.COURT: "division_id", Scope.DIVISION: "judge_id"}


def _text(value, indicator) -> str:
    return indicator_value(value, indicator)


def _names(scope: Scope, ids) -> dict[int, str]:
    model = {Scope.COURT: Court, Scope.DIVISION: Division, Scope.JUDGE: Judge}[scope]
    return dict(model.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


def children(unit: ScopeKey, as_of, before) -> list[dict]:
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


def movers(unit: ScopeKey, as_of, before) -> dict:
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


def problems(unit: ScopeKey, as_of, first, last) -> dict:
    cases = Case.objects.filter(unit.cases_q())
    overdue, overdue_by = _by_child(
        unit, cases.filter(WORKLOAD & pending_at(as_of), deadline__lt=as_of)
    )
    long_pending = cases.filter(LITIGATION & long_pending_at(as_of))
    # The age buckets over 12 months (litigation cases are workload cases: pending_aged's own
    # W & pending adds nothing here).
    buckets = [{"low": low, "high": high} for low, high in AGE_BUCKETS if low >= 12]
    for bucket in buckets:
        bucket["label"] = bucket_label(bucket)
        bucket["condition"] = pending_aged(as_of, bucket["low"], bucket["high"])
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
    marks = FourTypeMark.objects.filter(unit.cases_q("case__"), state__in=OPEN_MARK_STATES)
    four_type, four_type_by = _by_child(unit, marks, field_prefix="case__")
    categories = [
        {"label": row["category"], "count": row["count"]}
        for row in marks.values("category").annotate(count=Count("pk")).order_by("category")
    ]
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


def _in_month(field: str, first, last) -> Q:
    return Q(**{f"{field}__date__gte": first, f"{field}__date__lte": last})


def supervision(unit: ScopeKey, as_of, first, last) -> dict:
    result = {}
    for name, model in (("notices", Notice), ("inquiries", Inquiry)):
        rows = model.objects.sent().filter(letter_unit_q(unit, judge_field=model is Notice))
        result[name] = rows.aggregate(
            issued=Count("pk", filter=_in_month("issued_at", first, last)),
            answered=Count("pk", filter=_in_month("answered_at", first, last)),
            closed=Count("pk", filter=_in_month("closed_at", first, last)),
            overdue=Count(
                "pk",
                filter=Q(state__in=AWAITING_ANSWER_STATES, deadline__lt=as_of),
            ),
        )
    case_q = unit.cases_q("case__")
    result["reviews"] = ReversalReview.objects.filter(case_q).aggregate(
        opened=Count("pk", filter=_in_month("created_at", first, last)),
        reviewed=Count("pk", filter=_in_month("reviewed_at", first, last)),
        errors=Count("pk", filter=_in_month("reviewed_at", first, last) & Q(is_error=True)),
        awaiting=Count("pk", filter=Q(state=ReviewState.PENDING)),
    )
    result["four_type"] = FourTypeMark.objects.filter(case_q).aggregate(
        marked=Count("pk", filter=_in_month("marked_at", first, last)),
        confirmed=Count("pk", filter=_in_month("decided_at", first, last) & Q(state="confirmed")),
    )
    result["four_type"]["measures"] = (
        Measure.objects.filter(case_q).filter(_in_month("taken_at", first, last)).count()
    )
    result["four_type"]["referrals"] = (
        Referral.objects.filter(case_q).filter(_in_month("referred_at", first, last)).count()
    )
    return result


def findings(unit: ScopeKey, run) -> list[dict]:
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
