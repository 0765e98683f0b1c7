"""Funnel plots (issue 12, item 7): fair comparison without rankings.

`funnel_page`: /metrics/<slug>/funnel/, one indicator's funnel for the units below a unit.
`funnel_section`: what the weekly page (周推进) shows in the bands mode instead of ranks — one
indicator's funnel (chosen by ?funnel=), and every flagged unit on every indicator. Both are
the ranking's readers' (Action.RANKINGS): the funnel replaces the ranking where ranks are off.
Every point links to the unit's drill-down of that indicator, where its cases are.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from cases.permissions import Action, may
from metrics.choices import PeriodKind, Scope
from metrics.definitions.indicators import INDICATORS
from metrics.reading import funnel as funnels
from metrics.reading import pagecache
from metrics.reading.funnel_chart import flag_label, funnel_figure
from metrics.selectors import indicator_or_404
from metrics.views.common import (
    breadcrumb,
    page_url,
    period_links,
    requested_as_of,
    requested_period,
    requested_unit,
)


def _adjusted(request) -> bool:
    return request.GET.get("adjusted") == "1"


def _decorate(found, *, period: str, as_of) -> None:
    """Each point's drill-down URL and flag label; each funnel's figure."""
    for item in found:
        urls = {
            point.unit: page_url(
                "drill", slug=item.indicator.slug, unit=point.unit, period=period, as_of=as_of
            )
            for point in item.points
        }
        for point in item.points:
            point.url = urls[point.unit]
            point.flag_label = flag_label(point.flag, point.side)
        item.figure = funnel_figure(item, urls=urls)


def funnel_section(request, *, parent, as_of, period: str = PeriodKind.YTD) -> dict:
    """The weekly page's funnel, for its template (templates/metrics/_funnel.html)."""
    adjusted = _adjusted(request)
    found = funnels.funnels(parent=parent, as_of=as_of, period=period, adjusted=adjusted)
    if not found:
        return {}
    chosen_slug = request.GET.get("funnel")
    chosen = next((item for item in found if item.indicator.slug == chosen_slug), found[0])
    _decorate([chosen], period=period, as_of=as_of)
    flagged = funnels.flagged(found)
    for item, point in flagged:
        point.url = page_url(
            "drill", slug=item.indicator.slug, unit=point.unit, period=period, as_of=as_of
        )
        point.flag_label = flag_label(point.flag, point.side)

    def here(**params):
        query = {"funnel": chosen.indicator.slug, "adjusted": "1" if adjusted else None}
        query.update(params)
        return page_url("ranking", unit=parent, as_of=request.GET.get("as_of") or None, **query)

    return {
        "funnel": chosen,
        "funnel_flagged": flagged,
        "funnel_adjusted": adjusted,
        "funnel_choices": [
            {
                "indicator": item.indicator,
                "url": here(funnel=item.indicator.slug) + "#funnel",
                "current": item is chosen,
                "flags": len(item.flagged),
            }
            for item in found
        ],
        "funnel_toggle_url": here(adjusted=None if adjusted else "1") + "#funnel",
        "funnel_page_url": page_url(
            "funnel", slug=chosen.indicator.slug, unit=parent, as_of=as_of, period=period
        ),
    }


@login_required
def funnel_page(request, slug: str):
    if not may(request.user, Action.RANKINGS):
        raise PermissionDenied
    indicator = indicator_or_404(slug)
    parent, info = requested_unit(request)
    if parent.scope is Scope.JUDGE:
        raise Http404("a judge has no units below")
    period = requested_period(request)
    as_of = requested_as_of(request, period)
    adjusted = _adjusted(request)
    context = {
        "indicator": indicator,
        "unit": parent,
        "info": info,
        "period": period,
        "period_label": PeriodKind(period).label,
        "as_of": as_of,
        "adjusted": adjusted,
        "breadcrumb": breadcrumb(request, info, "funnel", slug=slug, period=period, as_of=as_of),
        "period_links": period_links(
            request, "funnel", slug=slug, unit=parent, as_of=as_of, current=period
        ),
        "ranking_url": page_url("ranking", unit=parent),
        "drill_url": page_url("drill", slug=slug, unit=parent, period=period, as_of=as_of),
        "toggle_url": page_url(
            "funnel",
            slug=slug,
            unit=parent,
            period=period,
            as_of=as_of,
            adjusted=None if adjusted else "1",
        ),
        "others": [
            {
                "indicator": other,
                "url": page_url("funnel", slug=other.slug, unit=parent, period=period, as_of=as_of),
            }
            for other in INDICATORS.values()
            if funnels.applies(other, parent)
        ],
        "funnel": None,
    }
    if as_of is not None:

        def compute():
            found = funnels.funnel(
                indicator=indicator, parent=parent, as_of=as_of, period=period, adjusted=adjusted
            )
            if found is not None:
                _decorate([found], period=period, as_of=as_of)
            return found

        context["funnel"] = pagecache.cached(
            "metrics.reading.funnel",
            compute,
            slug=indicator.slug,
            unit=parent,
            as_of=as_of,
            period=period,
            adjusted=adjusted,
        )
    return render(request, "metrics/funnel.html", context)
