"""办案体检 reads: the run a page or the API shows, a unit's findings in the viewer's scope, one
finding's cases. The health pages and the API answer from these."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from cases.dates import today
from cases.models import Case
from cases.runs import RunStatus
from cases.units import ScopeKey, reaches
from reports.choices import PipelineStepKind
from reports.findings import finding_text, unit_title
from reports.models import Finding, HealthCheckRun, PipelineStep


def health_run(as_of: datetime.date | None = None) -> HealthCheckRun | None:
    """The latest finished run (on or before `as_of`, if given)."""
    runs = HealthCheckRun.objects.filter(status=RunStatus.DONE)
    if as_of is not None:
        runs = runs.filter(as_of__lte=as_of)
    return runs.order_by("-as_of").first()


def pipeline_night(as_of: datetime.date | None = None) -> dict | None:
    """The steps of the nightly pipeline of a night (default: the latest recorded), in their
    order, each with its status (None: not run, the chain stopped before it); None if no night
    was recorded. What the health page tells everyone who reads it; a failed step's error
    stays in its row and the worker's log."""
    nights = PipelineStep.objects.order_by("-as_of").values_list("as_of", flat=True)
    night = (nights.filter(as_of__lte=as_of) if as_of else nights).first()
    if night is None:
        return None
    rows = {row.step: row for row in PipelineStep.objects.filter(as_of=night)}
    steps = [
        {"kind": kind, "label": label, "status": rows[kind].status if kind in rows else None,
         "finished_at": rows[kind].finished_at if kind in rows else None}
        for kind, label in PipelineStepKind.choices
    ]  # fmt: skip
    statuses = {step["status"] for step in steps}
    status = (
        RunStatus.FAILED if RunStatus.FAILED in statuses
        else RunStatus.DONE if statuses == {RunStatus.DONE}
        else RunStatus.RUNNING
    )  # fmt: skip
    return {"as_of": night, "status": status, "steps": steps}


def unit_findings(*, user, unit: ScopeKey, run: HealthCheckRun | None) -> QuerySet:
    """The run's findings at `unit` and below that `user` may see, in the pages' order."""
    if run is None:
        return Finding.objects.none()
    return (
        Finding.objects.filter(run=run)
        .in_scope(user)
        .within(unit)
        .select_related("run", "court", "division", "judge")
        .order_by(*Finding._meta.ordering, "pk")
    )


def finding_counts(findings: QuerySet) -> dict[str, int]:
    """How many findings of each kind."""
    counts: dict[str, int] = {}
    for kind in findings.values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def described(finding: Finding, top: str | None = None) -> Finding:
    """The finding with its sentence (`text`) and its unit's names (`unit_title`). `top`: the
    top unit's name, read once for a list of findings (reports.findings.finding_text)."""
    finding.text = finding_text(
        kind=finding.kind,
        value=finding.value,
        reference=finding.reference,
        facts=finding.facts,
        top=top,
    )
    finding.unit_title = unit_title(
        court=finding.court, division=finding.division, judge=finding.judge
    )
    return finding


def visible_findings(user) -> QuerySet:
    """Every finding `user` may open (any run)."""
    return Finding.objects.in_scope(user).select_related("run", "court", "division", "judge")


def finding_reached(user, finding: Finding) -> bool:
    return reaches(user, ScopeKey.of_row(finding))


def finding_cases(*, user, finding: Finding) -> QuerySet:
    """The cases a finding points at that `user` sees, by case number."""
    return (
        Case.objects.in_scope(user)
        .filter(health_findings=finding)
        .with_band(today())
        .select_related("court", "division", "judge")
        .order_by("case_number", "pk")
    )
