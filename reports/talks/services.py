"""约谈提醒: the writes — record a talk with its commitments, the owner's report on a commitment,
the office's or leadership's check (核销), and the city's office's change of a suggestion rule.

Each is a `@supervision_service` (atomic; a refusal is recorded on the trail after the rollback)
and leaves its step on the trail (trail_record: the talk's court) and so in the audit trail.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.dates import today
from cases.models import User
from cases.permissions import Action, may, refuse_personal, require
from cases.units import ScopeKey, unit_reached
from reports.models import Talk, TalkCommitment, TalkRuleSetting
from reports.talks.choices import CommitmentState, TalkRuleKind
from reports.talks.rules import DEFAULTS, rules, unit_titles
from supervision.choices import TraceKind
from supervision.services.trail import (
    require_text,
    require_unit,
    supervision_service,
    trail_record,
    user_court_id,
)

MAX_COMMITMENTS = 20


def _now() -> datetime.datetime:
    """Now, on the app's today (cases.dates: a demo writes what was done on a past day)."""
    now = timezone.now()
    day = today()
    if day == timezone.localdate(now):
        return now
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


def _unit_of(talk: Talk) -> ScopeKey:
    return ScopeKey.of(court=talk.court_id, division=talk.division_id, judge=talk.judge_id)


def _check_owner(owner: User, unit: ScopeKey) -> None:
    """A commitment's owner: an active person who may report one (TALK_COMMIT), of the unit
    talked to or above it in its court (its head, the court's leaders)."""
    if owner is None or not owner.is_active or not may(owner, Action.TALK_COMMIT):
        raise ValidationError(_("责任人须为可以报告整改承诺的在职人员"))
    if user_court_id(owner) != unit.court_id:
        raise ValidationError(_("责任人须为被约谈法院的人员"))


@supervision_service
def talk_record(
    *,
    actor: User,
    court_id: int,
    division_id: int | None = None,
    judge_id: int | None = None,
    held_on: datetime.date,
    conducted_by: User,
    attendees: str = "",
    problems: str,
    commitments: Sequence[dict] = (),
    suggestion: dict | None = None,
) -> Talk:
    """Record a talk held with a court, a division or a judge, and the commitments made in it
    (each: text, owner, due_on). The unit must be in the actor's reach."""
    require_unit(
        actor, Action.TALK_MANAGE, court_id=court_id, division_id=division_id, judge_id=judge_id
    )
    problems = require_text(problems, _("请填写约谈指出的问题"))
    if held_on > today():
        raise ValidationError(_("约谈日期不能晚于今天"))
    try:
        unit = ScopeKey.of(court=court_id, division=division_id, judge=judge_id)
    except ValueError:
        raise ValidationError(_("被约谈单位不完整")) from None
    if conducted_by is None or not may(conducted_by, Action.TALK_MANAGE):
        raise ValidationError(_("约谈人须为院领导、院党组成员或审管办人员"))
    if len(commitments) > MAX_COMMITMENTS:
        raise ValidationError(_("一次约谈最多登记 %(n)s 项承诺") % {"n": MAX_COMMITMENTS})
    rows = []
    for item in commitments:
        text = require_text(item.get("text", ""), _("请填写承诺事项"))
        if item.get("due_on") is None or item["due_on"] < held_on:
            raise ValidationError(_("承诺的完成期限不能早于约谈日期"))
        _check_owner(item.get("owner"), unit)
        rows.append({"text": text, "owner": item["owner"], "due_on": item["due_on"]})
    talk = Talk.objects.create(
        court_id=court_id,
        division_id=division_id,
        judge_id=judge_id,
        held_on=held_on,
        conducted_by=conducted_by,
        attendees=(attendees or "").strip(),
        problems=problems,
        suggestion=suggestion or {},
        recorded_by=actor,
        recorded_at=_now(),
    )
    made = TalkCommitment.objects.bulk_create(TalkCommitment(talk=talk, **row) for row in rows)
    title = unit_titles([unit])[unit]
    trail_record(
        kind=TraceKind.TALK_RECORDED,
        actor=actor,
        obj=talk,
        court_id=court_id,
        note=_("约谈%(unit)s：%(problems)s") % {"unit": title, "problems": problems[:200]},
        detail={
            "talk_id": talk.pk,
            "division_id": division_id,
            "judge_id": judge_id,
            "held_on": held_on.isoformat(),
            "conducted_by": conducted_by.get_username(),
            "commitments": [
                {"id": row.pk, "owner": row.owner.get_username(), "due_on": row.due_on.isoformat()}
                for row in made
            ],
            "suggested": [reason.get("kind") for reason in (suggestion or {}).get("reasons", [])],
        },
    )
    _track(talk, unit, title, suggestion or {}, actor)
    return talk


def _track(talk: Talk, unit: ScopeKey, title: str, suggestion: dict, actor) -> None:
    """跟踪问效: what the talk targets (the indicators and cases of its suggestion), followed at
    30, 60 and 90 days by the effects mechanism."""
    try:
        from supervision.services.effects import track_effect
    except ImportError:  # the effects mechanism is not installed
        return
    slugs = sorted({r["indicator"] for r in suggestion.get("reasons", []) if r.get("indicator")})
    track_effect(
        source="talk",
        object_id=talk.pk,
        unit=unit,
        slugs=slugs,
        case_ids=suggestion.get("case_ids", ()),
        started_on=talk.held_on,
        title=_("约谈%(unit)s") % {"unit": title},
        url=reverse("reports:talk", args=[talk.pk]),
        actor=actor,
    )


def _commitment_reached(actor, commitment: TalkCommitment) -> bool:
    talk = commitment.talk
    return unit_reached(
        actor, court_id=talk.court_id, division_id=talk.division_id, judge_id=talk.judge_id
    )


@supervision_service
def commitment_report(*, commitment: TalkCommitment, report: str, actor: User) -> TalkCommitment:
    """The owner reports what was done (again, until it is checked off)."""
    detail = {"commitment_id": commitment.pk, "court_id": commitment.talk.court_id}
    require(actor, Action.TALK_COMMIT, detail=detail)
    if commitment.owner_id != actor.pk:
        raise refuse_personal(actor, Action.TALK_COMMIT, detail=detail)
    if commitment.state == CommitmentState.DONE:
        raise ValidationError(_("该承诺已核销"))
    report = require_text(report, _("请填写落实情况"))
    commitment.report = report
    commitment.state = CommitmentState.REPORTED
    commitment.reported_at = _now()
    commitment.save(update_fields=["report", "state", "reported_at"])
    trail_record(
        kind=TraceKind.TALK_COMMITMENT_REPORTED,
        actor=actor,
        obj=commitment,
        court_id=commitment.talk.court_id,
        note=report[:500],
        detail={"talk_id": commitment.talk_id, "commitment_id": commitment.pk},
    )
    return commitment


@supervision_service
def commitment_close(*, commitment: TalkCommitment, note: str = "", actor: User) -> TalkCommitment:
    """The office or leadership checks a commitment off (核销), reported or not."""
    talk = commitment.talk
    require_unit(
        actor,
        Action.TALK_MANAGE,
        court_id=talk.court_id,
        division_id=talk.division_id,
        judge_id=talk.judge_id,
        detail={"commitment_id": commitment.pk},
    )
    if commitment.state == CommitmentState.DONE:
        raise ValidationError(_("该承诺已核销"))
    commitment.state = CommitmentState.DONE
    commitment.closed_by = actor
    commitment.closed_at = _now()
    commitment.close_note = (note or "").strip()
    commitment.save(update_fields=["state", "closed_by", "closed_at", "close_note"])
    trail_record(
        kind=TraceKind.TALK_COMMITMENT_CLOSED,
        actor=actor,
        obj=commitment,
        court_id=talk.court_id,
        note=commitment.close_note or commitment.text[:200],
        detail={"talk_id": talk.pk, "commitment_id": commitment.pk},
    )
    return commitment


@supervision_service
def talk_rule_save(
    *, kind: str, enabled: bool, params: dict, actor: User, note: str = ""
) -> TalkRuleSetting | None:
    """Change one suggestion rule (the city's office). Unknown parameters are refused; the same
    as what holds changes nothing (None)."""
    require(actor, Action.TALK_RULES_EDIT, detail={"kind": kind})
    if kind not in TalkRuleKind.values:
        raise ValidationError(_("未知的约谈提示规则"))
    unknown = sorted(set(params) - set(DEFAULTS[kind]))
    if unknown:
        raise ValidationError(_("未知的参数：%(names)s") % {"names": "、".join(unknown)})
    before = rules()[kind]
    after = {"enabled": bool(enabled), "params": {**before["params"], **params}}
    if after == before:
        return None
    setting = TalkRuleSetting.objects.create(
        kind=kind,
        enabled=after["enabled"],
        params=after["params"],
        note=(note or "").strip()[:200],
        changed_by=actor,
    )
    changed = [
        name for name in after["params"] if before["params"].get(name) != after["params"][name]
    ]
    if before["enabled"] != after["enabled"]:
        changed.insert(0, "enabled")
    trail_record(
        kind=TraceKind.TALK_RULE_CHANGED,
        actor=actor,
        obj=setting,
        court_id=user_court_id(actor),
        note=str(TalkRuleKind(kind).label),
        detail={"kind": kind, "before": before, "after": after, "changed": changed},
    )
    return setting
