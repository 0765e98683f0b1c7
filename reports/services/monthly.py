"""Generating and keeping the monthly review (月讲评).

monthly_report_generate(unit=…, month=…) builds the report's content as of the month's end
(reports.monthly.snapshot), prints its PDF and writes its XLSX, and stores all three in one
transaction. A report once stored is kept: generating it again returns the stored one,
unchanged, unless `replace=True` (the office's deliberate correction, recorded in the audit
trail). Runs of one month are serialised by an advisory lock, so two workers never both build
the same report.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from cases.choices import AuditAction
from cases.models import Court
from cases.runs import RunStatus
from cases.services import audit_record
from cases.units import ScopeKey
from metrics.choices import PeriodKind
from metrics.definitions.periods import ALL_PERIODS
from metrics.models import ComputationRun
from metrics.services import metrics_nightly
from reports.choices import DocumentKind, ReportStatus
from reports.models import MonthlyReport, ReportDocument
from reports.monthly.documents import Printer, report_pdf, report_xlsx
from reports.monthly.snapshot import NoResults, monthly_snapshot
from reports.periods import month_bounds
from reports.services.healthcheck import health_check_ensure

logger = logging.getLogger(__name__)
MONTHLY_LOCK = 0x6D6F6E00  # pg_advisory_xact_lock(MONTHLY_LOCK, month): "mon"


def report_units() -> list[ScopeKey]:
    """Whose monthly review is generated: the city and every court (their party leadership's
    units)."""
    courts = Court.objects.order_by("code").values_list("pk", flat=True)
    return [ScopeKey.city(), *(ScopeKey("court", court) for court in courts)]


def month_end_ensure(*, month: datetime.date) -> datetime.date:
    """The month's last day, computed (YTD, QTD, MTD) if the nightly run has not done it."""
    _first, last = month_bounds(month)
    done = ComputationRun.objects.filter(as_of=last, status=RunStatus.DONE).count()
    if done < len(ALL_PERIODS):
        metrics_nightly(as_of=last)
    return last


def monthly_report_generate(
    *,
    unit: ScopeKey,
    month: datetime.date,
    actor=None,
    replace: bool = False,
    request=None,
    printer: Printer | None = None,
) -> MonthlyReport:
    """The kept monthly review of `unit` for `month`, generated now if there is none."""
    month = month.replace(day=1)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [MONTHLY_LOCK, month.toordinal()]
            )
        kept = MonthlyReport.objects.filter(unit.rows_q(), month=month).first()
        if kept is not None and not replace:
            return kept
        _first, last = month_bounds(month)
        started = time.perf_counter()
        run = health_check_ensure(as_of=_health_day(last))
        with translation.override(settings.LANGUAGE_CODE):  # the court's document: Chinese
            content = monthly_snapshot(unit=unit, month=month, health_run=run)
        build_ms = int(1000 * (time.perf_counter() - started))
        pdf, pdf_ms = report_pdf(content, printer)
        xlsx, xlsx_ms = report_xlsx(content)
        fields = {
            "as_of": datetime.date.fromisoformat(content["as_of"]),
            "title": content["unit"]["title"],
            "status": ReportStatus.DONE,
            "content": content,
            "generated_at": timezone.now(),
            "generated_by": actor,
            "build_ms": build_ms,
        }
        if kept is None:
            report = MonthlyReport.objects.create(
                month=month,
                scope=unit.scope,
                court_id=unit.court_id,
                division_id=unit.division_id,
                judge_id=unit.judge_id,
                **fields,
            )
        else:
            report = kept
            for name, value in fields.items():
                setattr(report, name, value)
            report.save()
            report.documents.all().delete()
        for kind, data, elapsed in (
            (DocumentKind.PDF, pdf, pdf_ms),
            (DocumentKind.XLSX, xlsx, xlsx_ms),
        ):
            ReportDocument.objects.create(
                report=report,
                kind=kind,
                content=data,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                render_ms=elapsed,
            )
        if actor is not None or kept is not None:
            audit_record(
                action=AuditAction.CHANGE if kept else AuditAction.EXPORT,
                request=request,
                user=actor,
                object_type="monthly_report",
                object_id=report.pk,
                detail={"month": content["month"], "unit": report.title, "replaced": bool(kept)},
            )
    logger.info(
        "monthly review %s %s: content %d ms, PDF %d ms (%d bytes), XLSX %d ms",
        content["month"], report.title, build_ms, pdf_ms, len(pdf), xlsx_ms,
    )  # fmt: skip
    return report


def _health_day(last: datetime.date) -> datetime.date:
    """The health check the review includes: as of the month's last computed day."""
    from metrics.selectors import latest_as_of

    return latest_as_of(PeriodKind.YTD.value, last) or last


def monthly_reports_generate(*, month: datetime.date) -> list[dict]:
    """The month's missing reviews of the city and every court (each in its own transaction:
    one that fails leaves the others kept, and the next run makes only what is missing).
    Returns those made now."""
    month_end_ensure(month=month)
    done = []
    missing = [
        unit
        for unit in report_units()
        if not MonthlyReport.objects.filter(unit.rows_q(), month=month).exists()
    ]
    if missing:
        with Printer() as printer:  # one Chromium for the batch
            for unit in missing:
                try:
                    report = monthly_report_generate(unit=unit, month=month, printer=printer)
                except NoResults:
                    logger.warning("monthly review %s: nothing computed for %s", month, unit)
                    continue
                done.append({"id": report.pk, "unit": report.title, "month": month.isoformat()})
    return done
