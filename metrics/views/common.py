"""What every dashboard page does first: who may look, at which unit, for which period and day.

The unit comes from the query (?court=&division=&judge=, the ids written on the case records)
and defaults to the viewer's own unit; a unit outside the viewer's scope is a 404, exactly as a
case outside it is.

The indicator set (?set=local|spc2024) is the viewer's choice among the sets the deployment
shows: asked for in the query, it is remembered in the session, so every page after it (the
overview, drill-down, trend, weekly page, monthly review) keeps the view the user switched to.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.permissions import Action, may
from cases.units import ScopeKey, UnitInfo, unit_crumbs, unit_requested, unit_url, user_unit
from metrics.choices import IndicatorSet, PeriodKind
from metrics.selectors import latest_as_of, shown_sets

UNIT_PARAMS = ("court", "division", "judge")
SET_PARAM = "set"
SET_SESSION_KEY = "courtdash_indicator_set"


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


def _shown(request) -> list[IndicatorSet]:
    """The sets shown, read once a request (the choice and the switcher both ask)."""
    if not hasattr(request, "_courtdash_shown_sets"):
        request._courtdash_shown_sets = shown_sets()
    return request._courtdash_shown_sets


def requested_set(request) -> IndicatorSet:
    """The indicator set the viewer looks at: ?set= when the deployment shows it (remembered in
    the session), else the one remembered, else the first set shown. An unknown or hidden set
    asked for falls back the same way: a stale link still opens a page."""
    shown = _shown(request)
    asked = request.GET.get(SET_PARAM, "")
    if asked in shown:
        if request.session.get(SET_SESSION_KEY) != asked:
            request.session[SET_SESSION_KEY] = asked
        return IndicatorSet(asked)
    remembered = request.session.get(SET_SESSION_KEY)
    return IndicatorSet(remembered) if remembered in shown else shown[0]


def set_links(request, current: IndicatorSet) -> list[dict]:
    """Links that switch the page to each set shown (none when only one is): the same page and
    query with ?set= replaced, back to the first page of any list."""
    shown = _shown(request)
    if len(shown) < 2:
        return []
    links = []
    for indicator_set in shown:
        query = request.GET.copy()
        query[SET_PARAM] = indicator_set.value
        query.pop("page", None)
        links.append(
            {
                "set": indicator_set.value,
                "label": indicator_set.label,
                "url": f"{request.path}?{query.urlencode()}",
                "current": indicator_set == current,
            }
        )
    return links
