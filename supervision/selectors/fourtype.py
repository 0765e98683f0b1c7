"""Reads of four-type supervision: the trail of a case, the ledger (台账)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from cases.dates import today
from cases.models import Case, Court, Division
from cases.units import case_reached
from supervision.choices import FourTypeCategory, MarkState
from supervision.models import FourTypeMark, Measure, Notice, TraceEntry


def case_timeline(*, user, case: Case) -> QuerySet[TraceEntry]:
    """Every step on the trail of a case, oldest first: its own entries and those of the
    notices about it. Empty when the case is out of the user's reach."""
    if not case_reached(user, case):
        return TraceEntry.objects.none()
    notices = Notice.cases.through.objects.filter(case_id=case.pk).values("notice_id")
    return (
        TraceEntry.objects.filter(Q(case_id=case.pk) | Q(notice_id__in=notices))
        .select_related("actor")
        .order_by("at", "id")
    )


def letter_trail(*, letter) -> QuerySet[TraceEntry]:
    """The steps of a notice or inquiry (the caller has found it in scope)."""
    return TraceEntry.objects.filter(**{letter._meta.model_name: letter}).order_by("at", "id")


def ledger_rows(*, user, day: datetime.date | None = None) -> list[dict]:
    """台账: per court, division and category — open marks of pending cases (confirmed and
    awaiting confirmation), measures awaiting a response and overdue ones. Scoped."""
    day = day or today()
    units = ("case__court_id", "case__division_id")
    marks = (
        FourTypeMark.objects.in_scope(user)
        .open()
        .filter(case__closed_on__isnull=True)
        .values(*units, "category")
        .annotate(
            open_marks=Count("id"),
            confirmed=Count("id", filter=Q(state=MarkState.CONFIRMED)),
            awaiting_confirmation=Count(
                "id", filter=Q(state__in=[MarkState.SUGGESTED, MarkState.MARKED])
            ),
        )
    )
    measures = (
        Measure.objects.in_scope(user)
        .awaiting_response()
        .values(*units, "mark__category")
        .annotate(
            awaiting_response=Count("id"),
            overdue_responses=Count("id", filter=Q(deadline__lt=day)),
        )
    )
    rows: dict[tuple, dict] = {}

    def row(court_id, division_id, category) -> dict:
        return rows.setdefault(
            (court_id, division_id, category),
            {
                "court_id": court_id,
                "division_id": division_id,
                "category": category,
                "open_marks": 0,
                "confirmed": 0,
                "awaiting_confirmation": 0,
                "awaiting_response": 0,
                "overdue_responses": 0,
            },
        )

    for item in marks:
        row(item["case__court_id"], item["case__division_id"], item["category"]).update(
            open_marks=item["open_marks"],
            confirmed=item["confirmed"],
            awaiting_confirmation=item["awaiting_confirmation"],
        )
    for item in measures:
        row(item["case__court_id"], item["case__division_id"], item["mark__category"]).update(
            awaiting_response=item["awaiting_response"],
            overdue_responses=item["overdue_responses"],
        )
    courts = Court.objects.in_bulk({key[0] for key in rows})
    divisions = Division.objects.in_bulk({key[1] for key in rows})
    labels = dict(FourTypeCategory.choices)
    result = []
    for key in sorted(rows, key=lambda k: (courts[k[0]].code, divisions[k[1]].name, k[2] or 0)):
        item = rows[key]
        item["court_code"] = courts[key[0]].code
        item["court_name"] = courts[key[0]].name
        item["division_name"] = divisions[key[1]].name
        item["category_label"] = str(labels.get(item["category"], ""))
        result.append(item)
    return result


def open_marks(*, user) -> QuerySet[FourTypeMark]:
    """The open marks of pending cases in scope, for the ledger's case list."""
    return (
        FourTypeMark.objects.in_scope(user)
        .open()
        .filter(case__closed_on__isnull=True)
        .select_related("case", "case__court", "case__division", "case__judge", "marked_by")
        .order_by("category", "case__filed_on", "id")
    )


def overdue_measures(*, user, day: datetime.date | None = None) -> QuerySet[Measure]:
    return (
        Measure.objects.in_scope(user)
        .overdue(day or today())
        .select_related("case", "case__judge", "taken_by")
        .order_by("deadline", "id")
    )
