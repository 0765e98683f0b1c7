"""The weekly page (周推进): in the local view, peers ranked on the YTD indicators with the change
since last week; in the SPC view, the units below in unit-code order, each SPC value against its
range with its movement since last week, and no rank (the SPC's rules of use)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from cases.paging import pager
from cases.permissions import Action, may
from metrics.choices import IndicatorSet, PeriodKind, Scope
from metrics.definitions.indicators import LOCAL_INDICATORS, SPC2024_INDICATORS
from metrics.reading import dashboard, pagecache
from metrics.selectors import latest_as_of
from metrics.views.common import (
    breadcrumb,
    page_url,
    requested_day,
    requested_set,
    requested_unit,
    set_links,
)
from metrics.views.contribution import contribution_pager, contribution_panel
from metrics.views.funnel import funnel_section

# The query choices the page's results depend on (the contribution panel's indicator, the
# funnel's indicator and adjustment, the day asked for in its links): part of the cache key.
RESULT_PARAMS = ("contrib", "funnel", "adjusted", "as_of")


def _week_end(day: datetime.date) -> datetime.date:
    """The Sunday on or before `day`: the weekly ranking is as of the week's last day."""
    return day - datetime.timedelta(days=(day.weekday() + 1) % 7)


@login_required
def ranking(request):
    if not may(request.user, Action.RANKINGS):
        raise PermissionDenied
    parent, info = requested_unit(request)
    if parent.scope is Scope.JUDGE:
        raise Http404("a judge has no units below")
    ytd = PeriodKind.YTD.value
    requested = requested_day(request)
    latest = latest_as_of(ytd, requested)
    as_of = latest
    if requested is None and latest is not None:
        # By default the last computed Sunday; the latest day if no Sunday was computed.
        as_of = latest_as_of(ytd, _week_end(latest)) or latest
    indicator_set = requested_set(request)
    context = {
        "indicator_set": indicator_set,
        "set_links": set_links(request, indicator_set),
        "info": info,
        "unit": parent,
        "as_of": as_of,
        "requested_day": requested,
        "latest": latest,
        "breadcrumb": breadcrumb(request, info, "ranking", as_of=requested),
        "overview_url": page_url("overview", unit=parent, as_of=as_of),
        "indicators": list(LOCAL_INDICATORS.values()),
    }
    if indicator_set == IndicatorSet.SPC2024:
        return _spc_weekly(request, context)
    if as_of is not None:
        context.update(
            pagecache.cached(
                "metrics.ranking",
                lambda: _results(request, parent=parent, as_of=as_of),
                unit=parent,
                as_of=as_of,
                **{f"query_{param}": request.GET.get(param, "") for param in RESULT_PARAMS},
            )
        )
        # The units a page at a time (a province ranks a hundred courts), after the cache.
        context["rows_pager"] = pager(request, context["data"]["rows"], "page", size=UNITS_PER_PAGE)
        context["contribution_pager"] = contribution_pager(request, context.get("contribution"))
    return render(request, "metrics/ranking.html", context)


UNITS_PER_PAGE = 30


def _spc_weekly(request, context: dict):
    """The SPC view of the week: movements of each value, its range and status, no rank."""
    parent, as_of = context["unit"], context["as_of"]
    context["indicators"] = [
        {"indicator": indicator, "label": indicator.label_in(IndicatorSet.SPC2024)}
        for indicator in SPC2024_INDICATORS.values()
    ]
    if as_of is not None:
        context.update(
            pagecache.cached(
                "metrics.ranking_spc",
                lambda: _spc_week_results(parent=parent, as_of=as_of),
                unit=parent,
                as_of=as_of,
            )
        )
        context["children_page"] = Paginator(context["children"], UNITS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return render(request, "metrics/ranking_spc.html", context)


def _spc_week_results(*, parent, as_of: datetime.date) -> dict:
    ytd = PeriodKind.YTD.value
    children = dashboard.spc_children(unit=parent, as_of=as_of, period=ytd, week=True)
    spc = IndicatorSet.SPC2024.value
    for child in children:
        child["overview_url"] = page_url("overview", unit=child["key"], as_of=as_of, set=spc)
        if child["key"].scope is not Scope.JUDGE:
            child["weekly_url"] = page_url("ranking", unit=child["key"], as_of=as_of, set=spc)
    return {
        "children": children,
        "week_before": as_of - dashboard.WEEK,
        "demo_ranges": any(
            cell["range"] is not None and cell["range"].demo
            for child in children
            for cell in child["cells"]
        ),
        "previous_url": page_url("ranking", unit=parent, as_of=as_of - dashboard.WEEK, set=spc),
    }


def _results(request, *, parent, as_of: datetime.date) -> dict:
    """What the weekly page shows of the stored results: the same for every viewer of the unit
    (metrics.reading.pagecache caches it; the request is read only for RESULT_PARAMS)."""
    ytd = PeriodKind.YTD.value
    indicators = list(LOCAL_INDICATORS.values())
    data = dashboard.weekly_ranking(parent=parent, as_of=as_of)
    for row in data["rows"]:
        row["overview_url"] = page_url("overview", unit=row["unit"], as_of=as_of)
        if row["unit"].scope is not Scope.JUDGE:
            row["ranking_url"] = page_url("ranking", unit=row["unit"], as_of=as_of)
        if not data["ranks"]:
            row["band_list"] = [row["bands"].get(indicator.slug) for indicator in indicators]
    results = {
        "data": data,
        "previous_url": page_url("ranking", unit=parent, as_of=data["week_before"]),
        "contribution": contribution_panel(
            request, parent=parent, as_of=as_of, period=ytd, ranks=data["ranks"], page="ranking"
        ),
    }
    if not data["ranks"]:  # bands mode: a funnel instead of ranks
        results.update(funnel_section(request, parent=parent, as_of=as_of, period=ytd))
    return results
