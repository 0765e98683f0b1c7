"""Four-type cases (四类案件): marking, confirming, removing, rule suggestions, measures,
responses, referrals (DOMAIN.md)."""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import Role
from cases.dates import today
from cases.models import Case, User
from cases.permissions import Action, refuse_personal, require
from cases.units import cases_reached_sql
from supervision.ages import plus_months_sql
from supervision.choices import (
    OPEN_MARK_STATES,
    FourTypeCategory,
    MarkSource,
    MarkState,
    MeasureKind,
    ReferralBody,
    RuleKind,
    TraceKind,
)
from supervision.models import FourTypeMark, FourTypeRule, Measure, Referral
from supervision.services.notify import (
    case_page_url,
    division_heads,
    judge_users,
    notify_users,
)
from supervision.services.trail import (
    actor_name,
    require_case,
    require_text,
    supervision_service,
    trail_record,
)

# The filing division (立案庭) marks at filing; its people mark with that source.
FILING_DIVISION_NAME = "立案庭"
SOURCE_OF_ROLE = {
    Role.JUDGE: MarkSource.JUDGE,
    Role.DIVISION_HEAD: MarkSource.DIVISION_HEAD,
    Role.COURT_LEADER: MarkSource.COURT_LEADER,
    Role.OFFICE: MarkSource.OFFICE,
}


def _mark_source(actor) -> MarkSource:
    if actor.division_id and actor.division.name == FILING_DIVISION_NAME:
        return MarkSource.FILING
    return SOURCE_OF_ROLE[actor.role]


def _pending(case: Case, message: str) -> None:
    if case.closed_on is not None:
        raise ValidationError(message)


@supervision_service
def four_type_mark(*, case: Case, category: int, reason: str, actor: User) -> FourTypeMark:
    """Mark a pending case as four-type (识别标注): awaiting confirmation by a supervisor."""
    require_case(actor, Action.MARK, case, detail={"category": category})
    reason = require_text(reason, _("请填写标注理由"))
    if category not in FourTypeCategory.values:
        raise ValidationError(_("四类案件类别应为1至4"))
    _pending(case, _("已结案件不能标注为四类案件"))
    if FourTypeMark.objects.open().filter(case=case, category=category).exists():
        raise ValidationError(_("该案件已有第%(category)s类的标注") % {"category": category})
    mark = FourTypeMark.objects.create(
        case=case,
        category=category,
        reason=reason,
        source=_mark_source(actor),
        state=MarkState.MARKED,
        marked_by=actor,
    )
    trail_record(
        kind=TraceKind.MARKED,
        actor=actor,
        obj=mark,
        case=case,
        note=reason,
        detail={"category": category, "source": mark.source},
    )
    # The judge and the division head are told the case is now supervised (not the marker).
    notify_users(
        users=[
            user
            for user in [*judge_users(case.judge_id), *division_heads(case.division_id)]
            if user.pk != actor.pk
        ],
        title=_("四类案件标注：%(case)s（第%(category)s类）")
        % {"case": case.case_number, "category": category},
        body=reason,
        url=case_page_url(case, "marks"),
    )
    return mark


def _decide(mark: FourTypeMark, *, state: MarkState, reason: str, actor: User) -> FourTypeMark:
    mark = FourTypeMark.objects.select_for_update().select_related("case").get(pk=mark.pk)
    if mark.state not in (MarkState.SUGGESTED, MarkState.MARKED) and not (
        state == MarkState.REMOVED and mark.state == MarkState.CONFIRMED
    ):
        raise ValidationError(
            _("该标注当前为“%(state)s”，不能再处理") % {"state": mark.get_state_display()}
        )
    mark.state = state
    mark.decided_by = actor
    mark.decided_at = timezone.now()
    mark.decision_reason = reason
    mark.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    return mark


@supervision_service
def four_type_mark_confirm(*, mark: FourTypeMark, reason: str, actor: User) -> FourTypeMark:
    require_case(actor, Action.MARK_CONFIRM, mark.case, detail={"mark_id": mark.pk})
    reason = require_text(reason, _("请填写确认理由"))
    mark = _decide(mark, state=MarkState.CONFIRMED, reason=reason, actor=actor)
    trail_record(
        kind=TraceKind.MARK_CONFIRMED,
        actor=actor,
        obj=mark,
        case=mark.case,
        note=reason,
        detail={"category": mark.category},
    )
    return mark


@supervision_service
def four_type_mark_remove(*, mark: FourTypeMark, reason: str, actor: User) -> FourTypeMark:
    """Remove a mark (suggested, marked or confirmed), with the reason."""
    require_case(actor, Action.MARK_REMOVE, mark.case, detail={"mark_id": mark.pk})
    reason = require_text(reason, _("请填写撤销理由"))
    mark = _decide(mark, state=MarkState.REMOVED, reason=reason, actor=actor)
    trail_record(
        kind=TraceKind.MARK_REMOVED,
        actor=actor,
        obj=mark,
        case=mark.case,
        note=reason,
        detail={"category": mark.category},
    )
    return mark


def _rule_candidates_sql(rule: FourTypeRule) -> tuple[str, dict]:
    """The pending cases a rule picks, as SQL over cases_case c (parameters by name)."""
    if rule.kind == RuleKind.LONG_PENDING:
        months = int(rule.params.get("months", 12))
        return (
            f"c.closed_on IS NULL AND {plus_months_sql('c.filed_on', '%(months)s')} < %(day)s",
            {"months": months},
        )
    if rule.kind == RuleKind.REMANDED_RETURN:
        return (
            "c.closed_on IS NULL AND c.procedure = 'first_instance' AND EXISTS ("
            "SELECT 1 FROM cases_case o WHERE o.id = c.origin_id "
            "AND o.effective_appeal_outcome = 'remanded')",
            {},
        )
    raise ValueError(f"unknown rule kind {rule.kind}")


def _rule_reason(rule: FourTypeRule) -> str:
    if rule.kind == RuleKind.LONG_PENDING:
        return _("立案后超过%(months)s个月未结（规则：%(rule)s）") % {
            "months": int(rule.params.get("months", 12)),
            "rule": rule.name,
        }
    return _("发回重审后重新立案的案件（规则：%(rule)s）") % {"rule": rule.name}


@supervision_service
def four_type_suggest(*, day: datetime.date | None = None, actor: User | None = None) -> int:
    """Apply every active rule: mark the cases it picks as suggested (or confirmed, if the rule
    says so), set-based and idempotent — a rule suggests a case once, and never a case that
    already has an open mark of the rule's category. Returns how many marks were made.

    With an actor (the office), only the courts in their reach; without (the nightly task), all.
    """
    day = day or today()
    court_filter = ""
    params: dict = {"day": day}
    if actor is not None:
        require(actor, Action.RULE_MANAGE)
        court_filter = "AND " + cases_reached_sql(actor)
    created = 0
    for rule in FourTypeRule.objects.filter(active=True).order_by("slug"):
        condition, rule_params = _rule_candidates_sql(rule)
        state = MarkState.CONFIRMED if rule.auto_confirm else MarkState.SUGGESTED
        only_court = "AND c.court_id = %(rule_court)s" if rule.court_id else ""
        kind = TraceKind.MARK_CONFIRMED if rule.auto_confirm else TraceKind.MARK_SUGGESTED
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH inserted AS (
                  INSERT INTO supervision_fourtypemark
                    (case_id, category, reason, source, rule_id, state, marked_at,
                     decided_at, decision_reason)
                  SELECT c.id, %(category)s, %(reason)s, 'rule', %(rule)s, %(state)s, now(),
                         CASE WHEN %(auto)s THEN now() END,
                         CASE WHEN %(auto)s THEN %(auto_reason)s ELSE '' END
                  FROM cases_case c
                  WHERE c.filed_on <= %(day)s AND {condition} {only_court} {court_filter}
                  ON CONFLICT DO NOTHING
                  RETURNING id, case_id, category
                )
                INSERT INTO supervision_traceentry
                  (at, court_id, division_id, judge_id, case_id, actor_id, actor_name,
                   actor_role, kind, object_type, object_id, note, detail)
                SELECT now(), c.court_id, c.division_id, c.judge_id, c.id, %(actor)s,
                       %(actor_name)s, %(actor_role)s, %(kind)s, 'fourtypemark', i.id::text,
                       %(reason)s, %(detail)s::jsonb || jsonb_build_object('category', i.category)
                FROM inserted i JOIN cases_case c ON c.id = i.case_id
                """,
                {
                    **params,
                    **rule_params,
                    "category": rule.category,
                    "reason": _rule_reason(rule),
                    "rule": rule.pk,
                    "rule_court": rule.court_id,
                    "state": state.value,
                    "auto": rule.auto_confirm,
                    "auto_reason": _("规则设定为自动确认"),
                    "actor": actor.pk if actor is not None else None,
                    "actor_name": actor_name(actor),
                    "actor_role": actor.role if actor is not None else "",
                    "kind": kind.value,
                    "detail": json.dumps({"rule": rule.slug, "source": MarkSource.RULE.value}),
                },
            )
            created += cursor.rowcount
    if created:
        from cases.choices import AuditAction
        from cases.services import audit_record

        audit_record(
            action=AuditAction.CHANGE,
            user=actor,
            object_type="supervision.fourtypemark",
            detail={"kind": "four_type_suggest", "created": created, "day": day.isoformat()},
        )
    return created


def _open_mark_of(case: Case, mark: FourTypeMark | None) -> FourTypeMark:
    marks = FourTypeMark.objects.filter(case=case, state__in=OPEN_MARK_STATES)
    if mark is not None:
        marks = marks.filter(pk=mark.pk)
    found = marks.order_by("-marked_at", "-id").first()
    if found is None:
        raise ValidationError(_("该案件没有有效的四类案件标注，不能采取监督管理措施"))
    return found


@supervision_service
def measure_take(
    *,
    case: Case,
    kind: str,
    instruction: str,
    deadline: datetime.date,
    actor: User,
    mark: FourTypeMark | None = None,
) -> Measure:
    """A supervision measure on a four-type case, with an instruction and a response deadline;
    the handling judge is told in the app."""
    require_case(actor, Action.MEASURE_TAKE, case, detail={"measure": kind})
    instruction = require_text(instruction, _("请填写具体要求"))
    if kind not in MeasureKind.values:
        raise ValidationError(_("未知的监督管理措施"))
    _pending(case, _("已结案件不能再采取监督管理措施"))
    if deadline < today():
        raise ValidationError(_("回复期限不能早于今天"))
    measure = Measure.objects.create(
        case=case,
        mark=_open_mark_of(case, mark),
        kind=kind,
        instruction=instruction,
        deadline=deadline,
        taken_by=actor,
    )
    trail_record(
        kind=TraceKind.MEASURE_TAKEN,
        actor=actor,
        obj=measure,
        case=case,
        note=instruction,
        detail={"measure": kind, "deadline": deadline.isoformat()},
    )
    notify_users(
        users=User.objects.filter(judge_id=case.judge_id, is_active=True),
        title=_("监督管理措施：%(case)s %(measure)s")
        % {"case": case.case_number, "measure": measure.get_kind_display()},
        body=_("%(instruction)s\n请于%(deadline)s前回复。")
        % {"instruction": instruction, "deadline": deadline.isoformat()},
        url=case_page_url(case, "measures"),
    )
    return measure


@supervision_service
def measure_respond(*, measure: Measure, response: str, actor: User) -> Measure:
    """The handling judge's response to a measure (once)."""
    measure = Measure.objects.select_for_update().select_related("case").get(pk=measure.pk)
    case = measure.case
    require_case(actor, Action.MEASURE_RESPOND, case, detail={"measure_id": measure.pk})
    if actor.judge_id != case.judge_id:
        raise refuse_personal(actor, Action.MEASURE_RESPOND, case=case)
    response = require_text(response, _("请填写回复内容"))
    if measure.responded_at is not None:
        raise ValidationError(_("该措施已经回复"))
    measure.response = response
    measure.responded_by = actor
    measure.responded_at = timezone.now()
    measure.save(update_fields=["response", "responded_by", "responded_at"])
    trail_record(
        kind=TraceKind.MEASURE_RESPONDED,
        actor=actor,
        obj=measure,
        case=case,
        note=response,
        detail={"measure": measure.kind, "late": measure.deadline < today()},
    )
    notify_users(
        users=User.objects.filter(pk=measure.taken_by_id),
        title=_("承办法官已回复：%(case)s %(measure)s")
        % {"case": case.case_number, "measure": measure.get_kind_display()},
        body=response,
        url=case_page_url(case, "measures"),
    )
    return measure


@supervision_service
def referral_create(*, case: Case, body: str, question: str, actor: User) -> Referral:
    """Refer a case to the professional judges' meeting or the adjudication committee."""
    require_case(actor, Action.REFER, case, detail={"body": body})
    question = require_text(question, _("请填写提交讨论的问题"))
    if body not in ReferralBody.values:
        raise ValidationError(_("应提交专业法官会议或审判委员会"))
    referral = Referral.objects.create(case=case, body=body, question=question, referred_by=actor)
    trail_record(
        kind=TraceKind.REFERRED,
        actor=actor,
        obj=referral,
        case=case,
        note=question,
        detail={"body": body},
    )
    return referral


@supervision_service
def referral_result_record(
    *, referral: Referral, result: str, discussed_on: datetime.date, actor: User
) -> Referral:
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    require_case(actor, Action.REFERRAL_RESULT, referral.case, detail={"referral_id": referral.pk})
    result = require_text(result, _("请填写讨论结果"))
    if referral.result_at is not None:
        raise ValidationError(_("该次讨论的结果已登记"))
    if discussed_on > today():
        raise ValidationError(_("讨论日期不能晚于今天"))
    referral.result = result
    referral.discussed_on = discussed_on
    referral.result_by = actor
    referral.result_at = timezone.now()
    referral.save(update_fields=["result", "discussed_on", "result_by", "result_at"])
    trail_record(
        kind=TraceKind.REFERRAL_RESULT,
        actor=actor,
        obj=referral,
        case=referral.case,
        note=result,
        detail={"body": referral.body, "discussed_on": discussed_on.isoformat()},
    )
    return referral
