"""Reads of reversal review (发改再评查): the quarterly report per division or judge."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cases.choices import Outcome
from metrics.definitions.periods import quarter_bounds
from supervision.choices import ReasonClass, ReviewState, ReviewTrigger, Severity
from supervision.models import ReversalReview

REPORT_GROUPINGS = {
    "division": ("case__court__code", "case__division_id", "case__division__name"),
    "judge": (
        "case__court__code",
        "case__division_id",
        "case__division__name",
        "case__judge_id",
        "case__judge__name",
    ),
}
REPORT_COUNTS = {
    "total": Q(),
    "modified": Q(outcome=Outcome.MODIFIED),
    "remanded": Q(outcome=Outcome.REMANDED),
    "on_appeal": Q(trigger=ReviewTrigger.APPEAL),
    "on_retrial": Q(trigger=ReviewTrigger.RETRIAL),
    "awaiting_review": Q(state=ReviewState.PENDING),
    **{f"reason_{reason.value}": Q(reason_class=reason) for reason in ReasonClass},
    "errors": Q(is_error=True),
    **{
        f"severity_{severity.value}": Q(severity=severity)
        for severity in Severity
        if severity != Severity.NONE
    },
    "objected": Q(objected_at__isnull=False),
    "objection_answered": Q(state=ReviewState.ANSWERED),
}


def report_columns() -> list[tuple[str, str]]:
    """The count columns of the review report, in REPORT_COUNTS order, with their headers (the
    page's; the workbook names the first one 评查案件数)."""
    return [
        ("total", _("评查案件")),
        ("modified", _("改判")),
        ("remanded", _("发回重审")),
        ("on_appeal", _("二审")),
        ("on_retrial", _("再审")),
        ("awaiting_review", _("待评查")),
        *((f"reason_{reason.value}", str(reason.label)) for reason in ReasonClass),
        ("errors", _("差错")),
        *(
            (f"severity_{severity.value}", str(severity.label))
            for severity in Severity
            if severity != Severity.NONE
        ),
        ("objected", _("提出异议")),
        ("objection_answered", _("异议已答复")),
    ]


def review_report(*, user, year: int, quarter: int, by: str = "division") -> list[dict]:
    """Per division (or judge) of the original cases: the reviews of cases reversed or remanded
    in the quarter, by outcome, trigger, reason class, error and severity, objections."""
    first, last = quarter_bounds(year, quarter)
    fields = REPORT_GROUPINGS[by]
    return list(
        ReversalReview.objects.in_scope(user)
        .filter(decided_on__range=(first, last))
        .values(*fields)
        .annotate(
            **{name: Count("id", filter=condition) for name, condition in REPORT_COUNTS.items()}
        )
        .order_by(*fields)
    )
