"""The office's supervision settings, edited in pages (not only in the admin): four-type
suggestion rules and abnormality detection rules. Every change goes on the audit trail with
what it was before and after, under the actor's name (`settings_history` reads it back)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from cases.choices import AuditAction
from cases.context_processors import top_office_name
from cases.models import AuditEvent, Court, User
from cases.permissions import Action, Refused, require
from cases.services import audit_record
from cases.units import ScopeKey, reaches, top_unit_name
from metrics.definitions.indicators import LOCAL_INDICATORS
from metrics.definitions.registry import Registry
from supervision.choices import RuleKind
from supervision.models import DetectionRule, FourTypeRule
from supervision.services.trail import supervision_service

RULE_OBJECT = "supervision.fourtyperule"
DETECTION_OBJECT = "supervision.detectionrule"
RULE_FIELDS = ["name", "kind", "category", "params", "court", "auto_confirm", "active"]
DETECTION_FIELDS = [
    "enabled",
    "check_warning",
    "fall_threshold",
    "min_denominator",
    "repeat_days",
]


def _plain(values: dict) -> dict:
    """A model's fields as JSON for the audit trail (decimals as text)."""
    return {
        name: str(value) if isinstance(value, Decimal) else value for name, value in values.items()
    }


def _record(*, actor: User, object_type: str, object_id, before: dict, after: dict) -> None:
    changed = sorted(name for name in after if before.get(name) != after[name])
    audit_record(
        action=AuditAction.CHANGE,
        user=actor,
        object_type=object_type,
        object_id=str(object_id),
        detail={"before": before, "after": after, "changed": changed},
    )


def rule_unit(court: Court | None) -> ScopeKey:
    """The unit a four-type rule holds for: its court, or the whole city (no court)."""
    return ScopeKey.of(court=court)


@supervision_service
def four_type_rule_save(
    *,
    actor: User,
    rule: FourTypeRule | None = None,
    slug: str = "",
    name: str,
    kind: str,
    category: int,
    months: int | None,
    court: Court | None,
    auto_confirm: bool,
    active: bool,
) -> FourTypeRule:
    """Add a suggestion rule (rule=None) or change one. A rule of a court is its office's; a
    rule of the whole city (no court), the city's office's. `months` is the long-pending
    rule's one parameter."""
    require(actor, Action.RULE_MANAGE, detail={"rule": rule.pk if rule else slug})
    units = [rule_unit(court)] + ([rule_unit(rule.court)] if rule is not None else [])
    if not all(reaches(actor, unit) for unit in units):
        raise Refused(
            _("只能管理本院的提示规则；适用%(top)s的规则由%(office)s管理")
            % {"top": (top := top_unit_name()), "office": top_office_name(top)},
            action=Action.RULE_MANAGE,
            actor=actor,
            detail={"rule": rule.pk if rule else slug},
        )
    if kind == RuleKind.LONG_PENDING:
        if months is None or not 1 <= months <= 120:
            raise ValidationError(_("长期未结规则的月数应在1至120之间"))
        params = {"months": months}
    else:
        params = {}
    values = {
        "name": name.strip(),
        "kind": kind,
        "category": category,
        "params": params,
        "court": court,
        "auto_confirm": auto_confirm,
        "active": active,
    }
    if not values["name"]:
        raise ValidationError(_("请填写规则名称"))
    if rule is None:
        if FourTypeRule.objects.filter(slug=slug).exists():
            raise ValidationError(_("标识“%(slug)s”已被使用") % {"slug": slug})
        rule = FourTypeRule(slug=slug)
        before: dict = {}
    else:
        rule = FourTypeRule.objects.select_for_update().get(pk=rule.pk)
        before = _plain(model_to_dict(rule, fields=RULE_FIELDS))
    for field, value in values.items():
        setattr(rule, field, value)
    rule.save()
    after = _plain(model_to_dict(rule, fields=RULE_FIELDS))
    _record(actor=actor, object_type=RULE_OBJECT, object_id=rule.pk, before=before, after=after)
    return rule


@supervision_service
def detection_rule_save(
    *,
    actor: User,
    rule: DetectionRule,
    enabled: bool,
    check_warning: bool,
    fall_threshold: Decimal | None,
    min_denominator: Decimal,
    repeat_days: int,
) -> DetectionRule:
    """Change how one indicator is watched (the whole city's: its office's)."""
    require(actor, Action.DETECTION_RULES_EDIT, detail={"indicator": rule.indicator})
    if fall_threshold is not None and fall_threshold <= 0:
        raise ValidationError(_("“较上周变差超过”应大于0，或留空不检查周环比"))
    if min_denominator < 0:
        raise ValidationError(_("“分母至少”不能小于0"))
    rule = DetectionRule.objects.select_for_update().get(pk=rule.pk)
    before = _plain(model_to_dict(rule, fields=DETECTION_FIELDS))
    rule.enabled = enabled
    rule.check_warning = check_warning
    rule.fall_threshold = fall_threshold
    rule.min_denominator = min_denominator
    rule.repeat_days = repeat_days
    rule.save()
    rule.refresh_from_db()
    after = _plain(model_to_dict(rule, fields=DETECTION_FIELDS))
    _record(
        actor=actor, object_type=DETECTION_OBJECT, object_id=rule.pk, before=before, after=after
    )
    return rule


def detection_rules_seed(*, registry: Registry = LOCAL_INDICATORS) -> list[str]:
    """Give every indicator of the registry (the local set) without a detection rule its
    default one (Indicator.default_detection), as the migrations seeded the first eleven; a
    rule the office has, or an indicator with no default rule, is left as it is. The slugs
    seeded."""
    have = set(DetectionRule.objects.values_list("indicator", flat=True))
    missing = [
        indicator
        for slug, indicator in registry.items()
        if slug not in have and indicator.default_detection is not None
    ]
    DetectionRule.objects.bulk_create(
        DetectionRule(
            indicator=indicator.slug,
            fall_threshold=indicator.default_detection.fall_threshold,
            min_denominator=indicator.default_detection.min_denominator,
        )
        for indicator in missing
    )
    return [indicator.slug for indicator in missing]


def settings_history(*, object_type: str, object_ids) -> QuerySet[AuditEvent]:
    """Who changed which of these settings, when, from what to what: latest first."""
    return AuditEvent.objects.filter(
        action=AuditAction.CHANGE,
        object_type=object_type,
        object_id__in=[str(pk) for pk in object_ids],
    ).order_by("-at", "-id")
