"""日动态: today in a unit — filed, closed, pending against the same day last year; the cases
that entered a warning band or became long-pending today; letters due; the quarter's targets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cases.choices import AuditAction
from cases.dates import today
from cases.models import Case
from cases.services import audit_record
from metrics.periods import quarter_of
from metrics.views.common import requested_unit
from reports.selectors.daily import band_entries, daily_counts, letters_due, new_long_pending
from reports.selectors.targets import target_progress
from reports.views.common import child_units, crumbs, pager, report_url, tabs


@login_required
def daily(request):
    unit, info = requested_unit(request)
    day = today()
    cases = Case.objects.in_scope(request.user).filter(unit.cases_q())
    counts = daily_counts(cases=cases, day=day)
    year, quarter = quarter_of(day)
    progress = target_progress(
        units=[unit], year=year, quarter=quarter, today=day, all_indicators=False
    )[unit]
    context = {
        "info": info,
        "unit": unit,
        "day": day,
        "counts": counts,
        "bands": pager(request, band_entries(cases=cases, day=day), "bands_page"),
        "long_pending": pager(request, new_long_pending(cases=cases, day=day), "long_page"),
        "letters": pager(
            request, letters_due(user=request.user, unit=unit, day=day), "letters_page"
        ),
        "progress": progress,
        "year": year,
        "quarter": quarter,
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
