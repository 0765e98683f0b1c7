"""Long-pending clearance campaigns (长期未结清理攻坚)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.dates import today
from cases.models import Court, Division, User
from cases.permissions import Action
from cases.units import ScopeKey
from supervision.ages import age_bucket_sql, plus_months_sql
from supervision.choices import EffectSource, TraceKind
from supervision.models import CampaignCase, ClearanceCampaign
from supervision.services.effects import track_effect
from supervision.services.trail import (
    require_case,
    require_text,
    require_unit,
    supervision_service,
    trail_record,
    user_court_id,
)

MIN_CAMPAIGN_MONTHS = 12


def _campaign_url(campaign: ClearanceCampaign) -> str:
    try:
        return reverse("supervision:campaign", args=[campaign.pk])
    except NoReverseMatch:
        return ""


@supervision_service
def campaign_start(
    *,
    name: str,
    court: Court,
    target_on: datetime.date,
    actor: User,
    division: Division | None = None,
    min_months: int = MIN_CAMPAIGN_MONTHS,
    note: str = "",
) -> ClearanceCampaign:
    """Start a campaign: the cases of the court (or division) pending more than `min_months`
    today, frozen as its list. Cases that become long-pending later are not added."""
    require_unit(
        actor,
        Action.CAMPAIGN_MANAGE,
        court_id=court.pk,
        division_id=division.pk if division else None,
        detail={"name": name},
    )
    name = require_text(name, _("请填写名称"))
    if division is not None and division.court_id != court.pk:
        raise ValidationError(_("部门不属于该法院"))
    if min_months < MIN_CAMPAIGN_MONTHS:
        raise ValidationError(_("长期未结案件指立案后超过12个月未结的案件"))
    day = today()
    if target_on < day:
        raise ValidationError(_("目标日期不能早于今天"))
    campaign = ClearanceCampaign.objects.create(
        name=name,
        court=court,
        division=division,
        min_months=min_months,
        started_on=day,
        target_on=target_on,
        note=note,
        created_by=actor,
    )
    only_division = "AND c.division_id = %(division)s" if division is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO supervision_campaigncase (campaign_id, case_id, bucket_at_start)
            SELECT %(campaign)s, c.id, {age_bucket_sql("c.filed_on", "%(day)s")}
            FROM cases_case c
            WHERE c.court_id = %(court)s {only_division}
              AND c.closed_on IS NULL AND c.filed_on <= %(day)s
              AND {plus_months_sql("c.filed_on", "%(months)s")} < %(day)s
            """,
            {
                "campaign": campaign.pk,
                "court": court.pk,
                "division": division.pk if division else None,
                "day": day,
                "months": min_months,
            },
        )
        count = cursor.rowcount
    trail_record(
        kind=TraceKind.CAMPAIGN_ASSIGNED,
        actor=actor,
        obj=campaign,
        court_id=court.pk,
        note=name,
        detail={
            "campaign": campaign.pk,
            "cases": count,
            "min_months": min_months,
            "target_on": target_on.isoformat(),
        },
    )
    track_effect(  # 跟踪问效: the share of long-pending cases and the listed cases
        source=EffectSource.CAMPAIGN,
        object_id=campaign.pk,
        unit=ScopeKey.of(court=court, division=division),
        slugs=["long_pending_share"],
        case_ids=list(campaign.entries.values_list("case_id", flat=True)),
        started_on=day,
        title=name,
        url=_campaign_url(campaign),
        actor=actor,
    )
    return campaign


@supervision_service
def campaign_case_assign(
    *,
    entry: CampaignCase,
    leader: User,
    target_on: datetime.date,
    actor: User,
) -> CampaignCase:
    """Name the leader responsible for one case of a campaign (包案领导) and its target date."""
    entry = CampaignCase.objects.select_for_update().select_related("case").get(pk=entry.pk)
    require_case(actor, Action.CAMPAIGN_MANAGE, entry.case, detail={"campaign_case": entry.pk})
    if user_court_id(leader) != entry.case.court_id:
        raise ValidationError(_("包案领导应为本院人员"))
    if target_on < today():
        raise ValidationError(_("目标日期不能早于今天"))
    entry.leader = leader
    entry.target_on = target_on
    entry.assigned_by = actor
    entry.assigned_at = timezone.now()
    entry.save(update_fields=["leader", "target_on", "assigned_by", "assigned_at"])
    trail_record(
        kind=TraceKind.CAMPAIGN_ASSIGNED,
        actor=actor,
        obj=entry,
        case=entry.case,
        note=_("包案领导：%(leader)s，目标结案日期：%(target)s")
        % {"leader": leader.display_name, "target": target_on},
        detail={
            "campaign": entry.campaign_id,
            "leader": leader.pk,
            "target_on": target_on.isoformat(),
        },
    )
    return entry
