"""Quarterly targets (季目标): the office sets them per indicator, unit and quarter."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.choices import AuditAction
from cases.services import audit_record
from cases.units import ScopeKey
from metrics.choices import Direction
from metrics.definitions.indicators import LOCAL_INDICATORS
from metrics.reading.pagecache import results_changed
from reports.choices import TargetBasis
from reports.models import QuarterlyTarget


def _plain(value) -> str | None:
    return None if value is None else format(Decimal(value).normalize(), "f")


@transaction.atomic
def quarterly_targets_save(
    *,
    unit: ScopeKey,
    year: int,
    quarter: int,
    entries: dict[str, dict],
    actor,
    request=None,
) -> list[QuarterlyTarget]:
    """Set (or, with no target, remove) the quarter's targets of a unit, one entry per
    indicator slug: {"target", "upper_target", "basis", "note"}. Every change is audited."""
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(_("季度须为 1 至 4"))
    existing = {
        row.indicator: row
        for row in QuarterlyTarget.objects.select_for_update().filter(
            unit.rows_q(), year=year, quarter=quarter
        )
    }
    saved, changes = [], {}
    for slug, entry in entries.items():
        indicator = LOCAL_INDICATORS.get(slug)  # targets are the local set's
        if indicator is None:
            raise ValidationError(_("未知指标：%(slug)s") % {"slug": slug})
        target, upper = entry.get("target"), entry.get("upper_target")
        row = existing.get(slug)
        if target is None:
            if row is not None:
                changes[slug] = {"old": _plain(row.target), "new": None}
                row.delete()
            continue
        if unit.scope not in indicator.scopes:
            raise ValidationError(_("“%(label)s”不统计到这一级单位") % {"label": indicator.label})
        if indicator.direction == Direction.BAND:
            if upper is None or upper < target:
                raise ValidationError(
                    _("“%(label)s”是区间指标，须填写不低于下限的上限") % {"label": indicator.label}
                )
        else:
            upper = None
        basis = entry.get("basis") or TargetBasis.YTD
        if row is None:
            row = QuarterlyTarget(
                scope=unit.scope,
                court_id=unit.court_id,
                division_id=unit.division_id,
                judge_id=unit.judge_id,
                year=year,
                quarter=quarter,
                indicator=slug,
            )
        old = (_plain(row.target), _plain(row.upper_target), row.basis) if row.pk else None
        row.target, row.upper_target, row.basis = target, upper, basis
        row.note = entry.get("note", "") or ""
        row.set_by = actor
        if old != (_plain(target), _plain(upper), basis):
            changes[slug] = {"old": old and old[0], "new": _plain(target), "basis": basis}
            if upper is not None:
                changes[slug]["upper"] = _plain(upper)
        row.full_clean(exclude=["set_by"])
        row.save()
        saved.append(row)
    if changes:
        results_changed()  # cached pages show the quarter targets: a new generation, on commit
        audit_record(
            action=AuditAction.CHANGE,
            request=request,
            user=actor,
            object_type="quarterly_target",
            object_id=f"{year}Q{quarter} {unit.scope}:{unit.court_id}:{unit.division_id}:"
            f"{unit.judge_id}",
            detail={"changes": changes},
        )
    return saved
