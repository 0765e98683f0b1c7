"""Running the case health check (办案体检) and keeping what it found.

health_check_run(as_of=…) is idempotent: one HealthCheckRun per day, its findings stored again
in one transaction (upserted, so that a finding found again keeps its id; the others deleted),
under an advisory lock so that two runs of a day never mix their findings. A run killed
halfway leaves the previous findings of that day as they were.
"""

from __future__ import annotations

import datetime
import logging

from django.db import connection, transaction
from django.utils import timezone

from cases.dates import today
from metrics.periods import ONE_DAY
from reports.choices import RunStatus
from reports.healthcheck import Window, detect
from reports.models import Finding, FindingCase, HealthCheckRun

logger = logging.getLogger(__name__)
HEALTH_LOCK = 0x68636B00  # pg_advisory_xact_lock(HEALTH_LOCK, day): "hck"


def health_check_as_of() -> datetime.date:
    """The day a scheduled run checks: yesterday, as the nightly metrics do."""
    return today() - ONE_DAY


@transaction.atomic
def health_check_run(*, as_of: datetime.date) -> HealthCheckRun:
    """Check every case of the city as of `as_of` and store the findings (replacing the day's
    earlier ones)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [HEALTH_LOCK, as_of.toordinal()])
    window = Window.ending(as_of)
    run, _created = HealthCheckRun.objects.update_or_create(
        as_of=as_of,
        defaults={
            "window_start": window.start,
            "status": RunStatus.RUNNING,
            "started_at": timezone.now(),
            "finished_at": None,
            "error": "",
        },
    )
    drafts = detect(as_of=as_of)
    # Upserted by their unit and kind: a finding found again keeps its id (the kept monthly
    # reviews link to it); one no longer found goes.
    findings = Finding.objects.bulk_create(
        [
            Finding(
                run=run,
                kind=draft.kind,
                scope=draft.scope,
                court_id=draft.court_id,
                division_id=draft.division_id,
                judge_id=draft.judge_id,
                subject=draft.subject,
                value=draft.value,
                reference=draft.reference,
                facts=draft.facts,
            )
            for draft in drafts
        ],
        update_conflicts=True,
        unique_fields=["run", "kind", "scope", "court", "division", "judge", "subject"],
        update_fields=["value", "reference", "facts"],
    )
    Finding.objects.filter(run=run).exclude(pk__in=[finding.pk for finding in findings]).delete()
    FindingCase.objects.filter(finding__run=run).delete()
    links = []
    for finding, draft in zip(findings, drafts, strict=True):
        ids = list(draft.cases.order_by().values_list("pk", flat=True).distinct())
        finding.case_count = len(ids)
        links += [FindingCase(finding=finding, case_id=case_id) for case_id in ids]
    FindingCase.objects.bulk_create(links, batch_size=5000)
    Finding.objects.bulk_update(findings, ["case_count"], batch_size=1000)
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.findings = len(findings)
    run.save(update_fields=["status", "finished_at", "findings"])
    logger.info("health check %s: %d findings, %d cases", as_of, len(findings), len(links))
    return run


def health_check_ensure(*, as_of: datetime.date) -> HealthCheckRun:
    """The finished run of `as_of`, run now if there is none."""
    run = HealthCheckRun.objects.filter(as_of=as_of, status=RunStatus.DONE).first()
    return run or health_check_run(as_of=as_of)
