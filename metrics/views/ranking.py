"""The weekly ranking (周推进): peers on the YTD indicators, with the change since last week."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from cases.permissions import Action, may
from metrics import dashboard
from metrics.choices import PeriodKind, Scope
from metrics.registry import INDICATORS
from metrics.views.common import (
    breadcrumb,
    page_url,
    requested_day,
    requested_unit,
)
from metrics.views.contribution import contribution_panel
from metrics.views.funnel import funnel_section


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
    latest = dashboard.as_of_resolve(ytd, requested)
    as_of = latest
    if requested is None and latest is not None:
        # By default the last computed Sunday; the latest day if no Sunday was computed.
        as_of = dashboard.as_of_resolve(ytd, _week_end(latest)) or latest
    context = {
        "info": info,
        "unit": parent,
        "as_of": as_of,
        "requested_day": requested,
        "latest": latest,
        "breadcrumb": breadcrumb(request, info, "ranking", as_of=requested),
        "overview_url": page_url("overview", unit=parent, as_of=as_of),
        "indicators": list(INDICATORS.values()),
    }
    if as_of is not None:
        data = dashboard.weekly_ranking(parent=parent, as_of=as_of)
        for row in data["rows"]:
            row["overview_url"] = page_url("overview", unit=row["unit"], as_of=as_of)
            if row["unit"].scope is not Scope.JUDGE:
                row["ranking_url"] = page_url("ranking", unit=row["unit"], as_of=as_of)
            if not data["ranks"]:
                row["band_list"] = [
                    row["bands"].get(indicator.slug) for indicator in context["indicators"]
                ]
        context.update(
            data=data,
            previous_url=page_url("ranking", unit=parent, as_of=data["week_before"]),
        )
        context["contribution"] = contribution_panel(
            request, parent=parent, as_of=as_of, period=ytd, ranks=data["ranks"], page="ranking"
        )
        if not data["ranks"]:  # bands mode: a funnel instead of ranks
            context.update(funnel_section(request, parent=parent, as_of=as_of, period=ytd))
    return render(request, "metrics/ranking.html", context)
