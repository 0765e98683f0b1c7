"""The health check's findings in the office's work queue (我的待办): the findings of the latest
check, in the reach of whoever may read the health check and send a notice or an inquiry about
them. Registered into supervision's queue from ReportsConfig.ready (supervision may not import
reports)."""

from __future__ import annotations

from django.db.models import DateField, Subquery, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.choices import choice_label
from cases.permissions import Action, may
from cases.runs import RunStatus
from reports.findings import finding_text, unit_title
from reports.models import Finding, HealthCheckRun
from supervision.selectors.queue import QueueItem, QueueSource, register


def finding_rows(user, day):
    if not (may(user, Action.HEALTH_CHECK) and may(user, Action.LETTER_ISSUE)):
        return None
    latest = HealthCheckRun.objects.filter(status=RunStatus.DONE).order_by("-as_of")
    return (
        Finding.objects.in_scope(user)
        .filter(run_id=Subquery(latest.values("pk")[:1]))
        .select_related("run", "court", "division", "judge")
        .annotate(queue_due=Value(None, output_field=DateField()))
    )


def finding_item(finding, day) -> QueueItem:
    unit = unit_title(court=finding.court, division=finding.division, judge=finding.judge)
    text = finding_text(
        kind=finding.kind, value=finding.value, reference=finding.reference, facts=finding.facts
    )
    return QueueItem(
        kind="finding",
        kind_label=str(_("体检发现")),
        pk=finding.pk,
        title=f"{choice_label(finding, 'kind')}：{text}",
        unit=unit,
        due_on=None,
        overdue=False,
        url=reverse("reports:finding", args=[finding.pk]),
        action="handle",
        action_label=str(_("核查，发出督办通知或函询")),
        state=finding.kind,
        state_label=choice_label(finding, "kind"),
        court_code=finding.court.code if finding.court_id else "",
        division_name=finding.division.name if finding.division_id else "",
    )


def register_queue_source() -> None:
    register(QueueSource("finding", _("体检发现"), finding_rows, finding_item))


__all__ = ["register_queue_source"]
