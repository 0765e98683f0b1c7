"""办案体检 pages: the findings of a unit's judges and divisions, and one finding's cases."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from cases.choices import AuditAction
from cases.permissions import Action, may
from cases.services import audit_record
from cases.units import ScopeKey, unit_info
from metrics.views.common import requested_unit
from reports.choices import FindingKind
from reports.healthcheck import rules
from reports.selectors.health import (
    described,
    finding_cases,
    finding_counts,
    finding_reached,
    health_run,
    pipeline_night,
    unit_findings,
    visible_findings,
)
from reports.views.common import crumbs, pager, report_url, tabs


def _as_of(request) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return None


@login_required
def health(request):
    if not may(request.user, Action.HEALTH_CHECK):
        raise PermissionDenied
    unit, info = requested_unit(request)
    run = health_run(_as_of(request))
    kind = request.GET.get("kind", "")
    findings = unit_findings(user=request.user, unit=unit, run=run)
    counts = finding_counts(findings)
    if kind in FindingKind.values:
        findings = findings.filter(kind=kind)
    listed = pager(request, findings, "page")
    top = info.top_name  # one query for the page, not one a finding
    listed["rows"] = [described(finding, top) for finding in listed["rows"]]
    parameters = rules()
    kinds = [
        {
            "kind": choice,
            "label": label,
            "count": counts.get(choice, 0),
            "url": report_url("health", unit=unit, kind=choice, as_of=request.GET.get("as_of")),
            "current": choice == kind,
            "rule": parameters[choice],
        }
        for choice, label in FindingKind.choices
    ]
    return render(
        request,
        "reports/health.html",
        {
            "info": info,
            "unit": unit,
            "run": run,
            "night": pipeline_night(_as_of(request)),
            "findings": listed,
            "kinds": kinds,
            "kind": kind,
            "all_url": report_url("health", unit=unit, as_of=request.GET.get("as_of")),
            "report_tabs": tabs(request, "health", unit),
            "breadcrumb": crumbs(request, info, "health"),
        },
    )


@login_required
def finding(request, pk: int):
    if not may(request.user, Action.HEALTH_CHECK):
        raise PermissionDenied
    found = get_object_or_404(visible_findings(request.user), pk=pk)
    if not finding_reached(request.user, found):
        raise PermissionDenied
    unit = ScopeKey.of_row(found)
    listed = pager(request, finding_cases(user=request.user, finding=found), "page", size=50)
    audit_record(
        action=AuditAction.CASE_LIST,
        request=request,
        object_type="health_finding",
        object_id=found.pk,
        detail={"kind": found.kind, "count": listed["count"]},
    )
    return render(
        request,
        "reports/finding.html",
        {
            "finding": described(found),
            "cases": listed,
            "info": unit_info(unit),
            "back_url": report_url("health", unit=unit, as_of=found.run.as_of.isoformat()),
            "report_tabs": tabs(request, "health", unit),
        },
    )
