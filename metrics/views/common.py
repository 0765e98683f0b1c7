"""What every dashboard page does first: who may look, at which unit, for which period and day.

The unit comes from the query (?court=&division=&judge=, the ids written on the case records)
and defaults to the viewer's own unit; a unit outside the viewer's scope is a 404, exactly as a
case outside it is.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from cases.choices import Role
from metrics.choices import PeriodKind, Scope
from metrics.dashboard import UnitInfo, as_of_resolve, unit_info
from metrics.scopes import ScopeKey, scope_visible, user_scope_key

# Inspectors see supervision records and the cases they are joined to, not indicators.
NO_DASHBOARD_ROLES = {Role.INSPECTOR}
# The weekly ranking (周推进): division heads, the office and the leaders who read it.
RANKING_ROLES = {Role.DIVISION_HEAD, Role.OFFICE, Role.COURT_LEADER, Role.PARTY_LEADERSHIP}
UNIT_PARAMS = ("court", "division", "judge")


def viewer_unit(user) -> ScopeKey:
    """The viewer's own unit: the widest one their dashboards show."""
    own = user_scope_key(user)
    if own is None or (not user.is_superuser and user.role in NO_DASHBOARD_ROLES):
        raise PermissionDenied
    return own


def may_rank(user) -> bool:
    return user.is_superuser or user.role in RANKING_ROLES


def may_edit_targets(user) -> bool:
    """Targets hold for the whole city: its office (the intermediate court's) sets them."""
    if user.is_superuser:
        return True
    own = user_scope_key(user)
    return user.role == Role.OFFICE and own is not None and own.scope is Scope.CITY


def _id(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise Http404("not an id")
    return int(value)


def requested_unit(request) -> tuple[ScopeKey, UnitInfo]:
    """The unit the page is about (default: the viewer's own), 404 outside the viewer's scope
    or when it does not exist."""
    own = viewer_unit(request.user)
    ids = {name: _id(request.GET.get(name)) for name in UNIT_PARAMS}
    if all(value is None for value in ids.values()):
        key = own
    else:
        try:
            key = ScopeKey.of(**ids)
        except ValueError:
            raise Http404("not a unit") from None
    if not scope_visible(request.user, key):
        raise Http404("outside your scope")
    info = unit_info(key)
    if info is None:
        raise Http404("no such unit")
    return key, info


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
    return as_of_resolve(period, requested_day(request))


def unit_params(key: ScopeKey) -> dict:
    ids = {"court": key.court_id, "division": key.division_id, "judge": key.judge_id}
    return {name: value for name, value in ids.items() if value is not None}


def unit_url(viewname: str, *, args=(), unit: ScopeKey | None = None, **params) -> str:
    """A page's URL with the unit's ids and other query parameters (None and "" left out)."""
    url = reverse(viewname, args=list(args))
    query = unit_params(unit) if unit is not None else {}
    query.update({key: value for key, value in params.items() if value not in (None, "")})
    for key, value in query.items():
        if isinstance(value, datetime.date):
            query[key] = value.isoformat()
    return f"{url}?{urlencode(query)}" if query else url


def page_url(name: str, *, slug: str | None = None, unit: ScopeKey | None = None, **params):
    """A metrics page's URL with the unit and other query parameters (None values left out)."""
    return unit_url(f"metrics:{name}", args=[slug] if slug else [], unit=unit, **params)


def unit_crumbs(request, info: UnitInfo, url_of) -> list[dict]:
    """The units from the viewer's own down to `info`'s, each with `url_of(unit)`."""
    own = viewer_unit(request.user)
    return [
        {"name": info.name_of(key), "url": url_of(key), "current": key == info.key}
        for key in info.ancestors()
        if own.contains(key)
    ]


def breadcrumb(request, info: UnitInfo, name: str, *, slug: str | None = None, **params):
    """The units from the viewer's own down to this one, each linking to the same page."""
    return unit_crumbs(request, info, lambda key: page_url(name, slug=slug, unit=key, **params))


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
