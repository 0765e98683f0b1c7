"""Drill-down of one indicator: city → court → division → judge → the cases, and its trend.

Every number below a tile is the stored one; the case lists are the indicator's own condition
applied as a filter (metrics.selectors.indicator_cases) to the viewer's scoped cases, so their
counts equal the stored numerator and denominator.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import render

from cases.choices import AuditAction
from cases.keyset import Key, capped_count, date_value, keyset_page, str_value
from cases.models import Case
from cases.services import audit_record
from cases.units import unit_params
from metrics.choices import IndicatorSet, PeriodKind, Scope
from metrics.definitions.periods import Period
from metrics.reading import charts, dashboard, pagecache
from metrics.reading.exports import XLSX_TYPE, cases_workbook
from metrics.selectors import indicator_cases, indicator_or_404
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

PAGE_SIZE = 50
PARTS = ("numerator", "denominator")
# The drill-down lists' order, newest filing first: a keyset (cases.keyset) that case_filed_idx
# serves, PostgreSQL sorting the cases of one filing day by number (an incremental sort).
# The cases of a number at a court or above are counted to here, at most a few ms of reading.
DRILL_COUNT_CAP = 1_000
DRILL_KEYS = (
    Key("filed_on", descending=True, parse=date_value),
    Key("case_number", parse=str_value),
)


def _frame(request, slug: str, name: str, *, period: str | None = None) -> dict:
    """Indicator, unit, period and day of a drill-down page, with its navigation."""
    indicator = indicator_or_404(slug)
    unit, info = requested_unit(request)
    period = period or requested_period(request)
    as_of = requested_as_of(request, period)
    # The SPC view of an indicator: when the viewer looks at that set, or the indicator is only
    # in it (12–17 have no target, score or rank to show).
    indicator_set = requested_set(request)
    spc = IndicatorSet.SPC2024 in indicator.sets and (
        indicator_set == IndicatorSet.SPC2024 or IndicatorSet.LOCAL not in indicator.sets
    )
    return {
        "indicator": indicator,
        "indicator_set": IndicatorSet.SPC2024 if spc else IndicatorSet.LOCAL,
        "spc": spc,
        "indicator_label": indicator.label_in(IndicatorSet.SPC2024) if spc else indicator.label,
        # Switching makes sense only for an indicator of both sets (3, 5, 10, 11).
        "set_links": set_links(request, indicator_set) if len(indicator.sets) > 1 else [],
        "unit": unit,
        "info": info,
        "period": period,
        "period_label": PeriodKind(period).label,
        "as_of": as_of,
        "requested_day": requested_day(request),
        "applies": unit.scope in indicator.scopes,
        "breadcrumb": breadcrumb(request, info, name, slug=slug, period=period, as_of=as_of),
        "period_links": period_links(
            request, name, slug=slug, unit=unit, as_of=as_of, current=period
        ),
        "overview_url": page_url("overview", unit=unit, period=period, as_of=as_of),
        "trend_url": page_url("trend", slug=slug, unit=unit, as_of=as_of),
        "definition_url": page_url("indicator", slug=slug),
    }


def _case_list_urls(frame: dict) -> dict:
    return {
        part: page_url(
            "cases",
            slug=frame["indicator"].slug,
            unit=frame["unit"],
            period=frame["period"],
            as_of=frame["as_of"],
            part=part,
        )
        for part in PARTS
    }


@login_required
def drill(request, slug: str):
    """A tile opened: the unit's number, and each unit one level down with a link further."""
    frame = _frame(request, slug, "drill")
    if frame["as_of"] is not None and frame["spc"]:
        frame.update(
            pagecache.cached(
                "metrics.drill_spc",
                lambda: _spc_drill_results(frame),
                slug=slug,
                unit=frame["unit"],
                as_of=frame["as_of"],
                period=frame["period"],
            )
        )
    elif frame["as_of"] is not None:
        frame.update(
            pagecache.cached(
                "metrics.drill",
                lambda: _drill_results(frame),
                slug=slug,
                unit=frame["unit"],
                as_of=frame["as_of"],
                period=frame["period"],
            )
        )
    return render(request, "metrics/drill.html", frame)


def _drill_results(frame: dict) -> dict:
    """What the drill-down shows of the stored results (the same for every viewer of the unit;
    metrics.reading.pagecache caches it)."""
    data = dashboard.drill(
        unit=frame["unit"],
        indicator=frame["indicator"],
        as_of=frame["as_of"],
        period=frame["period"],
    )
    for child in data["children"]:
        child["url"] = page_url(
            "drill",
            slug=frame["indicator"].slug,
            unit=child["key"],
            period=frame["period"],
            as_of=frame["as_of"],
        )
    return {
        "data": data,
        "figure": charts.children_figure(frame["indicator"], data["children"], data["target"])
        if data["children"]
        else None,
        "child_level": _child_level(frame["unit"].scope),
        "children_apply": _child_level(frame["unit"].scope) in frame["indicator"].scopes,
        "case_urls": _case_list_urls(frame),
    }


def _spc_drill_results(frame: dict) -> dict:
    """The drill-down in the SPC view: values against ranges, units in code order."""
    indicator = frame["indicator"]
    data = dashboard.spc_drill(
        unit=frame["unit"], indicator=indicator, as_of=frame["as_of"], period=frame["period"]
    )
    for child in data["children"]:
        child["url"] = page_url(
            "drill",
            slug=indicator.slug,
            unit=child["key"],
            period=frame["period"],
            as_of=frame["as_of"],
        )
    return {
        "data": data,
        "figure": charts.spc_children_figure(indicator, data["children"])
        if data["children"]
        else None,
        "child_level": _child_level(frame["unit"].scope),
        "children_apply": _child_level(frame["unit"].scope) in indicator.scopes,
        "case_urls": _case_list_urls(frame),
    }


def _child_level(scope: Scope) -> str:
    return {Scope.CITY: Scope.COURT, Scope.COURT: Scope.DIVISION, Scope.DIVISION: Scope.JUDGE}.get(
        scope, ""
    )


def _cases(request, frame: dict, part: str):
    period = Period.of(frame["period"], frame["as_of"])
    cases = indicator_cases(
        frame["indicator"],
        period,
        frame["unit"],
        part,
        queryset=Case.objects.in_scope(request.user),
    )
    measure = frame["indicator"].measure(part, period)
    return cases, measure


def _part(request) -> str:
    part = request.GET.get("part", "numerator")
    if part not in PARTS:
        raise Http404("part is numerator or denominator")
    return part


@login_required
def case_list(request, slug: str):
    """The cases behind the numerator or the denominator (tabs), paginated, exportable."""
    frame = _frame(request, slug, "cases")
    part = _part(request)
    frame.update(part=part)
    if frame["as_of"] is not None:
        cases, measure = _cases(request, frame, part)
        page = keyset_page(
            cases.select_related("court", "division", "judge"),
            DRILL_KEYS,
            after=request.GET.get("after"),
            before=request.GET.get("before"),
            size=PAGE_SIZE,
        )
        # Counted (and summed) only up to DRILL_COUNT_CAP cases: a city's list can hold a million,
        # and the number it stands for is the stored one, shown above the list.
        counted = capped_count(cases, DRILL_COUNT_CAP)
        page.count = min(counted, DRILL_COUNT_CAP)
        page.count_capped = counted > DRILL_COUNT_CAP
        summed = None
        if measure.is_sum and not page.count_capped:
            summed = cases.aggregate(total=Sum(measure.field))["total"] or 0
        own = dashboard.drill_value(
            unit=frame["unit"],
            indicator=frame["indicator"],
            as_of=frame["as_of"],
            period=frame["period"],
        )
        listed = summed if measure.is_sum else page.count
        frame.update(
            page_obj=page,
            measure=measure,
            summed=summed,
            own=own,
            # The list reads today's case records, the number was stored by the computation:
            # a record changed since then (a late import, a corrected date) shows here.
            # Not known past the cap (None): the list is not counted that far.
            agrees=None if page.count_capped else own is not None and listed == getattr(own, part),
            case_urls=_case_list_urls(frame),
            drill_url=page_url(
                "drill",
                slug=slug,
                unit=frame["unit"],
                period=frame["period"],
                as_of=frame["as_of"],
            ),
            export_url=page_url(
                "cases_export",
                slug=slug,
                unit=frame["unit"],
                period=frame["period"],
                as_of=frame["as_of"],
                part=part,
            ),
            show_amounts=measure.field in ("amount_recovered", "amount_applied"),
        )
        audit_record(
            action=AuditAction.CASE_LIST,
            request=request,
            object_type="case",
            detail={
                "indicator": slug,
                "part": part,
                "period": frame["period"],
                "as_of": frame["as_of"].isoformat(),
                "unit": unit_params(frame["unit"]),
                "count": page.count,
            },
        )
    return render(request, "metrics/cases.html", frame)


@login_required
def case_export(request, slug: str):
    """The whole case list of a number as an XLSX workbook (a sheet of cases, a sheet saying
    what they are)."""
    frame = _frame(request, slug, "cases")
    part = _part(request)
    if frame["as_of"] is None:
        raise Http404("nothing computed yet")
    cases, measure = _cases(request, frame, part)
    own = dashboard.drill_value(
        unit=frame["unit"],
        indicator=frame["indicator"],
        as_of=frame["as_of"],
        period=frame["period"],
    )
    content, count = cases_workbook(
        cases=cases,
        indicator=frame["indicator"],
        part=part,
        measure=measure,
        unit_title=frame["info"].title,
        period=Period.of(frame["period"], frame["as_of"]),
        stored=own,
    )
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        object_type="case",
        detail={
            "indicator": slug,
            "part": part,
            "period": frame["period"],
            "as_of": frame["as_of"].isoformat(),
            "unit": unit_params(frame["unit"]),
            "count": count,
        },
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    filename = f"{slug}-{part}-{frame['as_of'].isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def trend(request, slug: str):
    """The YTD value day by day through the year, against last year and the target; and the
    unit's monthly filed, closed and pending cases with the month's 结收比."""
    # The trend is of the daily YTD values.
    frame = _frame(request, slug, "trend", period=PeriodKind.YTD.value)
    frame["period_links"] = []
    if frame["as_of"] is not None:

        def compute() -> dict:
            read = dashboard.spc_trend if frame["spc"] else dashboard.trend
            rows = read(unit=frame["unit"], indicator=frame["indicator"], as_of=frame["as_of"])
            months = dashboard.monthly_flow(unit=frame["unit"], as_of=frame["as_of"])
            return {
                "rows": rows,
                "figure": charts.indicator_figure(frame["indicator"], rows),
                "months": months,
                "flow_figure": charts.flow_figure(months),
            }

        frame.update(
            pagecache.cached(
                "metrics.trend_spc" if frame["spc"] else "metrics.trend",
                compute,
                slug=slug,
                unit=frame["unit"],
                as_of=frame["as_of"],
            )
        )
        frame["table_page"] = Paginator(list(reversed(frame["rows"])), 31).get_page(
            request.GET.get("page")
        )
    return render(request, "metrics/trend.html", frame)
