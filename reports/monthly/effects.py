"""The monthly review's section 跟踪问效: the actions started in the month with the unit or units
inside it, the 30/60/90-day checks that fell in the month (by kind of action: how many were
better than their untouched peers, the targeted cases closed) and the checks themselves. Kept in
the review's content under "effects" (a review kept before this section existed has no such key:
the template shows nothing)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, Sum

from cases.units import ScopeKey, top_unit_name
from metrics.definitions.indicators import INDICATORS
from metrics.templatetags.metrics_display import change
from supervision.choices import EffectSource
from supervision.models import EffectCheck, EffectTrack

LISTED = 20


def _unit_name(track: EffectTrack) -> str:
    parts = (track.court, track.division, track.judge)
    return " ".join(part.name for part in parts if part is not None) or top_unit_name()


def effects_section(unit: ScopeKey, first: datetime.date, last: datetime.date) -> dict:
    tracks = EffectTrack.objects.filter(unit.cases_q())
    started = dict(
        tracks.filter(started_on__range=(first, last)).values_list("source").annotate(n=Count("id"))
    )
    checks = EffectCheck.objects.filter(
        unit.cases_q("track__"), checked_on__range=(first, last)
    ).select_related("track", "track__court", "track__division", "track__judge")
    grouped = {
        row["track__source"]: row
        for row in checks.values("track__source").annotate(
            checked=Count("id"),
            judged=Count("id", filter=Q(improved__isnull=False)),
            improved=Count("id", filter=Q(improved=True)),
            cases_total=Sum("cases_total"),
            cases_closed=Sum("cases_closed"),
        )
    }
    kinds = []
    for value, label in EffectSource.choices:
        row = grouped.get(value, {})
        if not started.get(value) and not row:
            continue
        kinds.append(
            {
                "source": value,
                "label": str(label),
                "started": started.get(value, 0),
                "checked": row.get("checked", 0),
                "judged": row.get("judged", 0),
                "improved": row.get("improved", 0),
                "cases_total": row.get("cases_total") or 0,
                "cases_closed": row.get("cases_closed") or 0,
            }
        )
    listed = []
    for check in checks.order_by("checked_on", "track__started_on", "pk")[:LISTED]:
        track = check.track
        slug = next((s for s in track.indicators if s in (check.results or {})), None)
        result = check.results.get(slug) if slug else None
        indicator = INDICATORS[slug] if slug in INDICATORS else None
        listed.append(
            {
                "track_id": track.pk,
                "title": track.title,
                "source": track.get_source_display(),
                "unit": _unit_name(track),
                "started_on": track.started_on.isoformat(),
                "mark": check.mark,
                "indicator": str(indicator.label) if indicator else "",
                "change": change(result["change"], indicator) if result and indicator else "",
                "did": change(result["did"], indicator) if result and indicator else "",
                "improved": check.improved,
                "cases": f"{check.cases_closed}/{check.cases_total}" if check.cases_total else "",
            }
        )
    return {
        "started": sum(started.values()),
        "checked": checks.count(),
        "kinds": kinds,
        "checks": listed,
    }
