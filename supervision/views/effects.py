"""跟踪问效: which kinds of action work (by kind and day-mark), the tracked actions (filtered
by kind, paginated) and one track with its values at each mark against the peers and its
cases' states. Read by the office and the leaders (Action.EFFECTS_READ), within their scope.
Peers outside the reader's reach count in the peers' average but are not named."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from cases.choices import AuditAction
from cases.permissions import Action, may
from cases.services import audit_record
from cases.units import unit_info
from supervision.choices import EffectSource
from supervision.models.effects import MARKS
from supervision.selectors import effects as selectors
from supervision.views.common import paginate


def _readable(request) -> None:
    if not may(request.user, Action.EFFECTS_READ):
        raise PermissionDenied


def _source(request) -> str:
    source = request.GET.get("kind", "")
    return source if source in EffectSource.values else ""


def _cells(track) -> list:
    checks = {check.mark: check for check in track.checks.all()}
    return [(mark, checks.get(mark)) for mark in MARKS]


@login_required
def effects(request):
    _readable(request)
    user = request.user
    source = _source(request)
    page = paginate(request, selectors.effect_tracks(user=user, source=source), size=20)
    for track in page:
        track.cells = _cells(track)
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="supervision.effecttrack",
        detail={"kind": source, "count": page.paginator.count},
    )
    return render(
        request,
        "supervision/effects.html",
        {
            "page_obj": page,
            "kinds": selectors.effects_summary(user=user),
            "by_indicator": selectors.effects_by_indicator(user=user, source=source),
            "kind": source,
            "kind_choices": EffectSource.choices,
            "marks": MARKS,
        },
    )


def _peers_shown(user, rows) -> None:
    """Name the peers inside the user's reach; count the others."""
    keys = sorted({key for row in rows for key in row.peers_then})
    reached = selectors.reached_keys(user, keys)
    names = selectors.unit_names(sorted(reached))
    for row in rows:
        row.peer_list = [(names[k], v) for k, v in sorted(row.peers_then.items()) if k in reached]
        row.peers_unnamed = len(row.peers_then) - len(row.peer_list)
        for _mark, result in row.marks:
            if result is None:
                continue
            kept = result.get("peers", [])
            targeted = result.get("peers_targeted", [])
            result["kept_names"] = [names[k] for k in kept if k in reached]
            result["kept_unnamed"] = len([k for k in kept if k not in reached])
            result["targeted_names"] = [names[k] for k in targeted if k in reached]
            result["targeted_unnamed"] = len([k for k in targeted if k not in reached])


@login_required
def effect_detail(request, pk: int):
    _readable(request)
    user = request.user
    track = get_object_or_404(selectors.effect_tracks(user=user), pk=pk)
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="supervision.effecttrack",
        object_id=track.pk,
        detail={"source": track.source, "object_id": track.object_id},
    )
    rows = selectors.track_indicator_rows(track)
    _peers_shown(user, rows)
    track.cells = _cells(track)
    info = unit_info(track.unit)
    return render(
        request,
        "supervision/effect.html",
        {
            "track": track,
            "unit_title": info.title if info else "",
            "rows": rows,
            "page_obj": paginate(request, selectors.track_cases(user=user, track=track)),
            "marks": MARKS,
        },
    )
