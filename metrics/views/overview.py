"""The overview of a unit (质效指标): in the local view, eleven tiles, the total and rank, the
companions; in the SPC view, the SPC's 2024 set against its reference ranges (no score, no
rank) and the units below in unit-code order."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from cases.permissions import Action, may
from cases.units import ScopeKey
from metrics.choices import IndicatorSet, PeriodKind, Scope
from metrics.reading import charts, dashboard, pagecache
from metrics.views.common import (
    breadcrumb,
    page_url,
    period_links,
    requested_as_of,
    requested_day,
    requested_period,
    requested_set,
    requested_unit,
    set_links,
)
from metrics.views.contribution import PARAM as CONTRIBUTION_PARAM
from metrics.views.contribution import (
    contribution_pager,
    contribution_panel,
    first_group_panel,
    tile_targets,
)


@login_required
def overview(request):
    unit, info = requested_unit(request)
    period = requested_period(request)
    as_of = requested_as_of(request, period)
    indicator_set = requested_set(request)
    context = {
        "indicator_set": indicator_set,
        "set_links": set_links(request, indicator_set),
        "info": info,
        "unit": unit,
        "period": period,
        "period_label": PeriodKind(period).label,
        "as_of": as_of,
        "requested_day": requested_day(request),
        "breadcrumb": breadcrumb(request, info, "overview", period=period, as_of=as_of),
        "period_links": period_links(request, "overview", unit=unit, as_of=as_of, current=period),
        "ranking_url": page_url("ranking", unit=_ranking_parent(unit))
        if may(request.user, Action.RANKINGS)
        else "",
    }
    if indicator_set == IndicatorSet.SPC2024:
        return _spc_overview(request, context)
    if as_of is not None:
        context.update(
            pagecache.cached(
                "metrics.overview",
                lambda: _results(request, unit=unit, as_of=as_of, period=period),
                unit=unit,
                as_of=as_of,
                period=period,
                contrib=request.GET.get(CONTRIBUTION_PARAM, ""),
            )
        )
        context["contribution_pager"] = contribution_pager(request, context.get("contribution"))
    return render(request, "metrics/overview.html", context)


UNITS_PER_PAGE = 30


def _spc_overview(request, context: dict):
    """The SPC view: each value against its range; the units below, a page at a time."""
    unit, as_of, period = context["unit"], context["as_of"], context["period"]
    if as_of is not None:
        context.update(
            pagecache.cached(
                "metrics.overview_spc",
                lambda: _spc_results(unit=unit, as_of=as_of, period=period),
                unit=unit,
                as_of=as_of,
                period=period,
            )
        )
        context["children_page"] = Paginator(context["children"], UNITS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return render(request, "metrics/overview_spc.html", context)


def _spc_results(*, unit: ScopeKey, as_of, period: str) -> dict:
    data = dashboard.spc_overview(unit=unit, as_of=as_of, period=period)
    spc = IndicatorSet.SPC2024.value
    for tile in data["tiles"]:
        slug = tile["indicator"].slug
        tile["figure_id"] = f"spark-{slug}"
        tile["figure"] = charts.indicator_figure(
            tile["indicator"],
            [{"day": day, "value": value} for day, value in tile["series"]],
            sparkline=True,
        )
        tile["drill_url"] = page_url(
            "drill", slug=slug, unit=unit, period=period, as_of=as_of, set=spc
        )
        tile["trend_url"] = page_url("trend", slug=slug, unit=unit, as_of=as_of, set=spc)
        tile["definition_url"] = page_url("indicator", slug=slug, set=spc)
    children = dashboard.spc_children(unit=unit, as_of=as_of, period=period)
    for child in children:
        child["overview_url"] = page_url(
            "overview", unit=child["key"], period=period, as_of=as_of, set=spc
        )
    return {"data": data, "children": children}


def _ranking_parent(unit: ScopeKey) -> ScopeKey:
    """The weekly ranking of the units below `unit`; for a judge, of their division's judges."""
    if unit.scope is Scope.JUDGE:
        return ScopeKey(Scope.DIVISION, unit.court_id, unit.division_id)
    return unit


def _results(request, *, unit: ScopeKey, as_of, period: str) -> dict:
    """What the overview shows of the stored results: the same for every viewer of the unit
    (metrics.reading.pagecache caches it; the request is read only for ?contrib=)."""
    data = dashboard.overview(unit=unit, as_of=as_of, period=period)
    for tile in data["tiles"]:
        slug = tile["indicator"].slug
        tile["figure_id"] = f"spark-{slug}"
        tile["figure"] = charts.indicator_figure(
            tile["indicator"],
            [{"day": day, "value": value} for day, value in tile["series"]],
            sparkline=True,
        )
        tile["drill_url"] = page_url("drill", slug=slug, unit=unit, period=period, as_of=as_of)
        tile["trend_url"] = page_url("trend", slug=slug, unit=unit, as_of=as_of)
        tile["definition_url"] = page_url("indicator", slug=slug)
    profile = dashboard.pending_age_profile(unit=unit, as_of=as_of, period=period)
    for bucket in profile:
        bucket["label"] = charts.bucket_label(bucket)
    results = dict(
        data=data,
        age_profile=profile,
        age_figure=charts.age_figure(profile),
        pending_total=sum(bucket["count"] for bucket in profile),
    )
    book = tile_targets(data["tiles"])  # the targets in force, read once above
    results.update(
        contribution=contribution_panel(
            request,
            parent=unit,
            as_of=as_of,
            period=period,
            ranks=data["ranks"],
            page="overview",
            book=book,
        ),
        first_group=first_group_panel(unit=unit, as_of=as_of, period=period, book=book),
    )
    return results
