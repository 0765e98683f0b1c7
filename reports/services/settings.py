"""The city's report-level settings, set by its office on pages: the health check's thresholds,
the ranking mode (ranks or bands) and the indicator sets shown. Each change is a new row (the
rows are the history of who changed what, shown on the page) and an event on the audit trail."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.choices import AuditAction
from cases.models import RankingSetting, User
from cases.permissions import Action, require
from cases.services import audit_record
from metrics.choices import IndicatorSet
from metrics.definitions.indicators import ordered_sets
from metrics.models import IndicatorSetSetting
from metrics.reading.pagecache import results_changed
from metrics.selectors import ranking_mode, shown_sets
from reports.choices import FindingKind
from reports.healthcheck import DEFAULTS, rules
from reports.models import HealthRuleSetting


@transaction.atomic
def health_rules_save(
    *, kind: str, params: dict, actor: User, note: str = ""
) -> HealthRuleSetting | None:
    """Set the parameters of one health-check rule (the city's office). Unknown parameters are
    refused; a value equal to what holds changes nothing (None is returned)."""
    require(actor, Action.HEALTH_RULES_EDIT, detail={"kind": kind})
    if kind not in FindingKind.values:
        raise ValidationError(_("未知的体检规则"))
    unknown = sorted(set(params) - set(DEFAULTS[kind]))
    if unknown:
        raise ValidationError(_("未知的参数：%(names)s") % {"names": "、".join(unknown)})
    before = rules()[kind]
    after = {**before, **params}
    if after == before:
        return None
    setting = HealthRuleSetting.objects.create(
        kind=kind, params=after, note=note.strip(), changed_by=actor
    )
    audit_record(
        action=AuditAction.CHANGE,
        user=actor,
        object_type="reports.healthrulesetting",
        object_id=kind,
        detail={
            "before": before,
            "after": after,
            "changed": sorted(name for name in after if before.get(name) != after[name]),
        },
    )
    return setting


@transaction.atomic
def ranking_mode_set(*, mode: str, actor: User, note: str = "") -> RankingSetting | None:
    """Choose ranks or bands for the whole city (its office); None when it is already so."""
    require(actor, Action.RANKING_MODE_SET, detail={"mode": mode})
    if mode not in dict(RankingSetting.MODES):
        raise ValidationError(_("排名方式只能是“排名”或“区间”"))
    before = ranking_mode().value
    if mode == before:
        return None
    setting = RankingSetting.objects.create(mode=mode, note=note.strip(), changed_by=actor)
    results_changed()  # cached pages show ranks or bands: a new generation, on commit
    audit_record(
        action=AuditAction.CHANGE,
        user=actor,
        object_type="cases.rankingsetting",
        object_id=str(setting.pk),
        detail={"before": before, "after": mode},
    )
    return setting


@transaction.atomic
def indicator_sets_set(*, sets, actor: User, note: str = "") -> IndicatorSetSetting | None:
    """Choose which indicator sets the whole city's pages show (its office): the local eleven,
    the SPC's 2024 set, or both. At least one; None when it is already so. Both are computed
    every night whatever is shown, so a set shown again has its whole history."""
    require(actor, Action.RANKING_MODE_SET, detail={"sets": list(sets)})
    if not sets or not set(sets) <= set(IndicatorSet.values):
        raise ValidationError(_("至少选择一个指标体系"))
    after = [str(indicator_set) for indicator_set in ordered_sets(sets)]
    before = [str(indicator_set) for indicator_set in shown_sets()]
    if after == before:
        return None
    setting = IndicatorSetSetting.objects.create(sets=after, note=note.strip(), changed_by=actor)
    results_changed()  # cached pages carry the set switcher: a new generation, on commit
    audit_record(
        action=AuditAction.CHANGE,
        user=actor,
        object_type="metrics.indicatorsetsetting",
        object_id=str(setting.pk),
        detail={"before": before, "after": after},
    )
    return setting
