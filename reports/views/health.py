"""办案体检 pages: the findings of a unit's judges and divisions, and one finding's cases."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from cases.choices import AuditAction
from cases.dates import today
from cases.models import Case
from cases.permissions import Action, may
from cases.services import audit_record
from cases.units import ScopeKey, reaches, unit_info
from metrics.views.common import requested_unit
from reports.choices import FindingKind, RunStatus
from reports.findings import finding_text, unit_title
from reports.healthcheck import RULES
from reports.models import Finding, HealthCheckRun
from reports.views.common import crumbs, pager, report_url, tabs


def _run(request) -> HealthCheckRun | None:
    runs = HealthCheckRun.objects.filter(status=RunStatus.DONE)
    try:
        day = datetime.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        day = None
    if day is not None:
        runs = runs.filter(as_of__lte=day)
    return runs.order_by("-as_of").first()


def _described(finding: Finding) -> Finding:
    finding.text = finding_text(
        kind=finding.kind, value=finding.value, reference=finding.reference, facts=finding.facts
    )
    finding.unit_title = unit_title(
        court=finding.court, division=finding.division, judge=finding.judge
    )
    return finding


@login_required
def health(request):
    if not may(request.user, Action.HEALTH_CHECK):
        raise PermissionDenied
    unit, info = requested_unit(request)
    run = _run(request)
    kind = request.GET.get("kind", "")
    findings = Finding.objects.none()
    counts = {}
    if run is not None:
        findings = (
            Finding.objects.filter(run=run)
            .in_scope(request.user)
            .within(unit)
            .select_related("court", "division", "judge")
        )
        for row in findings.values_list("kind", flat=True):
            counts[row] = counts.get(row, 0) + 1
        if kind in FindingKind.values:
            findings = findings.filter(kind=kind)
    listed = pager(request, findings.order_by(*Finding._meta.ordering), "page")
    listed["rows"] = [_described(finding) for finding in listed["rows"]]
    kinds = [
        {
            "kind": choice,
            "label": label,
            "count": counts.get(choice, 0),
            "url": report_url("health", unit=unit, kind=choice, as_of=request.GET.get("as_of")),
            "current": choice == kind,
            "rule": RULES[choice],
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
    found = get_object_or_404(
        Finding.objects.in_scope(request.user).select_related("run", "court", "division", "judge"),
        pk=pk,
    )
    unit = ScopeKey.of_row(found)
    if not reaches(request.user, unit):
        raise PermissionDenied
    cases = (
        Case.objects.in_scope(request.user)
        .filter(health_findings=found)
        .with_band(today())
        .select_related("court", "division", "judge")
        .order_by("case_number")
    )
    listed = pager(request, cases, "page", size=50)
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
            "finding": _described(found),
            "cases": listed,
            "info": unit_info(unit),
            "back_url": report_url("health", unit=unit, as_of=found.run.as_of.isoformat()),
            "report_tabs": tabs(request, "health", unit),
        },
    )
