"""日动态: today in a unit — filed, closed, pending against the same day last year; the cases
that entered a warning band or became long-pending today; letters due; the quarter's targets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from cases.choices import AuditAction
from cases.dates import today
from cases.services import audit_record
from metrics.definitions.periods import quarter_of
from metrics.views.common import requested_unit
from reports.selectors.daily import daily_dynamics
from reports.selectors.units import child_units
from reports.views.common import crumbs, pager, report_url, tabs
from supervision.selectors.queue_count import queue_generation


@login_required
def daily(request):
    """The page's body is kept as rendered under the queue generation (every committed write
    of cases, letters or units changes it: supervision.selectors.queue_count) as well as the
    results generation ({% page_fragment live=… %}), so its parts are read only when it is
    rendered: lazily, here."""
    unit, info = requested_unit(request)
    day = today()
    dynamics = SimpleLazyObject(lambda: daily_dynamics(user=request.user, unit=unit, day=day))
    year, quarter = quarter_of(day)
    context = {
        "info": info,
        "unit": unit,
        "day": day,
        "live_generation": queue_generation(),
        "counts": SimpleLazyObject(lambda: dynamics.counts),
        "bands": SimpleLazyObject(lambda: pager(request, dynamics.bands, "bands_page")),
        "long_pending": SimpleLazyObject(
            lambda: pager(request, dynamics.long_pending, "long_page")
        ),
        "letters": SimpleLazyObject(lambda: pager(request, dynamics.letters, "letters_page")),
        "progress": SimpleLazyObject(lambda: dynamics.progress),
        "year": year,
        "quarter": quarter,
        "targets_url": report_url("targets", unit=unit),
        "report_tabs": SimpleLazyObject(lambda: tabs(request, "daily", unit)),
        "breadcrumb": SimpleLazyObject(lambda: crumbs(request, info, "daily")),
        "children": SimpleLazyObject(
            lambda: [
                {"name": name, "url": report_url("daily", unit=key)}
                for key, name in child_units(unit)
            ]
        ),
    }
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="daily_dynamics",
        object_id=f"{unit.scope}:{unit.court_id}:{unit.division_id}:{unit.judge_id}",
        detail={"day": day.isoformat()},
    )
    return render(request, "reports/daily.html", context)
