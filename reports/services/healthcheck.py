"""Running the case health check (办案体检) and keeping what it found.

health_check_run(as_of=…) is idempotent: one HealthCheckRun per day, its findings stored again
in one transaction (upserted, so that a finding found again keeps its id; the others deleted),
the run marked done in it. cases.runs.RecordedRun keeps the run row (running, done, failed) and
the advisory lock per day, so that two runs of a day never mix their findings: a second run
waits for the first and skips if it finished meanwhile. A run killed halfway leaves the previous
findings of that day as they were. It is a step of the nightly pipeline (courtdash.pipeline),
after the metrics and the abnormality detection.
"""

from __future__ import annotations

import datetime
import logging

from cases.dates import today
from cases.runs import RecordedRun, RunStatus
from metrics.definitions.periods import ONE_DAY
from reports.healthcheck import Window, detect
from reports.models import Finding, FindingCase, HealthCheckRun
from supervision.selectors.queue_count import queue_changed

logger = logging.getLogger(__name__)
HEALTH_LOCK = 0x68636B00  # pg_advisory_lock(HEALTH_LOCK, day): "hck"


def health_check_as_of() -> datetime.date:
    """The day a scheduled run checks: yesterday, as the nightly metrics do."""
    return today() - ONE_DAY


def health_check_run(*, as_of: datetime.date) -> HealthCheckRun:
    """Check every case of the city as of `as_of` and store the findings (replacing the day's
    earlier ones), unless a concurrent run of the day just did."""
    window = Window.ending(as_of)
    recorded = RecordedRun(
        HealthCheckRun,
        keys=[{"as_of": as_of}],
        lock=(HEALTH_LOCK, as_of.toordinal()),
        name=f"health check {as_of}",
    )
    recorded.execute(
        lambda: {"findings": _findings_store(as_of=as_of)},
        running={"window_start": window.start},
    )
    return HealthCheckRun.objects.get(as_of=as_of)


def _findings_store(*, as_of: datetime.date) -> int:
    """The findings of the day, stored in the run's transaction; how many."""
    run = HealthCheckRun.objects.get(as_of=as_of)
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
    logger.info("health check %s: %d findings, %d cases", as_of, len(findings), len(links))
    queue_changed()  # written in bulk (no save signal): the findings are in people's 我的待办
    return len(findings)


def health_check_ensure(*, as_of: datetime.date) -> HealthCheckRun:
    """The finished run of `as_of`, run now if there is none."""
    run = HealthCheckRun.objects.filter(as_of=as_of, status=RunStatus.DONE).first()
    return run or health_check_run(as_of=as_of)
