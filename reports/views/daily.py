"""日动态: today in a unit — filed, closed, pending against the same day last year; the cases
that entered a warning band or became long-pending today; letters due; the quarter's targets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cases.choices import AuditAction
from cases.dates import today
from cases.services import audit_record
from metrics.views.common import requested_unit
from reports.selectors.daily import daily_dynamics
from reports.selectors.units import child_units
from reports.views.common import crumbs, pager, report_url, tabs


@login_required
def daily(request):
    unit, info = requested_unit(request)
    dynamics = daily_dynamics(user=request.user, unit=unit, day=today())
    day = dynamics.day
    context = {
        "info": info,
        "unit": unit,
        "day": day,
        "counts": dynamics.counts,
        "bands": pager(request, dynamics.bands, "bands_page"),
        "long_pending": pager(request, dynamics.long_pending, "long_page"),
        "letters": pager(request, dynamics.letters, "letters_page"),
        "progress": dynamics.progress,
        "year": dynamics.year,
        "quarter": dynamics.quarter,
        "targets_url": report_url("targets", unit=unit),
        "report_tabs": tabs(request, "daily", unit),
        "breadcrumb": crumbs(request, info, "daily"),
        "children": [
            {"name": name, "url": report_url("daily", unit=key)} for key, name in child_units(unit)
        ],
    }
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="daily_dynamics",
        object_id=f"{unit.scope}:{unit.court_id}:{unit.division_id}:{unit.judge_id}",
        detail={"day": day.isoformat()},
    )
    return render(request, "reports/daily.html", context)
