"""What every dashboard page does first: who may look, at which unit, for which period and day.

The unit comes from the query (?court=&division=&judge=, the ids written on the case records)
and defaults to the viewer's own unit; a unit outside the viewer's scope is a 404, exactly as a
case outside it is.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.permissions import Action, may
from cases.units import ScopeKey, UnitInfo, unit_crumbs, unit_requested, unit_url, user_unit
from metrics.choices import PeriodKind
from metrics.selectors import latest_as_of

UNIT_PARAMS = ("court", "division", "judge")


def viewer_unit(user) -> ScopeKey:
    """The viewer's own unit: the widest one their dashboards show."""
    own = user_unit(user)
    if own is None or not may(user, Action.DASHBOARDS):
        raise PermissionDenied
    return own


def _id(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise Http404("not an id")
    return int(value)


def requested_unit(request) -> tuple[ScopeKey, UnitInfo]:
    """The unit the page is about (default: the viewer's own), 404 outside the viewer's scope
    or when it does not exist."""
    info = unit_requested(request, own=viewer_unit(request.user))
    return info.key, info


def requested_period(request) -> str:
    period = request.GET.get("period", PeriodKind.YTD)
    return period if period in PeriodKind.values else PeriodKind.YTD.value


def requested_day(request) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return None


def requested_as_of(request, period: str) -> datetime.date | None:
    """The day asked for, or the last computed one before it (default: the latest)."""
    return latest_as_of(period, requested_day(request))


def page_url(name: str, *, slug: str | None = None, unit: ScopeKey | None = None, **params):
    """A metrics page's URL with the unit and other query parameters (None values left out)."""
    return unit_url(f"metrics:{name}", args=[slug] if slug else [], unit=unit, **params)


def breadcrumb(request, info: UnitInfo, name: str, *, slug: str | None = None, **params):
    """The units from the viewer's own down to this one, each linking to the same page."""
    return unit_crumbs(
        request.user, info, lambda key: page_url(name, slug=slug, unit=key, **params)
    )


def period_links(request, name: str, *, slug=None, unit=None, as_of=None, current=None):
    """Links that switch the page between YTD, QTD and MTD, keeping the unit and day."""
    return [
        {
            "kind": kind,
            "label": label,
            "url": page_url(name, slug=slug, unit=unit, period=kind, as_of=as_of),
            "current": kind == current,
        }
        for kind, label in PeriodKind.choices
    ]
