"""季目标 pages: a unit's quarterly targets with where each stands, the projection to the
quarter's end beside it and what must happen to reach it; the units below; the office's form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.dates import today
from cases.permissions import Action, may
from metrics.definitions.periods import quarter_bounds, quarter_of
from metrics.reading import pagecache
from metrics.views.common import requested_unit
from reports.forms import QuarterlyTargetsForm
from reports.models import QuarterlyTarget
from reports.selectors.targets import quarter_targets
from reports.services.targets import quarterly_targets_save
from reports.views.common import crumbs, pager, report_url, tabs


def _quarter(request) -> tuple[int, int]:
    year, quarter = quarter_of(today())
    try:
        year = int(request.GET.get("year", year))
        quarter = int(request.GET.get("quarter", quarter))
    except ValueError:
        pass
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        year, quarter = quarter_of(today())
    return year, quarter


def _neighbours(year: int, quarter: int) -> dict:
    previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    following = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return {"previous": previous, "next": following}


@login_required
def targets(request):
    unit, info = requested_unit(request)
    year, quarter = _quarter(request)

    def compute() -> tuple[list, list]:
        overview = quarter_targets(unit=unit, year=year, quarter=quarter, today=today())
        child_rows = [
            {"unit": child.unit, "name": child.name, "url": report_url("targets", unit=child.unit,
                                                                      year=year, quarter=quarter),
             "row": child.row}
            for child in overview.children
        ]  # fmt: skip
        return overview.rows, child_rows

    # The same for every viewer of the unit (metrics.reading.pagecache; a target change
    # invalidates).
    rows, child_rows = pagecache.cached(
        "reports.targets", compute, unit=unit, year=year, quarter=quarter
    )
    first, last = quarter_bounds(year, quarter)
    neighbours = _neighbours(year, quarter)
    return render(
        request,
        "reports/targets.html",
        {
            "info": info,
            "unit": unit,
            "year": year,
            "quarter": quarter,
            "first": first,
            "last": last,
            "rows": rows,
            "children": pager(request, child_rows, "page", size=50),
            "may_edit": may(request.user, Action.QUARTER_TARGETS_SET, unit),
            "edit_url": report_url("targets_edit", unit=unit, year=year, quarter=quarter),
            "previous_url": report_url("targets", unit=unit, year=neighbours["previous"][0],
                                       quarter=neighbours["previous"][1]),
            "next_url": report_url("targets", unit=unit, year=neighbours["next"][0],
                                   quarter=neighbours["next"][1]),
            "report_tabs": tabs(request, "targets", unit),
            "breadcrumb": crumbs(request, info, "targets", year=year, quarter=quarter),
        },
    )  # fmt: skip


@login_required
def targets_edit(request):
    unit, info = requested_unit(request)
    if not may(request.user, Action.QUARTER_TARGETS_SET, unit):
        raise PermissionDenied
    year, quarter = _quarter(request)
    existing = {
        row.indicator: row
        for row in QuarterlyTarget.objects.of_unit(unit).filter(year=year, quarter=quarter)
    }
    form = QuarterlyTargetsForm(request.POST or None, unit=unit, initial_rows=existing)
    back = report_url("targets", unit=unit, year=year, quarter=quarter)
    if request.method == "POST" and form.is_valid():
        try:
            quarterly_targets_save(
                unit=unit,
                year=year,
                quarter=quarter,
                entries=form.entries(),
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("已保存 %(unit)s %(year)d 年第 %(quarter)d 季度的目标。")
                % {"unit": info.title, "year": year, "quarter": quarter},
            )
            return redirect(back)
    return render(
        request,
        "reports/targets_edit.html",
        {
            "info": info,
            "unit": unit,
            "year": year,
            "quarter": quarter,
            "form": form,
            "back_url": back,
            "report_tabs": tabs(request, "targets", unit),
        },
    )
